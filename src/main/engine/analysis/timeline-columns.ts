// A session's trace events, logs and spans as time-sorted columns, read once so that every pan and
// zoom of the timeline walks memory instead of asking SQLite to group a million rows again.
import type { LogLevel, TraceEventKind } from '../../../shared/domain';
import type { TimelineSpan } from '../../../shared/timeline';
import type { Db } from '../store/database';

export const EVENT_KINDS: readonly TraceEventKind[] = ['gc', 'mark', 'measure', 'console', 'http', 'fs', 'loop', 'other'];
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export interface EventColumns {
  threadId: Int32Array;
  /** Index into EVENT_KINDS. */
  kind: Uint8Array;
  startUs: Float64Array;
  endUs: Float64Array;
  /** Index into names. */
  name: Int32Array;
  names: string[];
  longestUs: number;
}

export interface LogColumns {
  timeUs: Float64Array;
  /** Index into LOG_LEVELS. */
  level: Uint8Array;
}

export interface SpanColumns {
  /** By start time. */
  spans: TimelineSpan[];
  startUs: Float64Array;
  longestUs: number;
}

export interface SessionColumns {
  events: EventColumns;
  logs: LogColumns;
  spans: SpanColumns;
}

export function readEventColumns(db: Db, sessionId: string): EventColumns {
  // Counted first and then streamed into the columns: holding a million row arrays at once cost
  // more in garbage collection than reading them (about half the time of the whole read).
  const n = db.prepare(`SELECT COUNT(*) FROM trace_events WHERE session_id = ?`).pluck().get(sessionId) as number;
  const columns: EventColumns = {
    threadId: new Int32Array(n),
    kind: new Uint8Array(n),
    startUs: new Float64Array(n),
    endUs: new Float64Array(n),
    name: new Int32Array(n),
    names: [],
    longestUs: 0,
  };
  const nameIndex = new Map<string, number>();
  const kindIndex = new Map(EVENT_KINDS.map((kind, i) => [kind, i]));
  const rows = db
    .prepare(`SELECT thread_id, kind, ts_us, dur_us, name FROM trace_events WHERE session_id = ? ORDER BY ts_us`)
    .raw()
    .iterate(sessionId) as IterableIterator<[number, TraceEventKind, number, number | null, string]>;
  let i = 0;
  for (const [threadId, kind, tsUs, durUs, name] of rows) {
    // Rows written since the count (another process recording) wait for the next read.
    if (i >= n) break;
    let index = nameIndex.get(name);
    if (index === undefined) {
      index = columns.names.length;
      columns.names.push(name);
      nameIndex.set(name, index);
    }
    columns.threadId[i] = threadId;
    columns.kind[i] = kindIndex.get(kind) ?? EVENT_KINDS.length - 1;
    columns.startUs[i] = tsUs;
    columns.endUs[i] = tsUs + (durUs ?? 0);
    columns.longestUs = Math.max(columns.longestUs, durUs ?? 0);
    columns.name[i] = index;
    i++;
  }
  if (i < n) {
    columns.threadId = columns.threadId.slice(0, i);
    columns.kind = columns.kind.slice(0, i);
    columns.startUs = columns.startUs.slice(0, i);
    columns.endUs = columns.endUs.slice(0, i);
    columns.name = columns.name.slice(0, i);
  }
  return columns;
}

export function readLogColumns(db: Db, sessionId: string): LogColumns {
  const rows = db.prepare(`SELECT ts_us, level FROM logs WHERE session_id = ? ORDER BY ts_us`).raw().all(sessionId) as [number, LogLevel][];
  const levelIndex = new Map(LOG_LEVELS.map((level, i) => [level, i]));
  const timeUs = new Float64Array(rows.length);
  const level = new Uint8Array(rows.length);
  rows.forEach(([t, l], i) => {
    timeUs[i] = t;
    level[i] = levelIndex.get(l) ?? 2;
  });
  return { timeUs, level };
}

export function readSpanColumns(db: Db, sessionId: string): SpanColumns {
  const rows = db
    .prepare(
      `SELECT span_id, trace_id, parent_span_id, name, start_us, end_us, status_code, thread_id FROM spans WHERE session_id = ? ORDER BY start_us, span_id`,
    )
    .raw()
    .all(sessionId) as [string, string, string | null, string, number, number, 0 | 1 | 2, number | null][];
  let longestUs = 0;
  const startUs = new Float64Array(rows.length);
  const spans = rows.map(([spanId, traceId, parentSpanId, name, start, endUs, statusCode, thread], i) => {
    startUs[i] = start;
    longestUs = Math.max(longestUs, endUs - start);
    return { spanId, traceId, parentSpanId, name, startUs: start, endUs, statusCode, thread };
  });
  return { spans, startUs, longestUs };
}

export function readSessionColumns(db: Db, sessionId: string): SessionColumns {
  return { events: readEventColumns(db, sessionId), logs: readLogColumns(db, sessionId), spans: readSpanColumns(db, sessionId) };
}

/** Index of the first ascending value past `value` (or at it, unless `strictly`); length when none. */
export function firstIndexPast(values: Float64Array, value: number, strictly: boolean): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const v = values[mid]!;
    if (v < value || (strictly && v === value)) low = mid + 1;
    else high = mid;
  }
  return low;
}
