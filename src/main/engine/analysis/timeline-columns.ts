// A session's trace events, logs and spans as time-sorted columns, read once so that every pan and
// zoom of the timeline walks memory instead of asking SQLite to group a million rows again.
import type { LogLevel, TraceEventKind } from '../../../shared/domain';
import { TIMELINE_EVENT_KINDS, TIMELINE_LOG_LEVELS, type TimelineSpan } from '../../../shared/timeline';
import type { Db } from '../store/database';

/** The answer's kind and level indexes are these columns' own: kept digests store them, so the order is fixed. */
export const EVENT_KINDS: readonly TraceEventKind[] = TIMELINE_EVENT_KINDS;
export const LOG_LEVELS: readonly LogLevel[] = TIMELINE_LOG_LEVELS;

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
  /** Highest row id read, for reading only newer rows next time. */
  lastId: number;
}

export interface LogColumns {
  timeUs: Float64Array;
  /** Index into LOG_LEVELS. */
  level: Uint8Array;
  lastId: number;
}

export interface SpanColumns {
  /** How many spans; by start time. */
  count: number;
  /** The i-th span (made when first asked, when the columns came from a digest). */
  span: (i: number) => TimelineSpan;
  startUs: Float64Array;
  endUs: Float64Array;
  longestUs: number;
}

export interface SessionColumns {
  events: EventColumns;
  logs: LogColumns;
  spans: SpanColumns;
}

/**
 * The session's trace events as columns sorted by time. With `previous`, only rows stored since
 * it was read are fetched (ids only grow) and merged in by time: a recording session's columns
 * grow by what a tick added rather than being read whole every few seconds.
 */
export function readEventColumns(db: Db, sessionId: string, previous: EventColumns | null = null): EventColumns {
  if (!previous) return readAllEventColumns(db, sessionId);
  const fields = `id, thread_id, kind, ts_us, dur_us, name`;
  // The unary + keeps SQLite on the rowid range for the newest rows instead of the session's whole index.
  const rows = db.prepare(`SELECT ${fields} FROM trace_events WHERE id > ? AND +session_id = ?`).raw().all(previous.lastId, sessionId) as [
    number,
    number,
    TraceEventKind,
    number,
    number | null,
    string,
  ][];
  if (rows.length === 0) return previous;
  rows.sort((x, y) => x[3] - y[3]);
  const n = rows.length;
  const names = [...previous.names];
  const nameIndex = new Map(names.map((name, i) => [name, i]));
  const kindIndex = new Map(EVENT_KINDS.map((kind, i) => [kind, i]));
  const fresh: EventColumns = {
    threadId: new Int32Array(n),
    kind: new Uint8Array(n),
    startUs: new Float64Array(n),
    endUs: new Float64Array(n),
    name: new Int32Array(n),
    names,
    longestUs: previous.longestUs,
    lastId: previous.lastId,
  };
  rows.forEach(([id, threadId, kind, tsUs, durUs, name], i) => {
    let index = nameIndex.get(name);
    if (index === undefined) {
      index = names.length;
      names.push(name);
      nameIndex.set(name, index);
    }
    fresh.threadId[i] = threadId;
    fresh.kind[i] = kindIndex.get(kind) ?? EVENT_KINDS.length - 1;
    fresh.startUs[i] = tsUs;
    fresh.endUs[i] = tsUs + (durUs ?? 0);
    fresh.longestUs = Math.max(fresh.longestUs, durUs ?? 0);
    fresh.name[i] = index;
    fresh.lastId = Math.max(fresh.lastId, id);
  });
  const order = mergedOrder(previous.startUs, fresh.startUs);
  return {
    threadId: pick(Int32Array, order, previous.threadId, fresh.threadId),
    kind: pick(Uint8Array, order, previous.kind, fresh.kind),
    startUs: pick(Float64Array, order, previous.startUs, fresh.startUs),
    endUs: pick(Float64Array, order, previous.endUs, fresh.endUs),
    name: pick(Int32Array, order, previous.name, fresh.name),
    names,
    longestUs: fresh.longestUs,
    lastId: fresh.lastId,
  };
}

/**
 * A session's first read: counted first, then streamed row by row into columns of that size, so a
 * million events never become a million row arrays at once. One read transaction keeps the count
 * and the rows the same snapshot while a recording writes.
 */
function readAllEventColumns(db: Db, sessionId: string): EventColumns {
  return db.transaction(() => streamEventColumns(db, sessionId))();
}

