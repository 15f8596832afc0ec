// Narrows one text frame from the web host into a reply or a pushed event; anything else is null.
import type { ApiEventName } from '../../shared/api';

export type IncomingMessage =
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; message: string; code: string }
  | { kind: 'event'; event: ApiEventName; payload: unknown };

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
