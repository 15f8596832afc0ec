// Push over real HTTP: OTLP protobuf into Parallax's own (strict) OTLP receiver, which stores what it
// decodes; Pyroscope's ingest API into a local server that parses the multipart body and decodes the
// profile with pprof-format; and the one-line errors for refusals, partial success and no server.
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OtlpReceiver } from '../../../src/main/engine/capture/otlp';
import { pushOtlp, pushPyroscope } from '../../../src/main/engine/interop/push';
import { SessionWriter } from '../../../src/main/engine/store/session-writer';
import { Store } from '../../../src/main/engine/store/store';
import { type DecodedPprof, decodePprof } from '../../support/interop-checks';
import { frame, writeSyntheticSession } from '../../support/synthetic-session';

const T0 = 1_700_000_000_000_000;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ROOT = '00f067aa0ba902b7';
const CHILD = '1111111111111111';

let source: Store;
const closers: (() => Promise<void> | void)[] = [];

beforeEach(() => {
  source = Store.open(':memory:');
  writeSyntheticSession(source, {
    id: 'src',
    name: 'checkout',
    samples: Array.from({ length: 40 }, (_, i) => ({ timeUs: T0 + i * 1000, stack: [frame('main'), frame(i < 20 ? 'handle' : 'idle')] })),
    spans: [
      { traceId: TRACE, spanId: ROOT, name: 'GET /orders', startUs: T0 + 5000, endUs: T0 + 15_000, attributes: { 'http.method': 'GET', 'otel.scope.name': 'my-tracer' } },
      { traceId: TRACE, spanId: CHILD, parentSpanId: ROOT, name: 'SELECT', startUs: T0 + 100_000, endUs: T0 + 101_000 },
    ],
    logs: [
      { timeUs: T0 + 6000, text: 'inside the span', level: 'warn', traceId: TRACE, spanId: ROOT },
      { timeUs: T0 + 7000, text: 'plain' },
    ],
    metrics: [
      { name: 'requests', unit: '1', kind: 'counter', labels: { route: '/orders' }, points: [[T0, 1], [T0 + 1e6, 3]] },
      { name: 'heap.used', unit: 'By', points: [[T0, 1024], [T0 + 1e6, 2048], [T0 + 2e6, 4096]] },
    ],
    heap: [{ capturedUs: T0 + 1e6, stack: [frame('main'), frame('allocate')], bytes: 2048, count: 2 }],
  });
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  source.close();
});

async function receiverStore(): Promise<{ store: Store; endpoint: string; writer: SessionWriter }> {
  const store = Store.open(':memory:');
  store.sessions.create({
    id: 'dst',
    name: 'received',
    startedUs: T0,
    target: { pid: null, nodeVersion: null, title: null, attachedVia: 'test' },
    signals: ['otlp'],
    intervalUs: 1000,
  });
  const writer = new SessionWriter(store, 'dst', (error) => {
    throw error;
  });
  const receiver = await OtlpReceiver.start({ store, writer });
  closers.push(() => store.close(), () => writer.close(), () => receiver.close());
  return { store, endpoint: receiver.endpoint, writer };
}

