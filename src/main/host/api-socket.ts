// The Api over WebSocket: WireRequest in (text frames only), WireResponse out, every engine event pushed
// to every connected socket. A result holding typed arrays (the timeline's columns) goes out as one
// binary frame (shared/binary-frame.ts) instead of JSON. Callers authorise the upgrade before handing it here.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { ApiMethod, WireEvent, WireResponse } from '../../shared/api';
import { encodeBinaryReply } from '../../shared/binary-frame';
import { codeOf, messageOf } from '../../shared/errors';
import { apiEventNames, dispatchApiCall, type ApiWithEvents } from '../api-dispatch';
import { RequestQueue } from './request-queue';

/** Largest request accepted; Api parameters are small (a bigger frame closes the socket, 1009). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * Methods whose results hold typed arrays, sent as binary frames. Only these are walked for arrays:
 * every other reply goes out as JSON text as it always did, without the walk's cost.
 */
const COLUMNAR_METHODS: ReadonlySet<unknown> = new Set<ApiMethod>(['getTimeline']);

/** Id used in replies to requests too malformed to carry one. */
export const UNKNOWN_REQUEST_ID = -1;

export interface ApiSocketServer {
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket (1001) and stops forwarding events. */
  close(): Promise<void>;
}

export function createApiSocketServer(api: ApiWithEvents): ApiSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES, perMessageDeflate: false });

  const unsubscribers = apiEventNames.map((event) =>
    api.events.on(event, (payload) => {
      const text = JSON.stringify({ event, payload } satisfies WireEvent);
      for (const client of wss.clients) {
        if (client.readyState === WebSocket.OPEN) client.send(text);
      }
    }),
  );

  // One queue for every socket: they share one engine, which answers one question at a time.
  const queue = new RequestQueue<{ ws: WebSocket; id: number; method: unknown; params: unknown }>(({ ws, ...request }) => {
    void answer(api, request).then((reply) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(reply);
    });
  });

  wss.on('connection', (ws) => {
    // ws reports protocol violations (oversized or invalid frames) here and closes the socket
    // with the matching close code, which is what the client sees; nothing else is owed to it.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      const request = readRequest(data, isBinary);
      if ('problem' in request) ws.send(encode({ id: request.id, error: { message: request.problem, code: 'bad-request' } }));
      else queue.push({ ws, ...request });
    });
  });

  return {
    accept(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    close() {
      queue.close();
      for (const unsubscribe of unsubscribers) unsubscribe();
      for (const client of wss.clients) client.close(1001, 'Parallax is shutting down');
      // Sockets that do not finish the closing handshake promptly are dropped.
      const dropLate = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, 1000);
      return new Promise<void>((resolveClose) => {
        wss.close(() => {
          clearTimeout(dropLate);
          resolveClose();
        });
      });
    },
  };
}

/** Turns one request into its reply: a binary frame for a columnar result, else WireResponse text; never throws. */
async function answer(api: ApiWithEvents, request: { id: number; method: unknown; params: unknown }): Promise<string | Uint8Array> {
  try {
    const result = await dispatchApiCall(api, request.method, request.params);
    const binary = COLUMNAR_METHODS.has(request.method) ? encodeBinaryReply(request.id, result) : null;
    return binary ?? encode({ id: request.id, result: result === undefined ? null : result });
  } catch (error) {
    return encode({ id: request.id, error: { message: messageOf(error), code: codeOf(error) } });
  }
}

type ReadRequest = { id: number; method: unknown; params: unknown } | { id: number; problem: string };

function readRequest(data: RawData, isBinary: boolean): ReadRequest {
  const id = UNKNOWN_REQUEST_ID;
  if (isBinary) return { id, problem: 'Requests must be sent as text frames of JSON.' };
  let value: unknown;
  try {
    value = JSON.parse(rawText(data));
  } catch {
    return { id, problem: 'The request is not valid JSON.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { id, problem: 'A request must be a JSON object {id, method, params}.' };
  }
  const record = value as Record<string, unknown>;
  if (!Number.isSafeInteger(record.id)) return { id, problem: 'A request needs an integer id.' };
  return { id: record.id as number, method: record.method, params: record.params };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** JSON for a reply; a result JSON cannot carry becomes an error reply instead. */
function encode(response: WireResponse): string {
  try {
    return JSON.stringify(response);
  } catch (error) {
    const message = `The result could not be sent: ${messageOf(error)}`;
    return JSON.stringify({ id: response.id, error: { message, code: 'internal' } } satisfies WireResponse);
  }
}
