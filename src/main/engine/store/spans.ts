// Spans of a session, from the OTLP receiver or the injected agent.
import type { SpanKind, SpanRecord, TimeRange } from '../../../shared/domain';
import type { Db } from './database';

export type NewSpan = Omit<SpanRecord, 'logCount' | 'cpuSampleCount'>;

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: number;
  start_us: number;
  end_us: number;
  status_code: number;
  status_message: string | null;
  thread_id: number | null;
  source: string;
  attributes: string;
  resource: string;
  log_count: number;
}

export interface SpanQuery {
  range?: TimeRange;
  traceId?: string;
  spanId?: string;
  limit?: number;
}

/** Sessions whose longest span is remembered. */
const SESSIONS_KEPT = 8;

export class SpanTable {
  private readonly insertSpan;
  /** Per session: its span count when its longest span was measured (spans are only ever added). */
  private readonly longest = new Map<string, { count: number; longestUs: number }>();

  constructor(private readonly db: Db) {
    // A span sent twice (exporter retry) keeps its first copy.
    this.insertSpan = db.prepare(
      `INSERT OR IGNORE INTO spans (session_id, trace_id, span_id, parent_span_id, name, kind, start_us, end_us,
         status_code, status_message, thread_id, source, attributes, resource)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Call inside a transaction. */
  insert(sessionId: string, span: NewSpan): void {
    this.insertSpan.run(
      sessionId,
      span.traceId,
      span.spanId,
      span.parentSpanId,
      span.name,
      span.kind,
      Math.round(span.startUs),
      Math.round(span.endUs),
      span.statusCode,
      span.statusMessage,
      span.thread,
      span.source,
      JSON.stringify(span.attributes),
      JSON.stringify(span.resource),
    );
  }

  /** Spans by start time, with how many logs name each; cpuSampleCount is left 0 for the caller. */
  list(sessionId: string, query: SpanQuery = {}): SpanRecord[] {
    const where = ['s.session_id = @sessionId'];
    const params: Record<string, unknown> = { sessionId, limit: query.limit ?? 10_000 };
    if (query.range) {
      // A span ending in the window started at most the longest span's length before it: one
      // bounded range of the start index instead of every span from the session's start.
      where.push('s.start_us BETWEEN @lowUs AND @toUs AND s.end_us >= @fromUs');
      params.fromUs = query.range.fromUs;
      params.toUs = query.range.toUs;
      params.lowUs = query.range.fromUs - this.longestSpanUs(sessionId);
    }
    if (query.traceId) {
      where.push('s.trace_id = @traceId');
      params.traceId = query.traceId;
    }
    if (query.spanId) {
      where.push('s.span_id = @spanId');
      params.spanId = query.spanId;
    }
    const rows = this.db
      .prepare(
        `SELECT s.*, (SELECT COUNT(*) FROM logs l WHERE l.session_id = s.session_id AND l.span_id = s.span_id) AS log_count
         FROM spans s WHERE ${where.join(' AND ')} ORDER BY s.start_us, s.span_id LIMIT @limit`,
      )
      .all(params) as SpanRow[];
    return rows.map((r) => ({
      spanId: r.span_id,
      traceId: r.trace_id,
      parentSpanId: r.parent_span_id,
      name: r.name,
      kind: r.kind as SpanKind,
      startUs: r.start_us,
      endUs: r.end_us,
      statusCode: r.status_code as 0 | 1 | 2,
      statusMessage: r.status_message,
      thread: r.thread_id,
      source: r.source,
      attributes: JSON.parse(r.attributes) as Record<string, unknown>,
      resource: JSON.parse(r.resource) as Record<string, unknown>,
      logCount: r.log_count,
      cpuSampleCount: 0,
    }));
  }

  /** The session's longest span, measured again only when its span count changed. */
  private longestSpanUs(sessionId: string): number {
    const count = this.db.prepare(`SELECT COUNT(*) FROM spans WHERE session_id = ?`).pluck().get(sessionId) as number;
    const known = this.longest.get(sessionId);
    this.longest.delete(sessionId);
    const longestUs =
      known && known.count === count
        ? known.longestUs
        : ((this.db.prepare(`SELECT MAX(end_us - start_us) FROM spans WHERE session_id = ?`).pluck().get(sessionId) as number | null) ?? 0);
    this.longest.set(sessionId, { count, longestUs });
    if (this.longest.size > SESSIONS_KEPT) this.longest.delete(this.longest.keys().next().value!);
    return longestUs;
  }

  count(sessionId: string, range?: TimeRange): number {
    if (range && range.fromUs <= range.toUs) {
      // Spans end at or after they start (receivers make sure), so those outside the window either
      // end before it or start after it, never both: two index ranges instead of a row per span.
      return this.db
        .prepare(
          `SELECT (SELECT COUNT(*) FROM spans WHERE session_id = @id)
             - (SELECT COUNT(*) FROM spans WHERE session_id = @id AND end_us < @fromUs)
             - (SELECT COUNT(*) FROM spans WHERE session_id = @id AND start_us > @toUs)`,
        )
        .pluck()
        .get({ id: sessionId, fromUs: range.fromUs, toUs: range.toUs }) as number;
    }
    const row = range
      ? this.db
          .prepare(`SELECT COUNT(*) AS n FROM spans WHERE session_id = ? AND end_us >= ? AND start_us <= ?`)
          .get(sessionId, range.fromUs, range.toUs)
      : this.db.prepare(`SELECT COUNT(*) AS n FROM spans WHERE session_id = ?`).get(sessionId);
    return (row as { n: number }).n;
  }
}