/** A local HTTP server whose handler sees each request with its whole body. */
async function localServer(handle: (req: IncomingMessage, body: Buffer) => { status: number; type?: string; body: string | Uint8Array }): Promise<string> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = handle(req, Buffer.concat(chunks));
      res.writeHead(answer.status, { 'content-type': answer.type ?? 'text/plain' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  closers.push(() => new Promise<void>((done) => server.close(() => done())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('push --otlp', () => {
  it('delivers spans, logs and metric points that the receiver decodes and stores as they were', async () => {
    const { store, endpoint, writer } = await receiverStore();
    const pushed = await pushOtlp(source, 'src', endpoint);
    expect(pushed.map((p) => [p.signal, p.items])).toEqual([['traces', 2], ['logs', 2], ['metrics', 5]]);
    writer.flush();
    const spans = store.spans.list('dst');
    expect(spans.map((s) => [s.spanId, s.parentSpanId, s.name, s.startUs, s.endUs])).toEqual([
      [ROOT, null, 'GET /orders', T0 + 5000, T0 + 15_000],
      [CHILD, ROOT, 'SELECT', T0 + 100_000, T0 + 101_000],
    ]);
    const root = spans[0]!;
    expect(root.traceId).toBe(TRACE);
    expect(root.resource).toMatchObject({ 'service.name': 'synthetic-service' });
    expect(root.attributes).toMatchObject({ 'http.method': 'GET', 'otel.scope.name': 'my-tracer', 'pyroscope.profile.id': ROOT });
    expect(spans[1]!.attributes['pyroscope.profile.id']).toBeUndefined();
    const logs = store.logs.page('dst', { offset: 0, limit: 10 }).records;
    expect(logs.map((l) => [l.text, l.timeUs, l.traceId, l.spanId, l.severityNumber])).toEqual([
      ['inside the span', T0 + 6000, TRACE, ROOT, 13],
      ['plain', T0 + 7000, null, null, 9],
    ]);
    const series = store.metrics.series('dst');
    const requests = series.find((s) => s.name === 'requests')!;
    expect(requests).toMatchObject({ kind: 'counter', labels: { route: '/orders' }, values: [1, 3] });
    expect(series.find((s) => s.name === 'heap.used')!.values).toEqual([1024, 2048, 4096]);
  });

  it('says which signal a refusal stopped, with the backend message', async () => {
    const url = await localServer(() => ({ status: 503, body: 'collector is overloaded\nmore' }));
    await expect(pushOtlp(source, 'src', url)).rejects.toThrow(`${url}/v1/traces answered HTTP 503: collector is overloaded`);
  });

  it('treats a partial success as an error naming how many items were rejected', async () => {
    const url = await localServer((req) =>
      req.url === '/v1/logs'
        ? { status: 200, type: 'application/json', body: JSON.stringify({ partialSuccess: { rejectedLogRecords: '1', errorMessage: 'body too long' } }) }
        : { status: 200, type: 'application/x-protobuf', body: new Uint8Array() },
    );
    await expect(pushOtlp(source, 'src', url)).rejects.toThrow(`${url}/v1/logs rejected 1 of 2 log records: body too long`);
  });

  it('names the URL when nothing listens there', async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const closed = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise<void>((done) => server.close(() => done()));
    await expect(pushOtlp(source, 'src', closed)).rejects.toThrow(`Could not send 2 spans to ${closed}/v1/traces: connection refused (is the server running?)`);
  });
});

describe('push --pyroscope', () => {
  it('posts CPU and heap pprof to /ingest with Pyroscope parameters, span labels on CPU samples', async () => {
    const received: { query: URLSearchParams; profile: DecodedPprof }[] = [];
    const url = await localServer((req, body) => {
      const query = new URL(req.url!, 'http://x').searchParams;
      const boundary = /boundary=(.+)$/.exec(req.headers['content-type'] ?? '')?.[1];
      if (!req.url!.startsWith('/ingest?') || !boundary) return { status: 400, body: 'not an ingest request' };
      received.push({ query, profile: decodePprof(multipartFile(body, boundary, 'profile')) });
      return { status: 200, body: '' };
    });
    const pushed = await pushPyroscope(source, 'src', url);
    expect(pushed.map((p) => [p.kind, p.samples])).toEqual([['cpu', 40], ['heap', 2]]);
    expect(received).toHaveLength(2);
    const [cpu, heap] = received;
    expect(Object.fromEntries(cpu!.query)).toEqual({
      name: 'synthetic-service{parallax_session=src}',
      from: String(Math.floor(T0 / 1e6)),
      until: String(Math.floor(T0 / 1e6) + 1),
      format: 'pprof',
      spyName: 'nodespy',
      sampleRate: '1000',
    });
    const labelled = cpu!.profile.sampleLabels().filter((s) => s.labels.span_id);
    expect(labelled.reduce((n, s) => n + s.values[0]!, 0)).toBe(11);
    expect(labelled.every((s) => s.labels.span_id === ROOT && s.labels.span_name === 'GET /orders' && s.labels.trace_id === TRACE)).toBe(true);
    expect(heap!.profile.sampleLabels()[0]).toMatchObject({ values: [2, 2048], stack: ['allocate', 'main'] });
  });

  it('reports a refused profile with the status and the answer', async () => {
    const url = await localServer(() => ({ status: 422, body: 'invalid profile' }));
    await expect(pushPyroscope(source, 'src', url)).rejects.toThrow(`${url}/ingest answered HTTP 422 to the cpu profile: invalid profile`);
  });
});

/** The content of the multipart part named `name`. */
function multipartFile(body: Buffer, boundary: string, name: string): Buffer {
  const marker = Buffer.from(`--${boundary}`);
  let at = body.indexOf(marker);
  while (at >= 0) {
    const next = body.indexOf(marker, at + marker.length);
    if (next < 0) break;
    const part = body.subarray(at + marker.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (part.subarray(0, split).toString().includes(`name="${name}"`)) return part.subarray(split + 4);
    at = next;
  }
  throw new Error(`no multipart part "${name}"`);
}
