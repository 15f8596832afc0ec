// The timeline's non-CPU tracks for a window: trace events, spans and logs sized by pixel columns, and captures.
import type { LogLevel, TimeRange } from '../../../shared/domain';
import type { TimelineCapture, TimelineEventBuckets, TimelineLog, TimelineLogBuckets, TimelineSpan } from '../../../shared/timeline';
import type { Db } from '../store/database';
import { EVENT_KINDS, type EventColumns, firstIndexPast, type LogColumns, type SpanColumns } from './timeline-columns';

/** A window cut into pixel columns of resolutionUs each. */
export interface ColumnWindow {
  range: TimeRange;
  resolutionUs: number;
  widthPx: number;
}

/** Up to this many logs in a window are sent one by one; more become per-column counts. */
export const LOG_RECORD_LIMIT = 2000;
/** Up to this many spans in a window are sent whatever their width; more keep only the wide ones. */
export const SPAN_RECORD_LIMIT = 4000;
const LOG_TEXT_CHARS = 160;

/** Trace events per thread, kind and pixel column; an event alone in its column keeps its own times. */
export function eventBuckets(events: EventColumns, window: ColumnWindow, threadIds: ReadonlySet<number> | null): TimelineEventBuckets {
  const { range, resolutionUs } = window;
  const first = firstIndexPast(events.startUs, range.fromUs - events.longestUs, false);
  const end = firstIndexPast(events.startUs, range.toUs, true);
  const threadId: number[] = [];
  const kind: number[] = [];
  const name: number[] = [];
  const startUs: number[] = [];
  const endUs: number[] = [];
  const count: number[] = [];
  const names: string[] = [];
  // The session's name index -> the answer's, so the answer carries only the names it uses.
  const nameIndex = new Map<number, number>();
  // Events come in time order, so each (thread, kind) has one bucket open: the newest.
  const open = new Map<number, { bucket: number; column: number }>();
  for (let i = first; i < end; i++) {
    const eventEndUs = events.endUs[i]!;
    if (eventEndUs < range.fromUs) continue;
    const thread = events.threadId[i]!;
    if (threadIds && !threadIds.has(thread)) continue;
    const eventStartUs = events.startUs[i]!;
    const column = Math.floor((eventStartUs - range.fromUs) / resolutionUs);
    const key = thread * EVENT_KINDS.length + events.kind[i]!;
    const current = open.get(key);
    if (current && current.column === column) {
      count[current.bucket]!++;
      if (eventEndUs > endUs[current.bucket]!) endUs[current.bucket] = eventEndUs;
      continue;
    }
    let index = nameIndex.get(events.name[i]!);
    if (index === undefined) {
      index = names.length;
      names.push(events.names[events.name[i]!]!);
      nameIndex.set(events.name[i]!, index);
    }
    open.set(key, { bucket: count.length, column });
    threadId.push(thread);
    kind.push(events.kind[i]!);
    name.push(index);
    startUs.push(eventStartUs);
    endUs.push(eventEndUs);
    count.push(1);
  }
  return {
    threadId: Int32Array.from(threadId),
    kind: Uint8Array.from(kind),
    name: Int32Array.from(name),
    startUs: Float64Array.from(startUs),
    endUs: Float64Array.from(endUs),
    count: Int32Array.from(count),
    names,
  };
}

/**
 * Spans overlapping the window: all of them when few, else the widest ones at least a column
 * wide (up to the limit). Density counts every span's start per column either way.
 */
export function spansOfWindow(columns: SpanColumns, window: ColumnWindow): { spans: TimelineSpan[]; omitted: number; density: Int32Array } {
  const { range, resolutionUs, widthPx } = window;
  const first = firstIndexPast(columns.startUs, range.fromUs - columns.longestUs, false);
  const end = firstIndexPast(columns.startUs, range.toUs, true);
  const { startUs, endUs } = columns;
  let overlapping: number[] = [];
  for (let i = first; i < end; i++) if (endUs[i]! >= range.fromUs) overlapping.push(i);
  const total = overlapping.length;
  if (total > SPAN_RECORD_LIMIT) {
    overlapping = overlapping
      .filter((i) => endUs[i]! - startUs[i]! >= resolutionUs)
      .sort((a, b) => endUs[b]! - startUs[b]! - (endUs[a]! - startUs[a]!))
      .slice(0, SPAN_RECORD_LIMIT)
      .sort((a, b) => startUs[a]! - startUs[b]! || endUs[b]! - endUs[a]!);
  }
  const density = new Int32Array(widthPx);
  for (let i = firstIndexPast(columns.startUs, range.fromUs, false); i < end; i++) {
    const column = Math.floor((columns.startUs[i]! - range.fromUs) / resolutionUs);
    if (column >= 0 && column < widthPx) density[column]!++;
  }
  return { spans: overlapping.map((i) => columns.span(i)), omitted: total - overlapping.length, density };
}

