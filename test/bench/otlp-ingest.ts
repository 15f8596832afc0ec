// OTLP span ingest: requests of 1,000 spans (JSON and protobuf) posted to the receiver over loopback
// HTTP and written to a store, against the bare JSON.parse / protobuf decode rate of the same bodies.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { otlpType } from '../../src/main/engine/capture/otlp/decode-protobuf';
import { OtlpReceiver } from '../../src/main/engine/capture/otlp';
import { SessionWriter } from '../../src/main/engine/store/session-writer';
import { Store } from '../../src/main/engine/store/store';

const SPANS_PER_REQUEST = 1000;
const REQUESTS = 20;
const DECODE_ROUNDS = 20;

type Encoding = 'json' | 'protobuf';

function hex(n: number, bytes: number): string {
  return n.toString(16).padStart(bytes * 2, '0');
}

/** One request of spans shaped like an HTTP server's: six attributes each, one resource. */
function requestObject(requestIndex: number): Record<string, unknown> {
  const startNs = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: SPANS_PER_REQUEST }, (_, i) => {
    const n = requestIndex * SPANS_PER_REQUEST + i + 1;
    return {
      traceId: hex(n, 16),
      spanId: hex(n, 8),
      parentSpanId: i % 4 === 0 ? '' : hex(n - 1, 8),
      name: `GET /orders/${i % 50}`,
      kind: 2,
      startTimeUnixNano: (startNs + BigInt(i) * 1000n).toString(),
      endTimeUnixNano: (startNs + BigInt(i) * 1000n + 250_000n).toString(),
      attributes: [
        { key: 'http.method', value: { stringValue: 'GET' } },
        { key: 'http.target', value: { stringValue: `/orders/${i % 50}?page=2` } },
        { key: 'http.status_code', value: { intValue: 200 } },
        { key: 'net.host.name', value: { stringValue: 'shop.local' } },
        { key: 'http.user_agent', value: { stringValue: 'bench/1.0' } },
        { key: 'order.items', value: { intValue: i % 7 } },
      ],
      status: { code: 1 },
    };
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }, { key: 'host.name', value: { stringValue: 'bench-host' } }] },
        scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.200.0' }, spans }],
      },
    ],
  };
}

/** The same request as protobuf: hex ids become bytes. */
function protobufBody(json: Record<string, unknown>): Buffer {
  const type = otlpType('otlp.ExportTraceServiceRequest');
  const withBytes = JSON.parse(JSON.stringify(json), (key, value: unknown) =>
    (key === 'traceId' || key === 'spanId' || key === 'parentSpanId') && typeof value === 'string' ? Buffer.from(value, 'hex') : value,
  ) as Record<string, unknown>;
  return Buffer.from(type.encode(type.fromObject(withBytes)).finish());
}

function post(port: number, encoding: Encoding, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/traces',
        method: 'POST',
        headers: { 'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function decodeRate(bodies: Buffer[], decode: (body: Buffer) => unknown): number {
  const startedMs = performance.now();
  for (let round = 0; round < DECODE_ROUNDS; round++) for (const body of bodies) decode(body);
  return (DECODE_ROUNDS * bodies.length * SPANS_PER_REQUEST) / ((performance.now() - startedMs) / 1000);
}

async function ingestRate(dir: string, encoding: Encoding, bodies: Buffer[]): Promise<number> {
  const store = Store.open(join(dir, `otlp-${encoding}.sqlite`));
  const sessionId = `bench-${encoding}`;
  store.sessions.create({
    id: sessionId,
    name: sessionId,
    startedUs: Date.now() * 1000,
    target: { pid: null, nodeVersion: null, title: null, attachedVia: 'bench' },
    signals: ['otlp'],
    intervalUs: 1000,
  });
  const writer = new SessionWriter(store, sessionId, (error) => {
    throw error;
  });
  const receiver = await OtlpReceiver.start({ store, writer });
  try {
    const port = Number(new URL(receiver.endpoint).port);
    const startedMs = performance.now();
    for (const body of bodies) {
      const status = await post(port, encoding, body);
      if (status !== 200) throw new Error(`The receiver answered ${status}`);
    }
    writer.flush();
    const elapsedSec = (performance.now() - startedMs) / 1000;
    const stored = store.spans.count(sessionId);
    if (stored !== bodies.length * SPANS_PER_REQUEST) throw new Error(`Stored ${stored} spans, expected ${bodies.length * SPANS_PER_REQUEST}`);
    return stored / elapsedSec;
  } finally {
    await receiver.close();
    writer.close();
    store.close();
  }
}

/** Spans per second: ingest over HTTP into a store, and the bare decode of the same bodies. */
export async function benchOtlpIngest(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-otlp-bench-'));
  try {
    const objects = Array.from({ length: REQUESTS }, (_, i) => requestObject(i));
    const jsonBodies = objects.map((o) => Buffer.from(JSON.stringify(o)));
    const protobufBodies = objects.map(protobufBody);
    const type = otlpType('otlp.ExportTraceServiceRequest');
    const jsonParseSpansPerSec = decodeRate(jsonBodies, (body) => JSON.parse(body.toString('utf8')));
    const protobufDecodeSpansPerSec = decodeRate(protobufBodies, (body) => type.decode(body));
    const jsonIngestSpansPerSec = await ingestRate(dir, 'json', jsonBodies);
    const protobufIngestSpansPerSec = await ingestRate(dir, 'protobuf', protobufBodies);
    return {
      jsonIngestSpansPerSec: Math.round(jsonIngestSpansPerSec),
      protobufIngestSpansPerSec: Math.round(protobufIngestSpansPerSec),
      jsonParseSpansPerSec: Math.round(jsonParseSpansPerSec),
      protobufDecodeSpansPerSec: Math.round(protobufDecodeSpansPerSec),
      jsonIngestToParseRatio: jsonIngestSpansPerSec / jsonParseSpansPerSec,
      protobufIngestToDecodeRatio: protobufIngestSpansPerSec / protobufDecodeSpansPerSec,
      jsonBodyBytesPerSpan: Math.round(jsonBodies.reduce((n, b) => n + b.length, 0) / (REQUESTS * SPANS_PER_REQUEST)),
      protobufBodyBytesPerSpan: Math.round(protobufBodies.reduce((n, b) => n + b.length, 0) / (REQUESTS * SPANS_PER_REQUEST)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
