// A program instrumented with the real OpenTelemetry JS SDK, launched by Parallax: its exporters
// find the receiver through OTEL_EXPORTER_OTLP_ENDPOINT, and its spans, logs and metrics land in
// the store, in JSON and in (gzipped) protobuf alike.
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { tempStorePath } from '../support/store-files';
import { cleanupsAfterEach } from '../support/cleanups';

const FIXTURE = resolve(__dirname, '../fixtures/otel-target.cjs');

const cleanups = cleanupsAfterEach();

function openEngine(): { engine: Engine; stdout: () => string } {
  const store = tempStorePath();
  let out = '';
  const engine = Engine.open({
    storePath: store.path,
    onTargetOutput: (stream, chunk) => {
      if (stream === 'stdout') out += chunk.toString();
    },
  });
  cleanups.push(() => store.remove());
  cleanups.push(() => engine.close());
  return { engine, stdout: () => out };
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe('the otlp signal', () => {
  it.each([
    ['JSON', 'json', 'none'],
    ['gzipped protobuf', 'protobuf', 'gzip'],
  ])('stores the spans, logs and metrics an SDK exports as %s', async (_label, encoding, compression) => {
    const { engine, stdout } = openEngine();
    const otlpPort = encoding === 'json' ? await freePort() : undefined;
    const { sessionId } = await engine.startRecording({
      target: { kind: 'launch', command: [process.execPath, FIXTURE, encoding, compression] },
      signals: ['otlp'],
      otlpPort,
    });
    cleanups.push(async () => void (await engine.stopRecording(sessionId)));
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.status).toBe('target-exited');
    const endpoint = session.notes['otlp.endpoint'];
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    if (otlpPort) expect(endpoint).toBe(`http://127.0.0.1:${otlpPort}`);
    expect(session.notes['otlp.rejected']).toBeUndefined();

    const flushed = /flushed ([0-9a-f]{32}) ([0-9a-f]{16}) ([0-9a-f]{16})/.exec(stdout());
    expect(flushed, `fixture output: ${stdout()}`).not.toBeNull();
    const [, traceId, parentId, childId] = flushed!;

    const spans = await engine.getSpans(sessionId, {});
    expect(spans).toHaveLength(2);
    const parent = spans.find((s) => s.spanId === parentId)!;
    const child = spans.find((s) => s.spanId === childId)!;
    expect(parent).toMatchObject({ traceId, parentSpanId: null, name: 'GET /orders', kind: 2, statusCode: 1, source: 'otlp', thread: null });
    expect(child).toMatchObject({ traceId, parentSpanId: parentId, name: 'GET', kind: 3, statusCode: 2, statusMessage: 'inventory unavailable', logCount: 1 });
    expect(parent.attributes).toMatchObject({
      'http.method': 'GET',
      'http.target': '/orders?id=7',
      'http.status_code': 200,
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'url.path': '/orders',
      'url.query': 'id=7',
      'server.address': 'localhost',
      'otel.scope.name': 'otel-fixture-tracer',
    });
    expect(child.attributes).toMatchObject({ 'url.full': 'http://inventory.local/items/7', 'http.response.status_code': 503 });
    expect(parent.resource).toMatchObject({ 'service.name': 'otel-fixture', 'service.version': '1.2.3' });
    // Exact microseconds from unix nanos: inside the recording, and the child inside its parent.
    for (const s of spans) {
      expect(Number.isInteger(s.startUs)).toBe(true);
      expect(s.startUs).toBeGreaterThanOrEqual(session.startedAt - 5_000_000);
      expect(s.endUs).toBeLessThanOrEqual(session.endedAt!);
    }
    // The SDK takes a span's start from Date.now() (whole ms) and its end as start + a
    // performance.now() duration, so a child may seem to end up to 1 ms after its parent.
    expect(child.startUs).toBeGreaterThanOrEqual(parent.startUs);
    expect(child.endUs).toBeLessThanOrEqual(parent.endUs + 1000);

    const logs = await engine.getLogs(sessionId, { offset: 0, limit: 10 });
    expect(logs.records).toHaveLength(1);
    expect(logs.records[0]).toMatchObject({ source: 'otlp', text: 'inventory answered 503', level: 'warn', severityNumber: 13, traceId, spanId: childId });
    expect(logs.records[0]?.attributes).toMatchObject({ 'order.id': 7, resource: { 'service.name': 'otel-fixture' } });

    const metrics = (await engine.getMetrics(sessionId)).filter((m) => m.source === 'otlp');
    const series = (name: string, le?: string) => metrics.find((m) => m.name === name && m.labels.le === le);
    const orders = series('orders.processed')!;
    expect(orders).toMatchObject({ kind: 'counter', unit: '{order}', labels: { route: '/orders' } });
    expect(orders.values.at(-1)).toBe(5);
    expect(series('order.duration_count')).toMatchObject({ kind: 'histogram', labels: { route: '/orders' } });
    expect(series('order.duration_count')!.values.at(-1)).toBe(3);
    expect(series('order.duration_sum')).toMatchObject({ unit: 'ms' });
    expect(series('order.duration_sum')!.values.at(-1)).toBe(444);
    expect(series('order.duration_bucket', '5')!.values.at(-1)).toBe(1);
    expect(series('order.duration_bucket', '50')!.values.at(-1)).toBe(2);
    expect(series('order.duration_bucket', '+Inf')!.values.at(-1)).toBe(3);

    const summary = await engine.getSummary(sessionId);
    expect(summary.counts.spans).toBe(2);
  });

  it('refuses to start on an OTLP port that is taken, with a message that says so', async () => {
    const { engine } = openEngine();
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    cleanups.push(() => new Promise<void>((done) => blocker.close(() => done())));
    const { port } = blocker.address() as { port: number };
    await expect(
      engine.startRecording({ target: { kind: 'launch', command: [process.execPath, FIXTURE, 'json'] }, signals: ['otlp'], otlpPort: port }),
    ).rejects.toThrow(`Port ${port} on 127.0.0.1 is in use`);
  });
});
