// The session's spans, logs and metrics as OTLP export requests in the OTLP/JSON shape (hex ids,
// integer enums, 64-bit integers as decimal strings, camelCase), in batches of bounded size so a
// writer or a pusher holds one batch at a time. Several batches may repeat a resource: OTLP allows it.
import type { Store } from '../../store/store';
import type { Redactor } from '../../bundle/redaction';
import { type ExportLog, type ExportSpan, logRows, metricPoints, metricSeries, redacted, spanResources, spanRows } from './session-rows';

export type OtlpSignal = 'traces' | 'logs' | 'metrics';
export type OtlpJson = Record<string, unknown>;
type KeyValue = { key: string; value: OtlpJson };

/** The list key of each signal's request (what a writer concatenates across batches). */
export const REQUEST_LIST_KEYS: Record<OtlpSignal, string> = { traces: 'resourceSpans', logs: 'resourceLogs', metrics: 'resourceMetrics' };

const SCOPE = { name: 'parallax' };
const MAX_VALUE_DEPTH = 16;
/** OTLP severity numbers for Parallax's levels (the first number of each range). */
const SEVERITY: Record<string, number> = { trace: 1, debug: 5, verbose: 5, log: 9, info: 9, warn: 13, warning: 13, error: 17, fatal: 21 };

export interface OtlpBatchOptions {
  /** Items (spans, log records, data points) per request. */
  batchSize?: number;
  /** Span ids to mark with "pyroscope.profile.id" (spans that have CPU samples), for backends that link spans to profiles. */
  profiledSpanIds?: ReadonlySet<string>;
  /** Redacts secrets from text and attributes the way bundles do (files to share); none for a push to one's own backend. */
  redactor?: Redactor | null;
}

/** An OTLP AnyValue for a plain value; objects become kvlists, nesting is cut at a bound. */
export function anyValue(value: unknown, depth = 0): OtlpJson {
  if (value === null || value === undefined) return {};
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (typeof value === 'bigint') return { intValue: value.toString() };
  if (depth >= MAX_VALUE_DEPTH) return { stringValue: JSON.stringify(value) ?? '' };
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => anyValue(v, depth + 1)) } };
  if (typeof value === 'object') return { kvlistValue: { values: keyValues(value as Record<string, unknown>, depth + 1) } };
  return { stringValue: String(value) };
}

export function keyValues(record: Record<string, unknown>, depth = 0): KeyValue[] {
  return Object.entries(record).map(([key, value]) => ({ key, value: anyValue(value, depth) }));
}

/** Epoch µs as OTLP's fixed64 nanoseconds, in decimal. */
export function nanos(timeUs: number): string {
  return (BigInt(Math.max(Math.round(timeUs), 0)) * 1000n).toString();
}

/** One request per batch, for any signal. */
export function otlpRequests(store: Store, sessionId: string, signal: OtlpSignal, options: OtlpBatchOptions = {}): Generator<OtlpJson> {
  if (signal === 'traces') return traceRequests(store, sessionId, options);
  if (signal === 'logs') return logRequests(store, sessionId, options);
  return metricRequests(store, sessionId, options);
}

function* traceRequests(store: Store, sessionId: string, options: OtlpBatchOptions): Generator<OtlpJson> {
  const size = options.batchSize ?? 512;
  const redactor = options.redactor ?? null;
  for (const resourceText of spanResources(store, sessionId)) {
    const resource = { attributes: keyValues(parseRecord(redacted(redactor, 'attributes', 'spans.resource', resourceText))) };
    // Spans of one resource, grouped by their instrumentation scope within the batch.
    let scopes = new Map<string, { scope: OtlpJson; spans: OtlpJson[] }>();
    let count = 0;
    const flush = (): OtlpJson => {
      const request = { resourceSpans: [{ resource, scopeSpans: [...scopes.values()] }] };
      scopes = new Map();
      count = 0;
      return request;
    };
    for (const span of spanRows(store, sessionId, resourceText, redactor)) {
      const { scope, json } = spanJson(span, options.profiledSpanIds);
      const key = JSON.stringify(scope);
      let group = scopes.get(key);
      if (!group) scopes.set(key, (group = { scope, spans: [] }));
      group.spans.push(json);
      if (++count >= size) yield flush();
    }
    if (count > 0) yield flush();
  }
}

function spanJson(span: ExportSpan, profiled: ReadonlySet<string> | undefined): { scope: OtlpJson; json: OtlpJson } {
  // The receiver keeps the scope as attributes; they go back to the scope here.
  const { 'otel.scope.name': scopeName, 'otel.scope.version': scopeVersion, ...attributes } = span.attributes;
  if (profiled?.has(span.spanId)) attributes['pyroscope.profile.id'] = span.spanId;
  const scope: OtlpJson = typeof scopeName === 'string' ? { name: scopeName } : { ...SCOPE };
  if (typeof scopeVersion === 'string') scope.version = scopeVersion;
  const json: OtlpJson = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: nanos(span.startUs),
    endTimeUnixNano: nanos(Math.max(span.endUs, span.startUs)),
    attributes: keyValues(attributes),
    status: span.statusMessage ? { code: span.statusCode, message: span.statusMessage } : { code: span.statusCode },
  };
  if (span.parentSpanId) json.parentSpanId = span.parentSpanId;
  return { scope, json };
}

