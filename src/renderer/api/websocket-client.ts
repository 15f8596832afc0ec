// ApiClient over the web host's WebSocket (/api?token=...): JSON requests, replies and pushed events;
// replies carrying typed arrays come as binary frames, read as views on the frame's buffer.
import { API_METHODS } from '../../shared/api';
import type { Api, ApiClient, ApiEventName, ApiEvents, ApiMethod, SessionFiles, WireRequest } from '../../shared/api';
import { ParallaxError, type ErrorCode } from '../../shared/errors';
import { type IncomingMessage, type MalformedReply, parseIncoming, parseIncomingBinary } from './wire-message';

const ERROR_CODES: readonly ErrorCode[] = [
  'bad-request',
  'not-found',
  'not-node',
  'attach-failed',
  'connection-refused',
  'store-version',
  'internal',
];

function toErrorCode(code: string): ErrorCode {
  return ERROR_CODES.find((known) => known === code) ?? 'internal';
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

type Listener = (payload: unknown) => void;

/** URL of the host's Api socket for the page the window was loaded from. */
export function apiSocketUrl(loc: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(loc.search).get('token') ?? '';
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}/api?token=${encodeURIComponent(token)}`;
}

/**
 * Opens the socket at once; calls made before it opens wait for it. When the socket closes every
 * pending and later call rejects, and onLost hears why (no reconnect: the host's token is per run).
 */
export function createWebSocketClient(url: string, onLost: (reason: string) => void): Omit<ApiClient, keyof SessionFiles> {
  const socket = new WebSocket(url);
  // Binary replies are read in place; a Blob would need an extra asynchronous read.
  socket.binaryType = 'arraybuffer';
  const pending = new Map<number, Pending>();
  const listeners = new Map<ApiEventName, Set<Listener>>();
  let nextId = 1;
  let closedReason: string | null = null;

  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('close', () => reject(new Error(closedReason ?? 'Lost connection to Parallax')));
  });
  // A call's own rejection is what a view shows; this only keeps the promise from going unhandled.
  opened.catch(() => undefined);

  socket.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = readFrame(event.data);
    if (!message) {
      console.warn('Parallax: ignored a malformed message from the host');
      return;
    }
    if (message.kind === 'malformed') {
      const error = new ParallaxError('internal', `Parallax could not read the engine's answer: ${message.problem}`);
      console.warn(error.message);
      // Binary frames are only ever replies: one whose header cannot say which request it answers
      // fails every waiting call rather than leave one waiting for ever.
      const ids = message.id === null ? [...pending.keys()] : [message.id];
      for (const id of ids) {
        pending.get(id)?.reject(error);
        pending.delete(id);
      }
      return;
    }
    if (message.kind === 'event') {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
      return;
    }
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    if (message.kind === 'result') call.resolve(message.result);
    else call.reject(new ParallaxError(toErrorCode(message.code), message.message));
  });

  function readFrame(data: unknown): IncomingMessage | MalformedReply | null {
    if (typeof data === 'string') return parseIncoming(data);
    if (data instanceof ArrayBuffer) return parseIncomingBinary(data);
    return null;
  }

  let everOpened = false;
  socket.addEventListener('open', () => {
    everOpened = true;
  });
  socket.addEventListener('close', () => {
    closedReason = everOpened
      ? 'Lost connection to Parallax'
      : 'Could not connect to Parallax: open the address printed by `parallax serve` (it carries the access token)';
    const error = new Error(closedReason);
    for (const call of pending.values()) call.reject(error);
    pending.clear();
    onLost(closedReason);
  });

  async function call(method: ApiMethod, params: unknown[]): Promise<unknown> {
    if (closedReason) throw new Error(closedReason);
    await opened;
    return new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const request: WireRequest = { id, method, params };
      socket.send(JSON.stringify(request));
    });
  }

  // Results are trusted to match the contract: the host validated the call and built the reply.
  // Trailing undefined parameters are dropped: JSON would turn them into null.
  const api = Object.fromEntries(
    API_METHODS.map((method) => [
      method,
      (...params: unknown[]) => {
        while (params.length > 0 && params[params.length - 1] === undefined) params.pop();
        return call(method, params);
      },
    ]),
  ) as unknown as Api;

  return {
    ...api,
    on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      const untyped = listener as Listener;
      set.add(untyped);
      return () => set.delete(untyped);
    },
  };
}
