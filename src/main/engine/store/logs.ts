// Log records of a session: console API calls and uncaught exceptions.
import type { LogLevel, LogPage, LogRecord, TimeRange } from '../../../shared/domain';
import type { Db } from './database';
import { TimeCounts } from './time-counts';

type OptionalLogFields = 'threadId' | 'severityNumber' | 'traceId' | 'spanId' | 'attributes';
export type NewLog = Omit<LogRecord, 'id' | OptionalLogFields> & Partial<Pick<LogRecord, OptionalLogFields>>;

interface LogRow {
  id: number;
  ts_us: number;
  level: string;
  source: string;
  text: string;
  url: string | null;
  line: number | null;
  thread_id: number;
  severity_number: number | null;
  trace_id: string | null;
  span_id: string | null;
  attributes: string | null;
}

export class LogTable {
  private readonly insertLog;
  private readonly counts: TimeCounts;

  constructor(private readonly db: Db) {
    this.counts = new TimeCounts(db, 'logs');
    this.insertLog = db.prepare(
      `INSERT INTO logs (session_id, ts_us, level, source, text, url, line, thread_id, severity_number, trace_id, span_id, attributes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Call inside a transaction. */
  insert(sessionId: string, log: NewLog): void {
    this.insertLog.run(
      sessionId,
      Math.round(log.timeUs),
      log.level,
      log.source,
      log.text,
      log.url,
      log.line,
      log.threadId ?? 0,
      log.severityNumber ?? null,
      log.traceId ?? null,
      log.spanId ?? null,
      log.attributes ? JSON.stringify(log.attributes) : null,
    );
  }

  page(
    sessionId: string,
    query: { offset: number; limit: number; text?: string; range?: TimeRange; threadId?: number; spanId?: string; traceId?: string },
  ): LogPage {
    const where = ['session_id = @sessionId'];
    const params: Record<string, unknown> = { sessionId, limit: query.limit, offset: query.offset };
    if (query.text) {
      where.push(`instr(lower(text), lower(@text)) > 0`);
      params.text = query.text;
    }
    if (query.range) {
      where.push('ts_us BETWEEN @fromUs AND @toUs');
      params.fromUs = query.range.fromUs;
      params.toUs = query.range.toUs;
    }
    if (query.threadId !== undefined) {
      where.push('thread_id = @threadId');
      params.threadId = query.threadId;
    }
    if (query.spanId) {
      where.push('span_id = @spanId');
      params.spanId = query.spanId;
    }
    if (query.traceId) {
      where.push('trace_id = @traceId');
      params.traceId = query.traceId;
    }
    const clause = where.join(' AND ');
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM logs WHERE ${clause}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare(
        `SELECT id, ts_us, level, source, text, url, line, thread_id, severity_number, trace_id, span_id, attributes
         FROM logs WHERE ${clause} ORDER BY ts_us, id LIMIT @limit OFFSET @offset`,
      )
      .all(params) as LogRow[];
    return {
      total,
      offset: query.offset,
      records: rows.map((r) => ({
        id: r.id,
        timeUs: r.ts_us,
        level: r.level as LogLevel,
        source: r.source,
        text: r.text,
        url: r.url,
        line: r.line,
        threadId: r.thread_id,
        severityNumber: r.severity_number,
        traceId: r.trace_id,
        spanId: r.span_id,
        attributes: r.attributes ? (JSON.parse(r.attributes) as Record<string, unknown>) : null,
      })),
    };
  }

  count(sessionId: string, range?: TimeRange): number {
    return this.counts.count(sessionId, range);
  }

  forget(sessionId: string): void {
    this.counts.forget(sessionId);
  }

  /** Keeps an ended session's per-second counts (see TimeCounts.keep). */
  keepCounts(sessionId: string): void {
    this.counts.keep(sessionId);
  }
}