/** Logs of the window one by one when few (read from the store), else counts per column and level. */
export function logsOfWindow(
  db: Db,
  sessionId: string,
  columns: LogColumns,
  window: ColumnWindow,
): { logs: TimelineLog[] | null; buckets: TimelineLogBuckets | null; count: number } {
  const { range, resolutionUs } = window;
  const first = firstIndexPast(columns.timeUs, range.fromUs, false);
  const end = firstIndexPast(columns.timeUs, range.toUs, true);
  const count = end - first;
  if (count <= LOG_RECORD_LIMIT) {
    const rows = db
      .prepare(
        `SELECT id, ts_us, level, thread_id, substr(text, 1, ${LOG_TEXT_CHARS * 2}), span_id FROM logs
         WHERE session_id = ? AND ts_us BETWEEN ? AND ? ORDER BY ts_us, id`,
      )
      .raw()
      .all(sessionId, range.fromUs, range.toUs) as [number, number, LogLevel, number, string, string | null][];
    const logs = rows.map(([id, timeUs, level, threadId, text, spanId]) => ({ id, timeUs, level, threadId, text: firstLine(text), spanId }));
    return { logs, buckets: null, count: logs.length };
  }
  const startUs: number[] = [];
  const levels: number[] = [];
  const counts: number[] = [];
  // Per level, the open bucket (index) and its column.
  const open = new Map<number, { bucket: number; column: number }>();
  for (let i = first; i < end; i++) {
    const timeUs = columns.timeUs[i]!;
    const level = columns.level[i]!;
    const column = Math.floor((timeUs - range.fromUs) / resolutionUs);
    const current = open.get(level);
    if (current && current.column === column) {
      counts[current.bucket]!++;
      continue;
    }
    open.set(level, { bucket: counts.length, column });
    startUs.push(timeUs);
    levels.push(level);
    counts.push(1);
  }
  const buckets = { startUs: Float64Array.from(startUs), level: Uint8Array.from(levels), count: Int32Array.from(counts) };
  return { logs: null, buckets, count };
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > LOG_TEXT_CHARS ? `${line.slice(0, LOG_TEXT_CHARS - 1)}…` : line;
}

/** Samples further apart than this start a new CPU profile segment. */
const SEGMENT_GAP_US = 2_000_000;

/** CPU profile segments, heap-sampling reads and heap snapshots overlapping the window. */
export function capturesOfWindow(db: Db, sessionId: string, range: TimeRange): TimelineCapture[] {
  const captures: TimelineCapture[] = [];
  const chunks = db
    .prepare(`SELECT thread_id, start_us, end_us, sample_count FROM cpu_chunks WHERE session_id = ? AND end_us >= ? AND start_us <= ? ORDER BY thread_id, start_us`)
    .raw()
    .all(sessionId, range.fromUs, range.toUs) as [number, number, number, number][];
  let open: { threadId: number; startUs: number; endUs: number; samples: number } | null = null;
  const closeSegment = (): void => {
    if (!open) return;
    captures.push({ kind: 'cpu-profile', threadId: open.threadId, startUs: open.startUs, endUs: open.endUs, snapshotId: null, label: `CPU profile, ${open.samples.toLocaleString('en-US')} samples` });
  };
  for (const [threadId, startUs, endUs, samples] of chunks) {
    if (open && open.threadId === threadId && startUs - open.endUs <= SEGMENT_GAP_US) {
      open.endUs = Math.max(open.endUs, endUs);
      open.samples += samples;
    } else {
      closeSegment();
      open = { threadId, startUs, endUs, samples };
    }
  }
  closeSegment();

  const reads = db
    .prepare(
      `SELECT thread_id, captured_us, SUM(self_size_bytes), SUM(sample_count) FROM heap_samples WHERE session_id = ? AND captured_us BETWEEN ? AND ?
       GROUP BY thread_id, captured_us ORDER BY thread_id, captured_us`,
    )
    .raw()
    .all(sessionId, range.fromUs, range.toUs) as [number, number, number, number][];
  for (const [threadId, capturedUs, bytes, samples] of reads) {
    const kib = Math.round(bytes / 1024).toLocaleString('en-US');
    captures.push({ kind: 'heap-sampling', threadId, startUs: capturedUs, endUs: capturedUs, snapshotId: null, label: `Heap sampling read: ${kib} KiB in ${samples} samples` });
  }

  const snapshots = db
    .prepare(
      `SELECT id, thread_id, started_us, ended_us, size_bytes, status FROM heap_snapshots
       WHERE session_id = ? AND started_us <= ? AND COALESCE(ended_us, started_us) >= ?`,
    )
    .raw()
    .all(sessionId, range.toUs, range.fromUs) as [number, number, number, number | null, number, string][];
  for (const [id, threadId, startedUs, endedUs, sizeBytes, status] of snapshots) {
    const mib = (sizeBytes / 1048576).toFixed(1);
    captures.push({ kind: 'heap-snapshot', threadId, startUs: startedUs, endUs: endedUs ?? startedUs, snapshotId: id, label: `Heap snapshot #${id} (${status}, ${mib} MiB)` });
  }
  return captures.sort((a, b) => a.startUs - b.startUs);
}

/** The first and last time any signal of the session has, within its recorded span. */
export function sessionExtent(db: Db, sessionId: string): TimeRange | null {
  const row = db
    .prepare(
      `SELECT
        (SELECT started_us FROM sessions WHERE id = @s) AS started,
        (SELECT ended_us FROM sessions WHERE id = @s) AS ended,
        (SELECT MAX(end_us) FROM cpu_chunks WHERE session_id = @s) AS cpu,
        (SELECT MAX(ts_us) FROM logs WHERE session_id = @s) AS logs,
        (SELECT MAX(end_us) FROM spans WHERE session_id = @s) AS spans,
        (SELECT MAX(ts_us) FROM trace_events WHERE session_id = @s) AS events`,
    )
    .get({ s: sessionId }) as { started: number | null; ended: number | null; cpu: number | null; logs: number | null; spans: number | null; events: number | null };
  if (row.started === null) return null;
  const last = Math.max(row.started, row.ended ?? 0, row.cpu ?? 0, row.logs ?? 0, row.spans ?? 0, row.events ?? 0);
  return { fromUs: row.started, toUs: Math.max(last, row.started + 1) };
}
