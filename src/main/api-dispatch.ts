// Validates and dispatches one Api call that arrived from another process (IPC or WebSocket).
import type { Api, ApiEventName, ApiEvents } from '../shared/api';
import { ParallaxError } from '../shared/errors';
import { isApiMethod, paramSchemas } from '../shared/schemas';

/** Where a face hears the engine's pushed events (the Engine's TypedEmitter fits). */
export interface ApiEventSource {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

/** The Api plus its pushed events: what the IPC bridge and the web host serve. */
export type ApiWithEvents = Api & { events: ApiEventSource };

const eventNameSet: Record<ApiEventName, true> = { recording: true, sessionsChanged: true };
/** Every event name of ApiEvents (the record above fails to compile when one is missing). */
export const apiEventNames = Object.keys(eventNameSet) as ApiEventName[];

const MAX_ECHOED_CHARS = 80;

/**
 * Calls `api[method](...params)` after checking `method` is an Api method and `params` match its
 * schema; the engine only ever sees the parsed parameters. Invalid input rejects with
 * ParallaxError('bad-request'); errors from the engine itself pass through unchanged.
 */
export async function dispatchApiCall(api: Api, method: unknown, params: unknown): Promise<unknown> {
  if (!isApiMethod(method)) {
    throw new ParallaxError('bad-request', `Unknown method ${echo(method)}.`);
  }
  const parsed = paramSchemas[method].safeParse(params);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; ');
    throw new ParallaxError('bad-request', `Invalid parameters for ${method}: ${problems}.`);
  }
  const call = api[method] as (...args: unknown[]) => Promise<unknown>;
  return call.apply(api, parsed.data);
}

/** A short, printable rendering of an untrusted value for an error message. */
function echo(value: unknown): string {
  if (typeof value !== 'string') return `(a ${value === null ? 'null' : typeof value}, not a name)`;
  const clipped = value.length > MAX_ECHOED_CHARS ? `${value.slice(0, MAX_ECHOED_CHARS)}...` : value;
  return JSON.stringify(clipped);
}
