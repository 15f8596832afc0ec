// Bundled into a bare Chromium page by the client frame tests: the window's own WebSocket client,
// driven by name so a test can see what each call settles to.
import { createWebSocketClient } from '../../src/renderer/api/websocket-client';
import type { Api } from '../../src/shared/api';
import { codeOf, messageOf } from '../../src/shared/errors';

type Outcome = { ok: true; value: unknown } | { ok: false; message: string; code: string };

let client: ReturnType<typeof createWebSocketClient> | null = null;
const lost: string[] = [];

/** A JSON-friendly picture of a result: typed arrays by constructor name and values. */
function describe(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return { type: value.constructor.name, values: Array.from(value as Float64Array) };
  if (Array.isArray(value)) return value.map(describe);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v)]));
  return value;
}

function connect(url: string): void {
  client = createWebSocketClient(url, (reason) => lost.push(reason));
}

async function call(method: keyof Api, params: unknown[]): Promise<Outcome> {
  if (!client) throw new Error('connect first');
  const fn = client[method] as (...args: unknown[]) => Promise<unknown>;
  try {
    return { ok: true, value: describe(await fn(...params)) };
  } catch (error) {
    return { ok: false, message: messageOf(error), code: codeOf(error) };
  }
}

(globalThis as unknown as { clientFrames: unknown }).clientFrames = { connect, call, lost };
