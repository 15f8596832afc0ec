// The web host behind `parallax serve`: token, Host and Origin checks, static file containment,
// security headers, and the WebSocket Api protocol, on a real Engine and a real socket.
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { WireEvent, WireResponse } from '../../src/shared/api';
import { decodeBinaryReply } from '../../src/shared/binary-frame';
import type { TimelineAnswer } from '../../src/shared/timeline';
import { writeSyntheticSession } from '../support/synthetic-timeline';
import { messageOf } from '../../src/shared/errors';
import { Engine } from '../../src/main/engine/engine';
import { startWebHost, type WebHost } from '../../src/main/host';

const SECRET = 'secret-marker-7f3a';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'";

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request sent exactly as written: Node does not normalise `..` or escapes in `path`. */
function rawGet(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolveGet, rejectGet) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolveGet({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', rejectGet);
    req.end();
  });
}

/** A WebSocket client that queues what it hears, with bounded waits. */
class TestClient {
  readonly messages: unknown[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      this.messages.push(isBinary ? binaryReply(data as Buffer) : JSON.parse(String(data)));
      this.wake();
    });
    ws.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(url: string, options: { origin?: string; headers?: Record<string, string> } = {}): Promise<TestClient> {
    return new Promise((resolveOpen, rejectOpen) => {
      const ws = new WebSocket(url, options);
      const client = new TestClient(ws);
      ws.once('open', () => resolveOpen(client));
      ws.once('unexpected-response', (_req, res) => rejectOpen(new Error(`refused with ${res.statusCode}`)));
      ws.once('error', rejectOpen);
    });
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** The first queued message matching `match`, removed from the queue; fails after `timeoutMs`. */
  async next<T>(match: (message: unknown) => boolean, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex(match);
      if (index !== -1) return this.messages.splice(index, 1)[0] as T;
      if (this.closed) throw new Error('socket closed while waiting for a message');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no matching message before the deadline');
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  reply(id: number): Promise<WireResponse> {
    return this.next<WireResponse>((m) => typeof m === 'object' && m !== null && (m as { id?: unknown }).id === id);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** A binary frame as the window reads it, marked so tests can tell it from a JSON reply. */
function binaryReply(data: Buffer): unknown {
  const decoded = decodeBinaryReply(new Uint8Array(data).slice().buffer);
  return decoded.ok ? { id: decoded.id, result: decoded.result, binaryFrame: data.byteLength } : { id: decoded.id, problem: decoded.problem };
}

/** Resolves with the HTTP status of a refused upgrade; rejects if the upgrade succeeds. */
function refusedStatus(url: string, options: { origin?: string; headers?: Record<string, string> } = {}): Promise<number> {
  return TestClient.connect(url, options).then(
    (client) => {
      client.ws.close();
      throw new Error('the upgrade was accepted');
    },
    (error: unknown) => {
      const match = /refused with (\d+)/.exec(messageOf(error));
      if (!match) throw error;
      return Number(match[1]);
    },
  );
}

describe('web host', () => {
  let dir: string;
  let engine: Engine;
  let host: WebHost;
  let port: number;
  let base: string;
  let wsUrl: string;
  let origin: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parallax-web-host-'));
    const rendererDir = join(dir, 'renderer');
    await mkdir(join(rendererDir, 'assets'), { recursive: true });
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Parallax</title><script src="./assets/app.js"></script>');
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
    await writeFile(join(rendererDir, 'assets', 'app.css'), 'body{}');
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: SECRET }));
    await writeFile(join(dir, 'secret.txt'), SECRET);
    await symlink(join(dir, 'secret.txt'), join(rendererDir, 'assets', 'linked.txt'));

    engine = Engine.open({ storePath: join(dir, 'store.sqlite') });
    host = await startWebHost(engine, { rendererDir });
    const url = new URL(host.url);
    port = Number(url.port);
    base = `http://127.0.0.1:${port}`;
    origin = base;
    wsUrl = `ws://127.0.0.1:${port}/api?token=${host.token}`;
  });

  afterAll(async () => {
    await host?.close();
    await engine?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints a loopback URL carrying a 256-bit base64url token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('serves index.html only with the right token, with strict headers and no CORS', async () => {
    const ok = await rawGet(port, `/?token=${host.token}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<title>Parallax</title>');
    expect(ok.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(ok.headers['content-security-policy']).toBe(CSP);
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    expect(Object.keys(ok.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain(host.token);

    for (const path of ['/', '/index.html', '/?token=wrong', `/?token=${host.token}x`, '/index.html?token=']) {
      const refused = await rawGet(port, path);
      expect(refused.status, path).toBe(403);
      expect(refused.body).not.toContain('<title>');
      expect(refused.headers['x-content-type-options']).toBe('nosniff');
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('refuses any Host header other than 127.0.0.1:PORT or localhost:PORT', async () => {
    for (const hostHeader of [`evil.example:${port}`, '127.0.0.1', `127.0.0.1:${port + 1}`, `localhost.evil.example:${port}`]) {
      const res = await rawGet(port, `/?token=${host.token}`, { Host: hostHeader });
      expect(res.status, hostHeader).toBe(403);
    }
    expect((await rawGet(port, `/?token=${host.token}`, { Host: `localhost:${port}` })).status).toBe(200);
  });

  it('serves assets to a page that loaded index.html, with the right content type', async () => {
    expect((await rawGet(port, '/assets/app.js')).status).toBe(403);
    const cookie = String((await rawGet(port, `/?token=${host.token}`)).headers['set-cookie']).split(';')[0] ?? '';
    const js = await rawGet(port, '/assets/app.js', { Cookie: cookie });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toBe(CSP);
    expect(js.body).toBe('console.log("app");');
    const css = await rawGet(port, '/assets/app.css', { Cookie: cookie });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await rawGet(port, '/assets/missing.js', { Cookie: cookie })).status).toBe(404);
    expect((await rawGet(port, '/assets/app.js', { Cookie: cookie }, 'POST')).status).toBe(405);
  });

  it('never serves a file outside the renderer directory', async () => {
    const cookie = String((await rawGet(port, `/?token=${host.token}`)).headers['set-cookie']).split(';')[0] ?? '';
    const attempts = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/secret.txt',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/../../secret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/assets/app.js%00.txt',
      '/assets/%E0%A4%A',
      '/assets/linked.txt',
      `/${encodeURIComponent(join(dir, 'secret.txt'))}`,
      '//etc/passwd',
    ];
    for (const path of attempts) {
      for (const auth of [{ Cookie: cookie }, {}] as Record<string, string>[]) {
        const res = await rawGet(port, path, auth);
        expect([400, 403, 404], path).toContain(res.status);
        expect(res.body, path).not.toContain(SECRET);
        expect(res.body, path).not.toContain('root:');
      }
    }
  });

  it('refuses WebSocket upgrades without the right token, Host or Origin', async () => {
    const wsBase = `ws://127.0.0.1:${port}/api`;
    expect(await refusedStatus(wsBase, { origin })).toBe(403);
    expect(await refusedStatus(`${wsBase}?token=wrong`, { origin })).toBe(403);
    expect(await refusedStatus(`${wsBase}?token=${host.token.slice(1)}`, { origin })).toBe(403);
    expect(await refusedStatus(wsUrl, { origin: 'http://evil.example' })).toBe(403);
    expect(await refusedStatus(wsUrl, { origin: `http://evil.example:${port}` })).toBe(403);
    expect(await refusedStatus(wsUrl, { origin: 'null' })).toBe(403);
    expect(await refusedStatus(wsUrl, { origin: `https://127.0.0.1:${port}` })).toBe(403);
    expect(await refusedStatus(wsUrl, { origin, headers: { Host: `evil.example:${port}` } })).toBe(403);
    expect(await refusedStatus(`ws://127.0.0.1:${port}/other?token=${host.token}`, { origin })).toBe(404);
  });

  it('accepts the page origin (either loopback name) and clients that send no Origin', async () => {
    for (const options of [{ origin }, { origin: `http://localhost:${port}` }, {}]) {
      const client = await TestClient.connect(wsUrl, options);
      client.ws.close();
    }
  });

  it('answers malformed requests with bad-request and keeps the socket open', async () => {
    const client = await TestClient.connect(wsUrl, { origin });
    try {
      client.send('{not json');
      expect(await client.reply(-1)).toEqual({ id: -1, error: { message: 'The request is not valid JSON.', code: 'bad-request' } });
      client.send('[1,2]');
      expect(await client.reply(-1)).toMatchObject({ error: { code: 'bad-request' } });
      client.send({ id: 'one', method: 'listSessions', params: [] });
      expect(await client.reply(-1)).toMatchObject({ error: { code: 'bad-request' } });

      client.send({ id: 1, method: 'dropTables', params: [] });
      expect(await client.reply(1)).toEqual({ id: 1, error: { message: 'Unknown method "dropTables".', code: 'bad-request' } });
      client.send({ id: 2, method: '__proto__', params: [] });
      expect(await client.reply(2)).toMatchObject({ error: { code: 'bad-request' } });
      client.send({ id: 3, method: 'getLogs', params: ['s1', { offset: -1, limit: 10 }] });
      const badParams = await client.reply(3);
      expect(badParams).toMatchObject({ error: { code: 'bad-request' } });
      expect('error' in badParams && badParams.error.message).toMatch(/^Invalid parameters for getLogs: /);
      client.send({ id: 4, method: 'startRecording', params: [{ target: { kind: 'pid', pid: 1 }, evil: true }] });
      expect(await client.reply(4)).toMatchObject({ error: { code: 'bad-request' } });
      client.send({ id: 5, method: 'listSessions' });
      expect(await client.reply(5)).toMatchObject({ error: { code: 'bad-request' } });
      client.ws.send(Buffer.from('{"id":6}'), { binary: true });
      expect(await client.reply(-1)).toMatchObject({ error: { code: 'bad-request' } });

      expect(client.closed).toBe(false);
      client.send({ id: 7, method: 'getMetrics', params: [''] });
      expect(await client.reply(7)).toMatchObject({ error: { code: 'bad-request' } });
    } finally {
      client.ws.close();
    }
  });

  it('passes errors from the engine through as {message, code} without a stack', async () => {
    const client = await TestClient.connect(wsUrl, { origin });
    try {
      client.send({ id: 10, method: 'getSummary', params: ['no-such-session'] });
      const reply = await client.reply(10);
      expect('error' in reply).toBe(true);
      if ('error' in reply) {
        expect(reply.error.code).not.toBe('bad-request');
        expect(reply.error.message).not.toMatch(/\n\s+at /);
        expect(Object.keys(reply.error).sort()).toEqual(['code', 'message']);
      }
    } finally {
      client.ws.close();
    }
  });

  it('round-trips a WireRequest to the engine', async () => {
    const client = await TestClient.connect(wsUrl, { origin });
    try {
      client.send({ id: 20, method: 'listSessions', params: [] });
      expect(await client.reply(20)).toEqual({ id: 20, result: [] });
    } finally {
      client.ws.close();
    }
  });

  it('pushes engine events to every connected socket', async () => {
    const first = await TestClient.connect(wsUrl, { origin });
    const second = await TestClient.connect(wsUrl);
    try {
      engine.events.emit('sessionsChanged', {});
      const isEvent = (m: unknown): boolean => typeof m === 'object' && m !== null && 'event' in m;
      const expected: WireEvent = { event: 'sessionsChanged', payload: {} };
      expect(await first.next(isEvent)).toEqual(expected);
      expect(await second.next(isEvent)).toEqual(expected);
    } finally {
      first.ws.close();
      second.ws.close();
    }
  });

  it('refuses plain HTTP on /api and oversized frames', async () => {
    expect((await rawGet(port, `/api?token=${host.token}`)).status).toBe(426);
    const client = await TestClient.connect(wsUrl, { origin });
    const closeCode = new Promise<number>((resolveClose) => client.ws.once('close', (code) => resolveClose(code)));
    client.send('x'.repeat(5 * 1024 * 1024));
    expect(await closeCode).toBe(1009);
  });
});

describe('web host binary replies', () => {
  it('sends a timeline answer as one binary frame of its columns and everything else as JSON text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-web-host-binary-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html>');
    const engine = Engine.open({ storePath: join(dir, 'store.sqlite') });
    try {
      const { startUs, endUs } = writeSyntheticSession(engine.store, 'tl', { samples: 20_000, threads: 2, traceEvents: 2000, spans: 300, logs: 3000 });
      const host = await startWebHost(engine, { rendererDir: dir, port: 0 });
      const client = await TestClient.connect(`ws://127.0.0.1:${Number(new URL(host.url).port)}/api?token=${host.token}`);
      try {
        const query = { range: { fromUs: startUs, toUs: endUs }, widthPx: 800, includeFunctions: true };
        client.send({ id: 1, method: 'getTimeline', params: ['tl', query] });
        const reply = await client.reply(1);
        expect(reply).toMatchObject({ binaryFrame: expect.any(Number) });
        const answer = (reply as { result: TimelineAnswer }).result;
        expect(answer.slices[0]!.startUs).toBeInstanceOf(Float64Array);
        expect(answer.events.count.length).toBeGreaterThan(0);
        expect(answer).toEqual(await engine.getTimeline('tl', query));
        // Requests stay JSON text frames, and replies without typed arrays stay JSON text.
        client.ws.send(Buffer.from(JSON.stringify({ id: 2, method: 'getTimeline', params: ['tl', query] })), { binary: true });
        expect(await client.reply(-1)).toMatchObject({ error: { code: 'bad-request', message: 'Requests must be sent as text frames of JSON.' } });
        client.send({ id: 3, method: 'listSessions', params: [] });
        const listed = await client.reply(3);
        expect(listed).not.toHaveProperty('binaryFrame');
        expect(listed).toMatchObject({ result: [{ id: 'tl' }] });
        client.send({ id: 4, method: 'getTimeline', params: ['tl', { ...query, widthPx: 0 }] });
        expect(await client.reply(4)).toMatchObject({ error: { code: 'bad-request' } });
      } finally {
        client.ws.close();
        await host.close();
      }
    } finally {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('web host lifecycle', () => {
  it('close() closes open sockets and the server but leaves the engine to its owner', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-web-host-close-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html>');
    const engine = Engine.open({ storePath: join(dir, 'store.sqlite') });
    try {
      const host = await startWebHost(engine, { rendererDir: dir, port: 0 });
      const port = Number(new URL(host.url).port);
      const client = await TestClient.connect(`ws://127.0.0.1:${port}/api?token=${host.token}`);
      const closed = new Promise<number>((resolveClose) => client.ws.once('close', (code) => resolveClose(code)));
      await host.close();
      expect(await closed).toBe(1001);
      await expect(rawGet(port, '/')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start without a built renderer, and on a taken port', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-web-host-missing-'));
    const engine = Engine.open({ storePath: join(dir, 'store.sqlite') });
    try {
      await expect(startWebHost(engine, { rendererDir: join(dir, 'nowhere') })).rejects.toMatchObject({ code: 'not-found' });
      await writeFile(join(dir, 'index.html'), '<!doctype html>');
      const first = await startWebHost(engine, { rendererDir: dir });
      try {
        const port = Number(new URL(first.url).port);
        await expect(startWebHost(engine, { rendererDir: dir, port })).rejects.toThrow(/already in use/);
      } finally {
        await first.close();
      }
    } finally {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
