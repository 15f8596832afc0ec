// The window's WebSocket client, in Chromium, against a host that answers with binary frames good and
// bad: a good one arrives as typed arrays; a truncated or malformed one fails its call with a clear
// error (or every waiting call, when it cannot say which it answers) and the page carries on.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { encodeBinaryReply } from '../../src/shared/binary-frame';
import { browserSkipReason, launchChromium, REPO_ROOT } from '../support/e2e-browser';

const skipReason = browserSkipReason();
if (skipReason) console.warn(`Skipping the client frame tests: ${skipReason}`);

/** What the test host sends for getTimeline(kind): a good frame, or one broken in a known way. */
function frameFor(kind: string, id: number): Uint8Array {
  const frame = encodeBinaryReply(id, { column: Float64Array.from([1.5, 2.5]), counts: Int32Array.from([7]), label: 'ok' })!;
  const broken = frame.slice();
  switch (kind) {
    case 'truncated':
      return frame.subarray(0, frame.byteLength - 5);
    case 'header-cut':
      return frame.subarray(0, 10);
    case 'wrong-mark':
      broken.set([0x7b, 0x22, 0x69, 0x64], 0);
      return broken;
    case 'bad-json':
      broken[24] = 0xff;
      return broken;
    default:
      return frame;
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; message: string; code: string };

describe.skipIf(skipReason !== null)('the window client reading binary replies', () => {
  let server: WebSocketServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const warnings: string[] = [];

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    server.on('connection', (ws) => {
      ws.on('message', (data) => {
        const { id, method, params } = JSON.parse(String(data)) as { id: number; method: string; params: unknown[] };
        if (method === 'getTimeline') ws.send(frameFor(String(params[0]), id));
        else ws.send(JSON.stringify({ id, result: [] }));
      });
    });
    const bundle = await build({ entryPoints: [`${REPO_ROOT}/test/support/websocket-client-page.ts`], bundle: true, format: 'iife', platform: 'browser', write: false, target: 'chrome120' });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await page.setContent('<!doctype html><title>client frames</title>');
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const { port } = server.address() as AddressInfo;
    await page.evaluate(`clientFrames.connect('ws://127.0.0.1:${port}/api?token=t')`);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  });

  const call = (method: string, params: unknown[]): Promise<Outcome> => page.evaluate(`clientFrames.call(${JSON.stringify(method)}, ${JSON.stringify(params)})`) as Promise<Outcome>;

  it('reads a good binary reply as typed arrays', async () => {
    expect(await call('getTimeline', ['good', {}])).toEqual({
      ok: true,
      value: { column: { type: 'Float64Array', values: [1.5, 2.5] }, counts: { type: 'Int32Array', values: [7] }, label: 'ok' },
    });
  });

  it('fails the call a truncated or malformed frame answers, in words, and keeps the page working', async () => {
    for (const [kind, problem] of [
      ['truncated', /truncated or padded/],
      ['bad-json', /not valid UTF-8 JSON/],
    ] as const) {
      const outcome = await call('getTimeline', [kind, {}]);
      expect(outcome).toMatchObject({ ok: false, code: 'internal' });
      expect(!outcome.ok && outcome.message).toMatch(/^Parallax could not read the engine's answer: /);
      expect(!outcome.ok && outcome.message).toMatch(problem);
    }
    // The socket stays open: the next call is answered.
    expect(await call('listSessions', [])).toEqual({ ok: true, value: [] });
  });

  it('fails every waiting call when a frame cannot say which request it answers', async () => {
    for (const [kind, problem] of [
      ['header-cut', /shorter than its 24-byte header/],
      ['wrong-mark', /binary reply mark/],
    ] as const) {
      const outcome = await call('getTimeline', [kind, {}]);
      expect(outcome).toMatchObject({ ok: false, code: 'internal' });
      expect(!outcome.ok && outcome.message).toMatch(problem);
    }
    expect(await call('getTimeline', ['good', {}])).toMatchObject({ ok: true });
    expect(warnings.some((text) => /could not read the engine's answer/.test(text))).toBe(true);
    expect(pageErrors).toEqual([]);
    expect(await page.evaluate('clientFrames.lost')).toEqual([]);
  });
});