/** Logs go out under the resource they came with (the receiver keeps it as a "resource" attribute), else the session's. */
function* logRequests(store: Store, sessionId: string, options: OtlpBatchOptions): Generator<OtlpJson> {
  const size = options.batchSize ?? 1000;
  const sessionWide = sessionResource(store, sessionId, options.redactor ?? null);
  let groups = new Map<string, { resource: OtlpJson; records: OtlpJson[] }>();
  let count = 0;
  const flush = (): OtlpJson => {
    const request = {
      resourceLogs: [...groups.values()].map(({ resource, records }) => ({ resource, scopeLogs: [{ scope: SCOPE, logRecords: records }] })),
    };
    groups = new Map();
    count = 0;
    return request;
  };
  for (const log of logRows(store, sessionId, options.redactor ?? null)) {
    const own = log.attributes?.resource;
    const hasOwn = own !== null && typeof own === 'object' && !Array.isArray(own);
    const key = hasOwn ? JSON.stringify(own) : '';
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { resource: hasOwn ? { attributes: keyValues(own as Record<string, unknown>) } : sessionWide, records: [] }));
    group.records.push(logJson(log, hasOwn));
    if (++count >= size) yield flush();
  }
  if (count > 0) yield flush();
}

function logJson(log: ExportLog, resourceLifted: boolean): OtlpJson {
  const { resource: _resource, ...own } = log.attributes ?? {};
  const attributes: Record<string, unknown> = { ...(resourceLifted ? own : (log.attributes ?? {})), 'log.source': log.source, 'thread.id': log.threadId };
  if (log.url) attributes['code.filepath'] = log.url;
  if (log.line !== null) attributes['code.lineno'] = log.line;
  const json: OtlpJson = {
    timeUnixNano: nanos(log.timeUs),
    observedTimeUnixNano: nanos(log.timeUs),
    severityNumber: log.severityNumber ?? SEVERITY[log.level] ?? 0,
    severityText: log.level.toUpperCase(),
    body: { stringValue: log.text },
    attributes: keyValues(attributes),
  };
  if (log.traceId) json.traceId = log.traceId;
  if (log.spanId) json.spanId = log.spanId;
  return json;
}

/** Counters become cumulative monotonic sums; everything else (gauges, and the histogram and summary parts stored as series) gauges. */
function* metricRequests(store: Store, sessionId: string, options: OtlpBatchOptions): Generator<OtlpJson> {
  const size = options.batchSize ?? 2000;
  const resource = sessionResource(store, sessionId, options.redactor ?? null);
  let metrics: OtlpJson[] = [];
  let count = 0;
  const flush = (): OtlpJson => {
    const request = { resourceMetrics: [{ resource, scopeMetrics: [{ scope: SCOPE, metrics }] }] };
    metrics = [];
    count = 0;
    return request;
  };
  for (const series of metricSeries(store, sessionId, options.redactor ?? null)) {
    const attributes = keyValues({ ...series.labels, ...(series.threadId ? { 'thread.id': series.threadId } : {}) });
    let dataPoints: OtlpJson[] = [];
    let startUs: number | null = null;
    const metric = (): OtlpJson => {
      const points = dataPoints;
      dataPoints = [];
      const base = { name: series.name, unit: series.unit };
      return series.kind === 'counter'
        ? { ...base, sum: { dataPoints: points, aggregationTemporality: 2, isMonotonic: true } }
        : { ...base, gauge: { dataPoints: points } };
    };
    for (const [timeUs, value] of metricPoints(store, series.id)) {
      // OTLP/JSON has no spelling for a non-finite double.
      if (!Number.isFinite(value)) continue;
      startUs ??= timeUs;
      const point: OtlpJson = { attributes, timeUnixNano: nanos(timeUs), asDouble: value };
      if (series.kind === 'counter') point.startTimeUnixNano = nanos(startUs);
      dataPoints.push(point);
      if (++count >= size) {
        metrics.push(metric());
        yield flush();
      }
    }
    if (dataPoints.length > 0) metrics.push(metric());
  }
  if (count > 0 || metrics.length > 0) yield flush();
}

/** Logs and metrics carry no resource in the store: say which target and session they came from. */
function sessionResource(store: Store, sessionId: string, redactor: Redactor | null): OtlpJson {
  const session = store.sessions.get(sessionId);
  const serviceName = session.target.title ? redacted(redactor, 'command-line', 'sessions.target_title', session.target.title) : session.name;
  const attributes: Record<string, unknown> = { 'service.name': serviceName, 'parallax.session.id': session.id };
  if (session.target.pid !== null) attributes['process.pid'] = session.target.pid;
  if (session.target.nodeVersion) attributes['process.runtime.version'] = session.target.nodeVersion;
  return { attributes: keyValues(attributes) };
}

function parseRecord(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
