// The OTLP/HTTP receiver against hostile and broken requests, over real HTTP into a real store:
// each is refused with a status and a reason, counted, and what was stored before stays.
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { otlpType } from '../../src/main/engine/capture/otlp/decode-protobuf';
import type { RecordingContext } from '../../src/main/engine/capture/capture';
import { MAX_BODY_BYTES, OtlpReceiver, startOtlpCapture } from '../../src/main/engine/capture/otlp';
import { SessionWriter } from '../../src/main/engine/store/session-writer';
import { Store } from '../../src/main/engine/store/store';
import { tempStorePath } from '../support/store-files';

const SESSION = 'otlp-receiver-test';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let store: Store;
let writer: SessionWriter;
let receiver: OtlpReceiver;
let removeStore: () => void;

beforeEach(async () => {
  const files = tempStorePath();
  removeStore = files.remove;
  store = Store.open(files.path);
  store.sessions.create({
    id: SESSION,
    name: 'otlp',
    startedUs: Date.now() * 1000,
    target: { pid: null, nodeVersion: null, title: null, attachedVia: 'test' },
    signals: ['otlp'],
    intervalUs: 1000,
  });
  writer = new SessionWriter(store, SESSION, (error) => {
    throw error;
  });
  receiver = await OtlpReceiver.start({ store, writer });
});

afterEach(async () => {
  await receiver.close();
  writer.close();
  store.close();
  removeStore();
});

