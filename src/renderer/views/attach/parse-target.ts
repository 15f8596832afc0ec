// Reads the Attach form's fields into a RecordRequest, or says in words what is wrong with them.
import type { RecordRequest, SignalName, TargetSpec } from '../../../shared/domain';

export type TargetKind = 'pid' | 'inspect' | 'ws';

export interface AttachFields {
  kind: TargetKind;
  pid: string;
  hostPort: string;
  wsUrl: string;
  name: string;
  durationSec: string;
  intervalUs: string;
  signals: SignalName[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseTarget(fields: AttachFields): Parsed<TargetSpec> {
  switch (fields.kind) {
    case 'pid': {
      const text = fields.pid.trim();
      if (!text) return { ok: false, message: 'Choose a process in the table or type its PID' };
      if (!/^\d+$/.test(text) || Number(text) <= 0) return { ok: false, message: `"${text}" is not a process id` };
      return { ok: true, value: { kind: 'pid', pid: Number(text) } };
    }
    case 'inspect': {
      const text = fields.hostPort.trim();
      const match = /^(?:(\[[^\]]+\]|[^:\s]+):)?(\d+)$/.exec(text);
      const port = match ? Number(match[2]) : NaN;
      if (!match || !(port >= 1 && port <= 65535)) {
        return { ok: false, message: 'Type the inspector address as host:port, for example 127.0.0.1:9229' };
      }
      return { ok: true, value: { kind: 'inspect', host: match[1] ?? '127.0.0.1', port } };
    }
    case 'ws': {
      const text = fields.wsUrl.trim();
      if (!/^wss?:\/\/\S+$/.test(text)) {
        return { ok: false, message: 'Type the inspector WebSocket URL, for example ws://127.0.0.1:9229/<id>' };
      }
      return { ok: true, value: { kind: 'ws', url: text } };
    }
  }
}

export function parseRecordRequest(fields: AttachFields): Parsed<RecordRequest> {
  const target = parseTarget(fields);
  if (!target.ok) return target;
  const request: RecordRequest = { target: target.value };
  const name = fields.name.trim();
  if (name) request.name = name;
  const duration = fields.durationSec.trim();
  if (duration) {
    const seconds = Number(duration);
    if (!(seconds > 0 && seconds <= 86_400)) return { ok: false, message: 'Duration is a number of seconds between 0 and 86400' };
    request.durationSec = seconds;
  }
  if (fields.signals.length === 0) return { ok: false, message: 'Choose at least one signal to record' };
  request.signals = [...fields.signals];
  const interval = fields.intervalUs.trim();
  if (interval) {
    const micros = Number(interval);
    if (!Number.isInteger(micros) || micros < 10 || micros > 1_000_000) {
      return { ok: false, message: 'Sampling interval is a whole number of microseconds from 10 to 1000000' };
    }
    request.intervalUs = micros;
  }
  return { ok: true, value: request };
}
