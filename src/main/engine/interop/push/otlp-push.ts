// Push to any OpenTelemetry collector or backend: OTLP/HTTP protobuf POSTs to URL/v1/traces, /v1/logs
// and /v1/metrics, one request per batch, encoded by protobufjs from the receiver's schema
// (capture/otlp/otlp-proto.ts). A non-2xx answer or a partial success stops the push with the
// backend's own message. Spans that have CPU samples carry "pyroscope.profile.id" (their span id),
// the attribute Grafana's traces-to-profiles looks up, matching the span_id labels of --pyroscope.
import { ParallaxError } from '../../../../shared/errors';
import { otlpType } from '../../capture/otlp/decode-protobuf';
import type { Store } from '../../store/store';
import { type OtlpJson, type OtlpSignal, otlpRequests } from '../export/otlp-requests';
import { sessionThreads } from '../export/session-rows';
import { threadChunks } from '../export/call-tree';
import { SpanSweep, spansByThread } from '../export/span-attribution';
import { type PostAnswer, answerText, post } from './http-post';

const REQUEST_TYPES: Record<OtlpSignal, string> = {
  traces: 'otlp.ExportTraceServiceRequest',
  logs: 'otlp.ExportLogsServiceRequest',
  metrics: 'otlp.ExportMetricsServiceRequest',
};
const RESPONSE_TYPES: Record<OtlpSignal, [string, string]> = {
  traces: ['otlp.ExportTraceServiceResponse', 'rejectedSpans'],
  logs: ['otlp.ExportLogsServiceResponse', 'rejectedLogRecords'],
  metrics: ['otlp.ExportMetricsServiceResponse', 'rejectedDataPoints'],
};
const ITEM_NOUNS: Record<OtlpSignal, string> = { traces: 'spans', logs: 'log records', metrics: 'data points' };
const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

export interface PushedSignal {
  signal: OtlpSignal;
  url: string;
  requests: number;
  items: number;
}

/** Sends every span, log and metric point of a session; throws ParallaxError on the first refusal. */
export async function pushOtlp(store: Store, sessionId: string, baseUrl: string): Promise<PushedSignal[]> {
  const base = baseUrl.replace(/\/+$/, '');
  const profiledSpanIds = spansWithSamples(store, sessionId);
  const pushed: PushedSignal[] = [];
  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    const url = `${base}/v1/${signal}`;
    const result: PushedSignal = { signal, url, requests: 0, items: 0 };
    for (const request of otlpRequests(store, sessionId, signal, { profiledSpanIds })) {
      const items = countItems(signal, request);
      const type = otlpType(REQUEST_TYPES[signal]);
      const body = type.encode(type.fromObject(withIdBytes(request) as Record<string, unknown>)).finish();
      const answer = await post(url, body, { 'content-type': 'application/x-protobuf' }, `${items} ${ITEM_NOUNS[signal]}`);
      checkAnswer(signal, url, items, answer);
      result.requests++;
      result.items += items;
    }
    pushed.push(result);
  }
  return pushed;
}

function checkAnswer(signal: OtlpSignal, url: string, items: number, answer: PostAnswer): void {
  if (answer.status < 200 || answer.status > 299) {
    throw new ParallaxError('bad-request', `${url} answered HTTP ${answer.status}${statusMessage(answer)}`);
  }
  const [responseType, rejectedField] = RESPONSE_TYPES[signal];
  let partial: Record<string, unknown> | undefined;
  try {
    if (answer.contentType.includes('json')) {
      partial = (JSON.parse(Buffer.from(answer.body).toString('utf8')) as { partialSuccess?: Record<string, unknown> }).partialSuccess;
    } else if (answer.body.length > 0) {
      const type = otlpType(responseType);
      partial = (type.toObject(type.decode(answer.body), { longs: String }) as { partialSuccess?: Record<string, unknown> }).partialSuccess;
    }
  } catch {
    // A 2xx answer whose body is not an export response (some proxies answer empty or in text) is a success.
    return;
  }
  const rejected = Number(partial?.[rejectedField] ?? 0);
  const message = typeof partial?.errorMessage === 'string' ? partial.errorMessage : '';
  if (rejected > 0) {
    throw new ParallaxError('bad-request', `${url} rejected ${rejected} of ${items} ${ITEM_NOUNS[signal]}${message ? `: ${message}` : ''}`);
  }
}

/** google.rpc.Status message of an error answer (protobuf or JSON), else its text. */
function statusMessage(answer: PostAnswer): string {
  try {
    if (answer.contentType.includes('protobuf')) {
      const status = otlpType('otlp.RpcStatus').decode(answer.body) as unknown as { message?: string };
      if (status.message) return `: ${status.message}`;
    }
  } catch {
    // Not a status: fall back to the text.
  }
  const text = answerText(answer);
  return text ? `: ${text}` : '';
}

function countItems(signal: OtlpSignal, request: OtlpJson): number {
  let n = 0;
  if (signal === 'traces') for (const r of request.resourceSpans as OtlpJson[]) for (const s of r.scopeSpans as OtlpJson[]) n += (s.spans as unknown[]).length;
  if (signal === 'logs') for (const r of request.resourceLogs as OtlpJson[]) for (const s of r.scopeLogs as OtlpJson[]) n += (s.logRecords as unknown[]).length;
  if (signal === 'metrics') {
    for (const r of request.resourceMetrics as OtlpJson[]) {
      for (const s of r.scopeMetrics as OtlpJson[]) {
        for (const m of s.metrics as OtlpJson[]) n += (((m.sum ?? m.gauge) as OtlpJson).dataPoints as unknown[]).length;
      }
    }
  }
  return n;
}

/** OTLP/JSON carries ids as hex; protobuf wants their bytes. */
function withIdBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withIdBytes);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, ID_KEYS.has(key) && typeof v === 'string' ? Buffer.from(v, 'hex') : withIdBytes(v)]),
  );
}

/** Span ids that have at least one CPU sample by the span-to-sample rule. */
export function spansWithSamples(store: Store, sessionId: string): Set<string> {
  const found = new Set<string>();
  const spans = spansByThread(store, sessionId);
  if (spans.size === 0) return found;
  for (const thread of sessionThreads(store, sessionId)) {
    const list = spans.get(thread.id);
    if (!list) continue;
    const sweep = new SpanSweep(list);
    for (const chunk of threadChunks(store, sessionId, thread.id)) {
      for (const t of chunk.timesUs) {
        const span = sweep.at(t);
        if (span) found.add(span.spanId);
      }
    }
  }
  return found;
}