/** POSTs (or sends `method`) with exactly these headers; resolves on the answer even if the upload was cut. */
function send(path: string, body: Buffer | null, headers: Record<string, string>, method = 'POST'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: new URL(receiver.endpoint).port, path, method, headers: { host: `127.0.0.1:${new URL(receiver.endpoint).port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    // The receiver may answer and close before an oversized upload ends; the answer is what counts.
    req.on('error', (error) => setTimeout(() => reject(error), 1000));
    if (body) req.end(body);
    else req.end();
  });
}

function postJson(path: string, value: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return send(path, Buffer.from(JSON.stringify(value)), { 'content-type': 'application/json', ...headers });
}

function span(spanId: string, name = 'work'): Record<string, unknown> {
  return { traceId: TRACE, spanId, name, kind: 1, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000001000000' };
}

function traces(spans: unknown[]): Record<string, unknown> {
  return { resourceSpans: [{ scopeSpans: [{ spans }] }] };
}

function storedSpanIds(): string[] {
  writer.flush();
  return store.spans.list(SESSION).map((s) => s.spanId);
}

describe('OtlpReceiver', () => {
  it('accepts a JSON request and answers an empty response in JSON, with no CORS headers', async () => {
    const answer = await postJson('/v1/traces', traces([span('1111111111111111')]), { origin: 'http://evil.example' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.body.toString()).toBe('{}');
    expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(storedSpanIds()).toEqual(['1111111111111111']);
  });

  it('accepts protobuf with gzip and answers an empty protobuf response', async () => {
    const type = otlpType('otlp.ExportTraceServiceRequest');
    const message = type.fromObject({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.from(TRACE, 'hex'), spanId: Buffer.from('2222222222222222', 'hex'), name: 'pb', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000000000001' }] }] }],
    });
    const body = gzipSync(type.encode(message).finish());
    const answer = await send('/v1/traces', body, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/x-protobuf');
    expect(answer.body.length).toBe(0);
    expect(storedSpanIds()).toEqual(['2222222222222222']);
  });

  it('refuses each bad request with a reason, counts it, and keeps what was stored before', async () => {
    expect((await postJson('/v1/traces', traces([span('1111111111111111')]))).status).toBe(200);
    const port = new URL(receiver.endpoint).port;

    const malformed = await send('/v1/traces', Buffer.from('{"resourceSpans": [ {'), { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body.toString())).toMatchObject({ code: 3, message: expect.stringContaining('malformed JSON') });

    const type = otlpType('otlp.ExportTraceServiceRequest');
    const whole = type.encode(type.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.from(TRACE, 'hex'), spanId: Buffer.alloc(8, 3), name: 'cut here' }] }] }] })).finish();
    const truncated = await send('/v1/traces', Buffer.from(whole.subarray(0, whole.length - 4)), { 'content-type': 'application/x-protobuf' });
    expect(truncated.status).toBe(400);
    expect(otlpType('otlp.RpcStatus').decode(truncated.body).toJSON()).toMatchObject({ message: expect.stringContaining('malformed protobuf') });

    expect((await send('/v1/traces', Buffer.from('{}'), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await send('/v1/traces', Buffer.from('a=b'), { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await send('/v1/traces', Buffer.from('{}'), { 'content-type': 'application/json', 'content-encoding': 'br' })).status).toBe(415);
    expect((await send('/v1/traces', Buffer.from('not gzip'), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status).toBe(400);
    const wrongHost = await send('/v1/traces', Buffer.from('{}'), { 'content-type': 'application/json', host: `attacker.example:${port}` });
    expect(wrongHost.status).toBe(403);
    expect(wrongHost.body.toString()).toContain('Host');
    expect((await send('/v1/traces', Buffer.from('{}'), { 'content-type': 'application/json', host: 'localhost:1' })).status).toBe(403);
    expect((await postJson('/v1/traces', {}, { host: `localhost:${port}` })).status).toBe(200);
    const preflight = await send('/v1/traces', null, { origin: 'http://evil.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
    expect(preflight.status).toBe(405);
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect((await send('/v1/traces', null, {}, 'GET')).status).toBe(405);
    expect((await postJson('/v1/profiles', {})).status).toBe(404);
    expect((await postJson('/v1/traces', [1, 2])).status).toBe(400);

    expect(receiver.tallies()).toEqual({
      'refused (400): malformed JSON': 2,
      'refused (400): malformed protobuf': 1,
      'refused (400): malformed gzip': 1,
      'refused (415): unsupported content type (use application/json or application/x-protobuf)': 2,
      'refused (415): unsupported content encoding (use gzip or none)': 1,
      'refused (403): Host header is not 127.0.0.1 or localhost with this port': 2,
      'refused (405): method not allowed (only POST)': 2,
      'refused (404): unknown path (use /v1/traces, /v1/logs or /v1/metrics)': 1,
    });
    expect((await postJson('/v1/traces', traces([span('3333333333333333')]))).status).toBe(200);
    expect(storedSpanIds()).toEqual(['1111111111111111', '3333333333333333']);
  });

  it('skips spans with bad ids, stores the rest, and says so in a partial success', async () => {
    const answer = await postJson('/v1/traces', traces([{ ...span('4444444444444444'), traceId: '0'.repeat(32) }, span('short'), span('5555555555555555')]));
    expect(answer.status).toBe(200);
    const partial = (JSON.parse(answer.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } }).partialSuccess;
    expect(partial.rejectedSpans).toBe('2');
    expect(partial.errorMessage).toContain('invalid trace id');
    expect(storedSpanIds()).toEqual(['5555555555555555']);
    expect(receiver.tallies()).toEqual({ 'span skipped: missing or invalid trace id': 1, 'span skipped: missing or invalid span id': 1 });
  });

  it('refuses a body over 20 MiB, declared or streamed, and stays up', async () => {
    const oversized = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
    const declared = await send('/v1/logs', oversized, { 'content-type': 'application/json' });
    expect(declared.status).toBe(413);
    const streamed = await send('/v1/logs', oversized, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    expect(streamed.status).toBe(413);
    expect(receiver.tallies()).toEqual({ 'refused (413): body over 20 MiB after decompression': 2 });
    expect((await postJson('/v1/traces', traces([span('6666666666666666')]))).status).toBe(200);
  });

  it('stops inflating a gzip bomb at 20 MiB: a quick 413 and bounded memory', async () => {
    // 1,024 gzip members of 1 MiB of zeros each: about 1 MB on the wire, 1 GiB inflated.
    const member = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 1024 }, () => member));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const startedMs = performance.now();
    const answer = await send('/v1/metrics', bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    const elapsedMs = performance.now() - startedMs;
    expect(answer.status).toBe(413);
    expect(elapsedMs).toBeLessThan(5000);
    // Inflating all of it would take 1 GiB; the cap keeps the growth near 20 MiB.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    expect(receiver.tallies()).toEqual({ 'refused (413): body over 20 MiB after decompression': 1 });
  });
});

describe('startOtlpCapture', () => {
  it('hands a launched target the endpoint, notes it, and keeps refusal counts on the session', async () => {
    const notes = new Map<string, string>();
    const context: RecordingContext = {
      sessionId: SESSION,
      request: { target: { kind: 'launch', command: ['node'] } },
      signals: new Set(['otlp']),
      intervalUs: 1000,
      store,
      writer,
      target: { pid: null, nodeVersion: null, title: null, attachedVia: 'test' },
      clock: () => ({ offsetUs: 0, measuredAtUs: 0 }),
      note: (key, value) => void notes.set(key, value),
      fail: (error) => {
        throw error;
      },
      warn: () => undefined,
      handle: () => undefined,
      onTargetOutput: () => undefined,
    };
    const capture = await startOtlpCapture(context);
    expect(capture).not.toBeNull();
    const endpoint = capture!.env.OTEL_EXPORTER_OTLP_ENDPOINT!;
    expect(Object.keys(capture!.env)).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT']);
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(notes.get('otlp.endpoint')).toBe(endpoint);
    const answer = await fetch(`${endpoint}/v1/logs`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(answer.status).toBe(415);
    await capture!.stop();
    expect(JSON.parse(notes.get('otlp.rejected') ?? '{}')).toEqual({
      'refused (415): unsupported content type (use application/json or application/x-protobuf)': 1,
    });
    expect(await startOtlpCapture({ ...context, signals: new Set(['cpu']) })).toBeNull();
  });
});
