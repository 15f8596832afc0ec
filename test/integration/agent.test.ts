// The HTTP spans agent on a real service with no OpenTelemetry: server and client spans with
// their links and attributes, incoming trace context kept, hostile payloads refused, and the
// target left exactly as it was after the recording.
import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../src/shared/domain';
import { Engine } from '../../src/main/engine/engine';
import { InspectorConnection } from '../../src/main/engine/inspector/connection';
import { announcedWsUrl } from '../support/store-files';
import { type StartedTarget, startTarget, waitFor } from '../support/targets';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';

const SERVER = resolve(__dirname, '../fixtures/agent-http-server.cjs');
const INCOMING_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING_PARENT = '00f067aa0ba902b7';

const cleanups = cleanupsAfterEach();

function openEngine(): Engine {
  return openTestEngine(cleanups).engine;
}

async function startServer(): Promise<{ target: StartedTarget; wsUrl: string; port: number }> {
  const target = await startTarget(SERVER, { nodeArgs: ['--inspect=127.0.0.1:0'] });
  cleanups.push(() => target.stop());
  await waitFor('the inspector announcement', () => announcedWsUrl(target.stderr()) !== null);
  const port = Number(/^port (\d+)$/m.exec(target.stdout())?.[1]);
  return { target, wsUrl: announcedWsUrl(target.stderr())!, port };
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

async function spansWhen(engine: Engine, sessionId: string, count: number): Promise<SpanRecord[]> {
  let spans: SpanRecord[] = [];
  await waitFor(`${count} spans`, async () => (spans = await engine.getSpans(sessionId, {})).length >= count, 10_000);
  return spans;
}

/** What a fresh inspector session sees of the agent in the target. */
async function agentTraces(wsUrl: string): Promise<{ subscribed: boolean[]; agent: string; binding: string }> {
  const session = await InspectorConnection.open(wsUrl);
  try {
    return await session.evaluate(
      `(() => {
        const dc = process.getBuiltinModule('node:diagnostics_channel');
        const names = ['http.server.request.start', 'http.server.response.finish', 'http.client.request.start',
          'http.client.response.finish', 'undici:request:create', 'undici:request:headers'];
        return { subscribed: names.map((n) => dc.channel(n).hasSubscribers),
          agent: typeof globalThis.__parallaxAgent, binding: typeof globalThis.__parallaxSpans };
      })()`,
    );
  } finally {
    await session.close();
  }
}

describe('the HTTP spans agent', () => {
  it('records server and client spans with their links, keeps an incoming trace, and leaves the target as it was', async () => {
    const engine = openEngine();
    const { wsUrl, port } = await startServer();
    const { sessionId } = await engine.startRecording({ target: { kind: 'ws', url: wsUrl }, signals: ['agent'] });

    const traced = await get(port, '/fanout', { traceparent: `00-${INCOMING_TRACE}-${INCOMING_PARENT}-01` });
    const plain = await get(port, '/fanout');
    const invalid = await get(port, '/fanout', { traceparent: `00-${'0'.repeat(32)}-${INCOMING_PARENT}-01` });
    const failed = await get(port, '/fail');
    expect([traced.status, plain.status, invalid.status, failed.status]).toEqual([200, 200, 200, 503]);
    // Read-only: the calls the app made carried exactly the headers the app gave them.
    for (const answers of [traced, plain, invalid].map((r) => JSON.parse(r.body) as { body: { headers: string[] } }[])) {
      for (const answer of answers) expect(answer.body.headers).not.toContain('traceparent');
    }

    // Each /fanout: its server span, two client spans (http.get, fetch), two /leaf server spans.
    const spans = await spansWhen(engine, sessionId, 3 * 5 + 1);
    const session = await engine.stopRecording(sessionId);
    expect(session.status).toBe('completed');
    expect((await engine.getSummary(sessionId)).counts.spans).toBe(16);
    expect(session.notes['agent']).toBe('installed');
    expect(session.notes['agent.spans']).toMatch(/^16 spans; 0 bad payloads and 0 bad spans skipped; 0 dropped/);

    const fanouts = spans.filter((s) => s.name === 'GET /fanout');
    expect(fanouts).toHaveLength(3);
    for (const span of spans) {
      expect(span.source).toBe('agent');
      expect(span.thread).toBe(0);
      expect(span.resource['service.name']).toBe('agent-http-server');
      expect(span.endUs).toBeGreaterThanOrEqual(span.startUs);
      expect(span.startUs).toBeGreaterThanOrEqual(session.startedAt);
      expect(span.endUs).toBeLessThanOrEqual(session.endedAt!);
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    }

    const [tracedRoot, plainRoot, invalidRoot] = fanouts;
    // A valid traceparent: same trace, its span as parent. Absent or invalid: a new trace.
    expect(tracedRoot!.traceId).toBe(INCOMING_TRACE);
    expect(tracedRoot!.parentSpanId).toBe(INCOMING_PARENT);
    for (const root of [plainRoot!, invalidRoot!]) {
      expect(root.parentSpanId).toBeNull();
      expect(root.traceId).not.toBe(INCOMING_TRACE);
      expect(root.traceId).not.toBe('0'.repeat(32));
    }
    expect(new Set(fanouts.map((s) => s.traceId)).size).toBe(3);

    for (const root of fanouts) {
      expect(root.kind).toBe(2);
      expect(root.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/fanout', 'http.response.status_code': 200 });
      expect(root.statusCode).toBe(0);
      const children = spans.filter((s) => s.parentSpanId === root.spanId);
      expect(children.map((c) => c.kind)).toEqual([3, 3]);
      for (const child of children) {
        expect(child.traceId).toBe(root.traceId);
        expect(child.name).toBe('GET /leaf');
        expect(child.startUs).toBeGreaterThanOrEqual(root.startUs);
        expect(child.endUs).toBeLessThanOrEqual(root.endUs);
        expect(child.attributes).toMatchObject({
          'http.request.method': 'GET',
          'url.path': '/leaf',
          'http.response.status_code': 200,
          'server.address': '127.0.0.1',
          'server.port': port,
        });
      }
    }
    // The /leaf calls arrive without trace context (nothing is injected): each starts a trace.
    const leaves = spans.filter((s) => s.kind === 2 && s.name === 'GET /leaf');
    expect(leaves).toHaveLength(6);
    for (const leaf of leaves) expect(leaf.parentSpanId).toBeNull();

    const fail = spans.find((s) => s.name === 'GET /fail')!;
    expect(fail.statusCode).toBe(2);
    expect(fail.attributes['http.response.status_code']).toBe(503);
    expect(fail.attributes['error.type']).toBe('503');

    expect(await agentTraces(wsUrl)).toEqual({ subscribed: [false, false, false, false, false, false], agent: 'undefined', binding: 'undefined' });
    expect((await get(port, '/hello')).body).toBe('hello');
  });

  it('skips and counts hostile payloads sent through the binding, and keeps the good spans', async () => {
    const engine = openEngine();
    const { wsUrl, port } = await startServer();
    const { sessionId } = await engine.startRecording({ target: { kind: 'ws', url: wsUrl }, signals: ['agent'] });

    const line = (fields: Partial<Record<number, string>>): string => {
      const good = ['2', 'a'.repeat(32), 'b'.repeat(16), '', '1700000000000000', '1700000000001000', 'GET', '', '/forged', '200', '', '', ''];
      return good.map((value, i) => fields[i] ?? value).join('|');
    };
    const payloads = [
      'not a batch',
      '{"spans":[]}',
      'v2|0',
      'v1|-1',
      `v1|0\n${new Array(1500).fill(line({})).join('\n')}`,
      'v1|0\n' + 'x'.repeat(2 * 1024 * 1024),
      [
        'v1|3',
        line({}),
        line({ 1: '0'.repeat(32) }),
        line({ 2: 'B'.repeat(16) }),
        line({ 5: '1699999999999999' }),
        line({ 0: '9' }),
        line({ 6: 'BREW' }),
        line({ 8: 'n'.repeat(100_000) }),
        line({ 9: '99999' }),
        line({ 12: '70000' }),
        `${line({})}|extra`,
        '',
      ].join('\n'),
    ];
    // Another inspector session calls the binding: the capture's session hears every call.
    const forger = await InspectorConnection.open(wsUrl);
    try {
      for (const payload of payloads) await forger.evaluate(`globalThis.__parallaxSpans(${JSON.stringify(payload)}), 0`);
    } finally {
      await forger.close();
    }
    await get(port, '/hello');
    await spansWhen(engine, sessionId, 2);
    const session = await engine.stopRecording(sessionId);

    expect(session.notes['agent.spans']).toBe('2 spans; 6 bad payloads and 10 bad spans skipped; 3 dropped in the target');
    const spans = await engine.getSpans(sessionId, {});
    expect(spans.map((s) => s.name).sort()).toEqual(['GET /forged', 'GET /hello']);
  });

  it('is shared by two recordings at once and removed only when the last one stops', async () => {
    const engine = openEngine();
    const { wsUrl, port } = await startServer();
    const first = await engine.startRecording({ target: { kind: 'ws', url: wsUrl }, signals: ['agent'] });
    const second = await engine.startRecording({ target: { kind: 'ws', url: wsUrl }, signals: ['agent'] });

    await get(port, '/hello');
    await spansWhen(engine, first.sessionId, 1);
    await spansWhen(engine, second.sessionId, 1);
    await engine.stopRecording(first.sessionId);
    expect((await agentTraces(wsUrl)).agent).toBe('object');

    await get(port, '/fail');
    const spans = await spansWhen(engine, second.sessionId, 2);
    expect(spans.map((s) => s.name)).toEqual(['GET /hello', 'GET /fail']);
    const session = await engine.stopRecording(second.sessionId);
    expect(session.notes['agent']).toMatch(/already installed/);
    expect((await agentTraces(wsUrl)).agent).toBe('undefined');
    expect((await agentTraces(wsUrl)).subscribed.every((s) => !s)).toBe(true);
  });
});
