// Log records of a session: console API calls and uncaught exceptions.
import type { LogLevel, LogPage, LogRecord, TimeRange } from '../../../shared/domain';
import type { Db } from './database';

export type NewLog = Omit<LogRecord, 'id'>;

export class LogTable {
  private readonly insertLog;

  constructor(private readonly db: Db) {
    this.insertLog = db.prepare(
      `INSERT INTO logs (session_id, ts_us, level, source, text, url, line) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Call inside a transaction. */
  insert(sessionId: string, log: NewLog): void {
    this.insertLog.run(sessionId, Math.round(log.timeUs), log.level, log.source, log.text, log.url, log.line);
  }

  page(sessionId: string, query: { offset: number; limit: number; text?: string; range?: TimeRange }): LogPage {
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
    const clause = where.join(' AND ');
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM logs WHERE ${clause}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare(
        `SELECT id, ts_us, level, source, text, url, line FROM logs WHERE ${clause}
         ORDER BY ts_us, id LIMIT @limit OFFSET @offset`,
      )
      .all(params) as { id: number; ts_us: number; level: string; source: string; text: string; url: string | null; line: number | null }[];
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
      })),
    };
  }

  count(sessionId: string, range?: TimeRange): number {
    const row = range
      ? this.db
          .prepare(`SELECT COUNT(*) AS n FROM logs WHERE session_id = ? AND ts_us BETWEEN ? AND ?`)
          .get(sessionId, range.fromUs, range.toUs)
      : this.db.prepare(`SELECT COUNT(*) AS n FROM logs WHERE session_id = ?`).get(sessionId);
    return (row as { n: number }).n;
  }
}
