// Narrows one frame from the web host into a reply or a pushed event: text frames are JSON, binary
// frames are replies carrying typed arrays (shared/binary-frame.ts). Anything else is null or malformed.
import type { ApiEventName } from '../../shared/api';
import { decodeBinaryReply } from '../../shared/binary-frame';

export type IncomingMessage =
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; message: string; code: string }
  | { kind: 'event'; event: ApiEventName; payload: unknown };

/** A binary frame that could not be read; id is the request it answers, when its header said. */
export interface MalformedReply {
  kind: 'malformed';
  id: number | null;
  problem: string;
}

/** A binary reply as a result, or what is wrong with it. */
export function parseIncomingBinary(buffer: ArrayBuffer): IncomingMessage | MalformedReply {
  const frame = decodeBinaryReply(buffer);
  return frame.ok ? { kind: 'result', id: frame.id, result: frame.result } : { kind: 'malformed', id: frame.id, problem: frame.problem };
}

const EVENT_NAMES: readonly ApiEventName[] = ['recording', 'sessionsChanged'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseIncoming(text: string): IncomingMessage | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(data)) return null;
  if (typeof data.event === 'string') {
    const event = EVENT_NAMES.find((name) => name === data.event);
    return event ? { kind: 'event', event, payload: data.payload } : null;
  }
  if (typeof data.id !== 'number' || !Number.isInteger(data.id)) return null;
  if (isRecord(data.error)) {
    const message = typeof data.error.message === 'string' && data.error.message ? data.error.message : 'The engine reported an error without a message';
    const code = typeof data.error.code === 'string' ? data.error.code : 'internal';
    return { kind: 'error', id: data.id, message, code };
  }
  if ('result' in data) return { kind: 'result', id: data.id, result: data.result };
  return null;
}