function streamEventColumns(db: Db, sessionId: string): EventColumns {
  const capacity = db.prepare(`SELECT count(*) FROM trace_events WHERE session_id = ?`).pluck().get(sessionId) as number;
  const columns: EventColumns = {
    threadId: new Int32Array(capacity),
    kind: new Uint8Array(capacity),
    startUs: new Float64Array(capacity),
    endUs: new Float64Array(capacity),
    name: new Int32Array(capacity),
    names: [],
    longestUs: 0,
    lastId: 0,
  };
  if (capacity === 0) return columns;
  const nameIndex = new Map<string, number>();
  const kindIndex = new Map(EVENT_KINDS.map((kind, i) => [kind, i]));
  const rows = db.prepare(`SELECT id, thread_id, kind, ts_us, dur_us, name FROM trace_events WHERE session_id = ? ORDER BY ts_us`).raw();
  let i = 0;
  for (const row of rows.iterate(sessionId) as IterableIterator<[number, number, TraceEventKind, number, number | null, string]>) {
    if (i === capacity) break;
    const name = row[5];
    let index = nameIndex.get(name);
    if (index === undefined) {
      index = columns.names.length;
      columns.names.push(name);
      nameIndex.set(name, index);
    }
    const durUs = row[4] ?? 0;
    columns.threadId[i] = row[1];
    columns.kind[i] = kindIndex.get(row[2]) ?? EVENT_KINDS.length - 1;
    columns.startUs[i] = row[3];
    columns.endUs[i] = row[3] + durUs;
    columns.name[i] = index;
    if (durUs > columns.longestUs) columns.longestUs = durUs;
    if (row[0] > columns.lastId) columns.lastId = row[0];
    i++;
  }
  return i === capacity ? columns : shrunk(columns, i);
}

function shrunk(columns: EventColumns, n: number): EventColumns {
  return {
    ...columns,
    threadId: columns.threadId.slice(0, n),
    kind: columns.kind.slice(0, n),
    startUs: columns.startUs.slice(0, n),
    endUs: columns.endUs.slice(0, n),
    name: columns.name.slice(0, n),
  };
}

/** The session's logs (time and level) as columns sorted by time; incremental like readEventColumns. */
export function readLogColumns(db: Db, sessionId: string, previous: LogColumns | null = null): LogColumns {
  const rows = (
    previous
      ? db.prepare(`SELECT id, ts_us, level FROM logs WHERE id > ? AND +session_id = ?`).raw().all(previous.lastId, sessionId)
      : db.prepare(`SELECT id, ts_us, level FROM logs WHERE session_id = ? ORDER BY ts_us`).raw().all(sessionId)
  ) as [number, number, LogLevel][];
  if (previous && rows.length === 0) return previous;
  if (previous) rows.sort((x, y) => x[1] - y[1]);
  const levelIndex = new Map(LOG_LEVELS.map((level, i) => [level, i]));
  const timeUs = new Float64Array(rows.length);
  const level = new Uint8Array(rows.length);
  let lastId = previous?.lastId ?? 0;
  rows.forEach(([id, t, l], i) => {
    timeUs[i] = t;
    level[i] = levelIndex.get(l) ?? 2;
    lastId = Math.max(lastId, id);
  });
  if (!previous) return { timeUs, level, lastId };
  const order = mergedOrder(previous.timeUs, timeUs);
  return { timeUs: pick(Float64Array, order, previous.timeUs, timeUs), level: pick(Uint8Array, order, previous.level, level), lastId };
}

/** Merge order of two ascending arrays: entry k >= 0 takes a[k], a negative one takes b[-k - 1]. */
export function mergedOrder(a: Float64Array, b: Float64Array): Int32Array {
  const order = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < order.length; k++) order[k] = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? i++ : -(j++) - 1;
  return order;
}

type TypedArray = Int32Array | Uint8Array | Float64Array;

function pick<T extends TypedArray>(Kind: { new (length: number): T }, order: Int32Array, a: T, b: T): T {
  const out = new Kind(order.length);
  for (let k = 0; k < order.length; k++) {
    const at = order[k]!;
    out[k] = at >= 0 ? a[at]! : b[-at - 1]!;
  }
  return out;
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
  const endUs = new Float64Array(rows.length);
  const spans = rows.map(([spanId, traceId, parentSpanId, name, start, end, statusCode, thread], i) => {
    startUs[i] = start;
    endUs[i] = end;
    longestUs = Math.max(longestUs, end - start);
    return { spanId, traceId, parentSpanId, name, startUs: start, endUs: end, statusCode, thread };
  });
  return { count: spans.length, span: (i) => spans[i]!, startUs, endUs, longestUs };
}

/** Reads a session's columns, or brings `previous` up to date with what was stored since. */
export function readSessionColumns(db: Db, sessionId: string, previous: SessionColumns | null = null): SessionColumns {
  let spans = previous?.spans ?? null;
  // Spans have no growing id: read them again only when their count changed.
  const spanCount = (db.prepare(`SELECT COUNT(*) AS n FROM spans WHERE session_id = ?`).get(sessionId) as { n: number }).n;
  if (!spans || spans.count !== spanCount) spans = readSpanColumns(db, sessionId);
  return { events: readEventColumns(db, sessionId, previous?.events ?? null), logs: readLogColumns(db, sessionId, previous?.logs ?? null), spans };
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
