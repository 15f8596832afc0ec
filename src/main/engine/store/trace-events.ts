// Trace events of a session (NodeTracing, performance marks and measures), in epoch µs.
import type { TimeRange, TraceEventKind, TraceEventRecord } from '../../../shared/domain';
import type { Db } from './database';
import { TimeCounts } from './time-counts';

export type NewTraceEvent = Omit<TraceEventRecord, 'id'>;

export interface TraceEventQuery {
  range?: TimeRange;
  kinds?: TraceEventKind[];
  threadId?: number;
  limit?: number;
}

/** Rows per statement of insertMany (9 values each, well under SQLite's bound on parameters). */
const ROWS_PER_STATEMENT = 100;

export class TraceEventTable {
  private readonly insertEvent;
  private readonly insertEvents;
  private readonly counts: TimeCounts;

  constructor(private readonly db: Db) {
    this.counts = new TimeCounts(db, 'trace_events', 'kind');
    this.insertEvent = db.prepare(
      `INSERT INTO trace_events (session_id, thread_id, ts_us, dur_us, ph, cat, name, kind, args) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertEvents = db.prepare(
      `INSERT INTO trace_events (session_id, thread_id, ts_us, dur_us, ph, cat, name, kind, args) VALUES ${new Array(ROWS_PER_STATEMENT).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    );
  }

  /** Call inside a transaction: many rows, a hundred to a statement (far fewer calls into SQLite than insert). */
  insertMany(sessionId: string, events: readonly NewTraceEvent[]): void {
    const whole = events.length - (events.length % ROWS_PER_STATEMENT);
    const values: unknown[] = new Array(ROWS_PER_STATEMENT * 9);
    for (let from = 0; from < whole; from += ROWS_PER_STATEMENT) {
      for (let i = 0, v = 0; i < ROWS_PER_STATEMENT; i++) {
        const event = events[from + i]!;
        values[v++] = sessionId;
        values[v++] = event.threadId;
        values[v++] = Math.round(event.timeUs);
        values[v++] = event.durationUs === null ? null : Math.round(event.durationUs);
        values[v++] = event.ph;
        values[v++] = event.cat;
        values[v++] = event.name;
        values[v++] = event.kind;
        values[v++] = event.args ? JSON.stringify(event.args) : null;
      }
      this.insertEvents.run(values);
    }
    for (let i = whole; i < events.length; i++) this.insert(sessionId, events[i]!);
  }

  /** Call inside a transaction. */
  insert(sessionId: string, event: NewTraceEvent): void {
    this.insertEvent.run(
      sessionId,
      event.threadId,
      Math.round(event.timeUs),
      event.durationUs === null ? null : Math.round(event.durationUs),
      event.ph,
      event.cat,
      event.name,
      event.kind,
      event.args ? JSON.stringify(event.args) : null,
    );
  }

  list(sessionId: string, query: TraceEventQuery = {}): TraceEventRecord[] {
    const where = ['session_id = @sessionId'];
    const params: Record<string, unknown> = { sessionId, limit: query.limit ?? 100_000 };
    if (query.range) {
      where.push('ts_us BETWEEN @fromUs AND @toUs');
      params.fromUs = query.range.fromUs;
      params.toUs = query.range.toUs;
    }
    if (query.threadId !== undefined) {
      where.push('thread_id = @threadId');
      params.threadId = query.threadId;
    }
    if (query.kinds?.length) {
      where.push(`kind IN (${query.kinds.map((_, i) => `@kind${i}`).join(', ')})`);
      query.kinds.forEach((k, i) => (params[`kind${i}`] = k));
    }
    const rows = this.db
      .prepare(`SELECT * FROM trace_events WHERE ${where.join(' AND ')} ORDER BY ts_us, id LIMIT @limit`)
      .all(params) as {
      id: number;
      thread_id: number;
      ts_us: number;
      dur_us: number | null;
      ph: string;
      cat: string;
      name: string;
      kind: TraceEventKind;
      args: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      threadId: r.thread_id,
      timeUs: r.ts_us,
      durationUs: r.dur_us,
      ph: r.ph,
      cat: r.cat,
      name: r.name,
      kind: r.kind,
      args: r.args ? (JSON.parse(r.args) as Record<string, unknown>) : null,
    }));
  }

  count(sessionId: string, range?: TimeRange, kind?: TraceEventKind): number {
    return this.counts.count(sessionId, range, kind);
  }

  forget(sessionId: string): void {
    this.counts.forget(sessionId);
  }

  /** Keeps an ended session's per-second counts (see TimeCounts.keep). */
  keepCounts(sessionId: string): void {
    this.counts.keep(sessionId);
  }
}
