// What the exporters read from the store, one row at a time (iterators, never whole tables), so an
// export of a long session holds a bounded amount. Rows keep the store's units (epoch µs). With a
// redactor, text columns that may hold secrets are read through the same rules as bundles.
import type { RedactionRule, Redactor } from '../../bundle/redaction';
import type { LogLevel, LogRecord, MetricKind, MetricSeries, SpanKind, ThreadInfo, TraceEventRecord } from '../../../../shared/domain';
import type { Store } from '../../store/store';

export interface ExportSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  startUs: number;
  endUs: number;
  statusCode: number;
  statusMessage: string | null;
  threadId: number | null;
  attributes: Record<string, unknown>;
}

/** A stored log as exporters read it: the window's record without its row id or source-map position. */
export type ExportLog = Omit<LogRecord, 'id' | 'generated'>;

/** A stored metric series as exporters read it: the window's series with its row id instead of its points. */
export type ExportSeries = Omit<MetricSeries, 'timesUs' | 'values'> & { id: number };

export type ExportTraceEvent = Omit<TraceEventRecord, 'id' | 'kind'>;

/** Threads named in the threads table and threads that have samples but no row (named "thread N"). */
export function sessionThreads(store: Store, sessionId: string): ThreadInfo[] {
  const named = new Map(store.threads.list(sessionId).map((t) => [t.id, t]));
  const sampled = store.db.prepare(`SELECT DISTINCT thread_id AS id FROM cpu_chunks WHERE session_id = ?`).all(sessionId) as { id: number }[];
  for (const { id } of sampled) if (!named.has(id)) named.set(id, { id, name: id === 0 ? 'main' : `thread ${id}` });
  return [...named.values()].sort((a, b) => a.id - b.id);
}

/** Distinct span resources, as stored (JSON text). */
export function spanResources(store: Store, sessionId: string): string[] {
  const rows = store.db.prepare(`SELECT DISTINCT resource FROM spans WHERE session_id = ? ORDER BY resource`).all(sessionId) as { resource: string }[];
  return rows.map((r) => r.resource);
}

/** A stored text column as exported: redacted by `rule` when a redactor is given. */
export function redacted(redactor: Redactor | null, rule: RedactionRule, where: string, text: string): string;
export function redacted(redactor: Redactor | null, rule: RedactionRule, where: string, text: string | null): string | null;
export function redacted(redactor: Redactor | null, rule: RedactionRule, where: string, text: string | null): string | null {
  return redactor && text ? redactor.apply(rule, where, text) : text;
}

/** Spans by start time; only those with `resource` (stored JSON text) when given. */
export function* spanRows(store: Store, sessionId: string, resource?: string, redactor: Redactor | null = null): Generator<ExportSpan> {
  const sql = `SELECT trace_id, span_id, parent_span_id, name, kind, start_us, end_us, status_code, status_message, thread_id, attributes
    FROM spans WHERE session_id = ? ${resource === undefined ? '' : 'AND resource = ?'} ORDER BY start_us, span_id`;
  const params = resource === undefined ? [sessionId] : [sessionId, resource];
  for (const r of store.db.prepare(sql).iterate(...params) as Iterable<Record<string, unknown>>) {
    yield {
      traceId: r.trace_id as string,
      spanId: r.span_id as string,
      parentSpanId: (r.parent_span_id as string | null) ?? null,
      name: redacted(redactor, 'text', 'spans.name', r.name as string),
      kind: r.kind as SpanKind,
      startUs: r.start_us as number,
      endUs: r.end_us as number,
      statusCode: r.status_code as number,
      statusMessage: redacted(redactor, 'text', 'spans.status_message', (r.status_message as string | null) ?? null),
      threadId: (r.thread_id as number | null) ?? null,
      attributes: parseObject(redacted(redactor, 'attributes', 'spans.attributes', r.attributes as string | null)) ?? {},
    };
  }
}

export function* logRows(store: Store, sessionId: string, redactor: Redactor | null = null): Generator<ExportLog> {
  const rows = store.db
    .prepare(
      `SELECT ts_us, level, source, text, url, line, thread_id, severity_number, trace_id, span_id, attributes
       FROM logs WHERE session_id = ? ORDER BY ts_us, id`,
    )
    .iterate(sessionId) as Iterable<Record<string, unknown>>;
  for (const r of rows) {
    yield {
      timeUs: r.ts_us as number,
      level: r.level as LogLevel,
      source: r.source as string,
      text: redacted(redactor, 'text', 'logs.text', r.text as string),
      url: (r.url as string | null) ?? null,
      line: (r.line as number | null) ?? null,
      threadId: r.thread_id as number,
      severityNumber: (r.severity_number as number | null) ?? null,
      traceId: (r.trace_id as string | null) ?? null,
      spanId: (r.span_id as string | null) ?? null,
      attributes: parseObject(redacted(redactor, 'attributes', 'logs.attributes', r.attributes as string | null)),
    };
  }
}

export function metricSeries(store: Store, sessionId: string, redactor: Redactor | null = null): ExportSeries[] {
  const rows = store.db
    .prepare(`SELECT id, name, unit, kind, labels, source, thread_id FROM metric_series WHERE session_id = ? ORDER BY id`)
    .all(sessionId) as { id: number; name: string; unit: string; kind: MetricKind; labels: string; source: string; thread_id: number }[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    unit: r.unit,
    kind: r.kind,
    labels: (parseObject(redacted(redactor, 'attributes', 'metric_series.labels', r.labels)) ?? {}) as Record<string, string>,
    source: r.source,
    threadId: r.thread_id,
  }));
}

/** Points of one series as [timeUs, value] pairs, by time. */
export function metricPoints(store: Store, seriesId: number): Iterable<[number, number]> {
  return store.db.prepare(`SELECT ts_us, value FROM metric_points WHERE series_id = ? ORDER BY ts_us`).raw().iterate(seriesId) as Iterable<
    [number, number]
  >;
}

export function* traceEventRows(store: Store, sessionId: string, redactor: Redactor | null = null): Generator<ExportTraceEvent> {
  const rows = store.db
    .prepare(`SELECT thread_id, ts_us, dur_us, ph, cat, name, args FROM trace_events WHERE session_id = ? ORDER BY ts_us, id`)
    .iterate(sessionId) as Iterable<Record<string, unknown>>;
  for (const r of rows) {
    yield {
      threadId: r.thread_id as number,
      timeUs: r.ts_us as number,
      durationUs: (r.dur_us as number | null) ?? null,
      ph: r.ph as string,
      cat: r.cat as string,
      name: redacted(redactor, 'text', 'trace_events.name', r.name as string),
      args: parseObject(redacted(redactor, 'attributes', 'trace_events.args', r.args as string | null)),
    };
  }
}

/** A stored JSON object column; anything else (absent, corrupt, not an object) reads as null. */
function parseObject(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
