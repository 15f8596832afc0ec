// The form that starts a recording: target (PID, host:port or ws URL) and recording options.
import { useState, type FormEvent } from 'react';
import type { SignalName } from '../../../shared/domain';
import { useAttach } from '../../state/attach';
import { parseRecordRequest, type AttachFields, type TargetKind } from './parse-target';

// Prometheus needs a URL, which the command line takes (--prometheus-url).
const SIGNAL_CHOICES: { signal: SignalName; label: string; hint: string }[] = [
  { signal: 'cpu', label: 'CPU', hint: 'Sampling CPU profiles' },
  { signal: 'logs', label: 'Console', hint: 'console API calls and uncaught exceptions' },
  { signal: 'metrics', label: 'Metrics', hint: 'Heap, RSS, CPU %, event-loop utilisation and delay every 250 ms' },
  { signal: 'trace', label: 'Trace events', hint: 'GC pauses, console.time, performance marks' },
  { signal: 'workers', label: 'Workers', hint: 'Every signal for worker threads too' },
  { signal: 'otlp', label: 'OTLP', hint: 'Receive OpenTelemetry spans, logs and metrics' },
  { signal: 'heap', label: 'Allocations', hint: 'Sampling heap profiles; costs an allocation-heavy app up to ~10%' },
  { signal: 'agent', label: 'HTTP spans', hint: 'Spans from diagnostics_channel for apps without OpenTelemetry' },
];

const KINDS: { kind: TargetKind; label: string }[] = [
  { kind: 'pid', label: 'Process (PID)' },
  { kind: 'inspect', label: 'host:port' },
  { kind: 'ws', label: 'WebSocket URL' },
];

export function AttachForm({ fields, onChange }: { fields: AttachFields; onChange(fields: AttachFields): void }) {
  const recording = useAttach((state) => state.recording);
  const engineError = useAttach((state) => state.error);
  const start = useAttach((state) => state.start);
  const [formError, setFormError] = useState<string | null>(null);
  const busy = recording.phase !== 'idle' && recording.phase !== 'done';
  const set = (patch: Partial<AttachFields>) => {
    setFormError(null);
    onChange({ ...fields, ...patch });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseRecordRequest(fields);
    if (!parsed.ok) {
      setFormError(parsed.message);
      return;
    }
    if (recording.phase === 'done') useAttach.getState().dismiss();
    void start(parsed.value);
  };

  const error = formError ?? engineError;
  return (
    <form className="card attach-form" onSubmit={submit} data-testid="attach-form" noValidate>
      <div className="card-head">
        <h3>Record</h3>
      </div>
      <fieldset className="field-row" disabled={busy}>
        <legend className="field-label">Target</legend>
        <div className="segmented" role="radiogroup" aria-label="Target kind">
          {KINDS.map(({ kind, label }) => (
            <label key={kind} className={fields.kind === kind ? 'is-on' : undefined}>
              <input type="radio" name="target-kind" value={kind} checked={fields.kind === kind} onChange={() => set({ kind })} />
              {label}
            </label>
          ))}
        </div>
        {fields.kind === 'pid' && (
          <input
            className="input mono"
            aria-label="PID"
            data-testid="attach-pid"
            inputMode="numeric"
            placeholder="PID, or choose a row above"
            value={fields.pid}
            onChange={(event) => set({ pid: event.target.value })}
          />
        )}
        {fields.kind === 'inspect' && (
          <input
            className="input mono"
            aria-label="Inspector host:port"
            data-testid="attach-host-port"
            placeholder="127.0.0.1:9229"
            value={fields.hostPort}
            onChange={(event) => set({ hostPort: event.target.value })}
          />
        )}
        {fields.kind === 'ws' && (
          <input
            className="input mono"
            aria-label="Inspector WebSocket URL"
            data-testid="attach-ws-url"
            placeholder="ws://127.0.0.1:9229/…"
            value={fields.wsUrl}
            onChange={(event) => set({ wsUrl: event.target.value })}
          />
        )}
      </fieldset>
      <fieldset className="field-grid" disabled={busy}>
        <label>
          <span className="field-label">Name</span>
          <input className="input" data-testid="attach-name" placeholder="optional" value={fields.name} onChange={(event) => set({ name: event.target.value })} />
        </label>
        <label>
          <span className="field-label">Duration (s)</span>
          <input
            className="input mono"
            data-testid="attach-duration"
            inputMode="decimal"
            placeholder="until stopped"
            value={fields.durationSec}
            onChange={(event) => set({ durationSec: event.target.value })}
          />
        </label>
        <label>
          <span className="field-label">Sampling interval (µs)</span>
          <input
            className="input mono"
            data-testid="attach-interval"
            inputMode="numeric"
            value={fields.intervalUs}
            onChange={(event) => set({ intervalUs: event.target.value })}
          />
        </label>
      </fieldset>
      <fieldset className="field-row" disabled={busy}>
        <legend className="field-label">Signals</legend>
        <div className="signal-choices" data-testid="attach-signals">
          {SIGNAL_CHOICES.map(({ signal, label, hint }) => (
            <label key={signal} title={hint} className="signal-choice">
              <input
                type="checkbox"
                data-testid={`attach-signal-${signal}`}
                checked={fields.signals.includes(signal)}
                onChange={(event) =>
                  set({ signals: event.target.checked ? [...fields.signals, signal] : fields.signals.filter((s) => s !== signal) })
                }
              />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      {error && (
        <p className="form-error" role="alert" data-testid="attach-error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="record-button" disabled={busy}>
          {recording.phase === 'starting' ? 'Attaching…' : 'Record'}
        </button>
      </div>
    </form>
  );
}
