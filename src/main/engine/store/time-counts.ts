// Counts of timed rows in a window from per-second counts kept in memory: whole seconds inside the
// window add up from prefix sums, only the two partial seconds at its edges are counted by SQLite.
// Counting a million trace events by kind row by row took over a second; this takes a few ms.
// Rows are append-only while a session exists, so the counts only grow by rows with higher ids.
// Building the per-second counts groups every row of the session (over a second at a million rows),
// so a session's first questions are counted by SQLite directly on the time index (a narrow
// window's count takes a millisecond); the counts are built only once direct counts of the session
// have taken, together, about as long as building them would (wide windows asked again and again).
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';
import { SessionDigests } from './session-digests';
import { firstIndexAtOrAfter } from '../../../shared/sorted-search';

const BUCKET_US = 1_000_000;
const SESSIONS_KEPT = 8;
const ALL = '';
/** Time spent counting a session directly after which its per-second counts are built. */
const DIRECT_COUNT_MS = 400;

interface Series {
  /** bucket index -> rows; folded into the sorted columns when a count needs them. */
  counts: Map<number, number>;
  dirty: boolean;
  buckets: Float64Array;
  /** prefix[i] = rows in buckets[0..i). */
  prefix: Float64Array;
}

interface SessionCounts {
  byKey: Map<string, Series>;
  lastId: number;
  /** The table's highest id when last brought up to date. */
  seenMaxId: number;
}

export class TimeCounts {
  private readonly sessions = new Map<string, SessionCounts>();
  /** Sessions whose kept counts were looked for and not found (see keep). */
  private readonly undigested = new Set<string>();
  private readonly digests: SessionDigests;
  private readonly digestKind: string;
  /** Time spent counting each session directly; Infinity once its per-second counts are worth building. */
  private readonly directMs = new Map<string, number>();
  private readonly direct: Statement;
  private readonly directOfKey: Statement | null;
  private readonly maxId: Statement;
  private readonly grouped: Statement;
  private readonly after: Statement;
  private readonly edge: Statement;
  private readonly edgeOfKey: Statement | null;

  /**
   * `table` has an integer primary key `id`, `session_id`, `ts_us` and optionally a key column (e.g. kind).
   * Once direct counts of a session took more than `directCountMs` in all, it switches to per-second counts.
   */
  constructor(
    db: Db,
    table: string,
    keyColumn?: string,
    private readonly directCountMs = DIRECT_COUNT_MS,
  ) {
    const key = keyColumn ?? `''`;
    this.digests = new SessionDigests(db);
    this.digestKind = `counts:${table}`;
    this.maxId = db.prepare(`SELECT max(id) FROM ${table}`).pluck();
    this.grouped = db
      .prepare(`SELECT ${key}, ts_us / ${BUCKET_US}, count(*), max(id) FROM ${table} WHERE session_id = ? GROUP BY 1, 2`)
      .raw();
    // The unary + keeps SQLite on the rowid range rather than scanning the session's index.
    this.after = db.prepare(`SELECT id, ${key}, ts_us FROM ${table} WHERE id > ? AND +session_id = ?`).raw();
    this.edge = db.prepare(`SELECT count(*) FROM ${table} WHERE session_id = ? AND ts_us BETWEEN ? AND ?`).pluck();
    this.edgeOfKey = keyColumn
      ? db.prepare(`SELECT count(*) FROM ${table} WHERE session_id = ? AND ${keyColumn} = ? AND ts_us BETWEEN ? AND ?`).pluck()
      : null;
    this.direct = db.prepare(`SELECT count(*) FROM ${table} WHERE session_id = ?`).pluck();
    this.directOfKey = keyColumn ? db.prepare(`SELECT count(*) FROM ${table} WHERE session_id = ? AND ${keyColumn} = ?`).pluck() : null;
  }

  /** Rows with fromUs <= ts_us <= toUs (all of the session's without a range), of one key or all. */
  count(sessionId: string, range?: { fromUs: number; toUs: number }, key?: string): number {
    if (!this.sessions.has(sessionId) && !this.readKept(sessionId) && (this.directMs.get(sessionId) ?? 0) <= this.directCountMs) {
      return this.countDirectly(sessionId, range, key);
    }
    const series = this.refresh(sessionId).byKey.get(key ?? ALL);
    if (!series) return 0;
    const { buckets, prefix } = sorted(series);
    if (!range) return prefix[buckets.length]!;
    if (!(range.toUs >= range.fromUs)) return 0;
    const exact = (fromUs: number, toUs: number): number =>
      (key !== undefined && this.edgeOfKey ? this.edgeOfKey.get(sessionId, key, fromUs, toUs) : this.edge.get(sessionId, fromUs, toUs)) as number;
    const first = Math.floor(range.fromUs / BUCKET_US);
    const last = Math.floor(range.toUs / BUCKET_US);
    if (last - first < 2) return exact(range.fromUs, range.toUs);
    const whole = prefix[firstIndexAtOrAfter(buckets, last)]! - prefix[firstIndexAtOrAfter(buckets, first + 1)]!;
    return exact(range.fromUs, (first + 1) * BUCKET_US - 1e-3) + whole + exact(last * BUCKET_US, range.toUs);
  }

  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.directMs.delete(sessionId);
    this.undigested.delete(sessionId);
  }

  /** Builds an ended session's per-second counts now and keeps them, so no later process groups its rows again. */
  keep(sessionId: string): void {
    const basis = this.digests.endBasis(sessionId);
    if (basis === null) return;
    const session = this.refresh(sessionId);
    const keys = [...session.byKey.keys()];
    const columns = keys.flatMap((key) => {
      const series = sorted(session.byKey.get(key)!);
      return [series.buckets, Float64Array.from(series.buckets, (bucket) => series.counts.get(bucket)!)];
    });
    this.digests.put(sessionId, this.digestKind, basis, { meta: { lastId: session.lastId, keys }, columns });
  }

  /** Takes the session's kept per-second counts when it has them (once looked for, not again). */
  private readKept(sessionId: string): boolean {
    if (this.undigested.has(sessionId)) return false;
    const basis = this.digests.endBasis(sessionId);
    const digest = basis === null ? null : this.digests.get(sessionId, this.digestKind, basis);
    const meta = digest?.meta as { lastId?: unknown; keys?: unknown } | undefined;
    const keys = meta?.keys;
    if (!digest || typeof meta?.lastId !== 'number' || !Array.isArray(keys) || digest.columns.length !== keys.length * 2) {
      if (this.undigested.size >= SESSIONS_KEPT * 4) this.undigested.clear();
      this.undigested.add(sessionId);
      return false;
    }
    const session: SessionCounts = { byKey: new Map(), lastId: meta.lastId, seenMaxId: (this.maxId.get() as number | null) ?? 0 };
    keys.forEach((key, k) => {
      const buckets = digest.columns[k * 2]!;
      const counts = digest.columns[k * 2 + 1]!;
      const series: Series = { counts: new Map(), dirty: true, buckets: new Float64Array(0), prefix: new Float64Array(1) };
      for (let i = 0; i < buckets.length && i < counts.length; i++) series.counts.set(buckets[i]!, counts[i]!);
      session.byKey.set(String(key), series);
    });
    this.sessions.set(sessionId, session);
    if (this.sessions.size > SESSIONS_KEPT) this.sessions.delete(this.sessions.keys().next().value!);
    return true;
  }

  private countDirectly(sessionId: string, range: { fromUs: number; toUs: number } | undefined, key: string | undefined): number {
    if (range && !(range.toUs >= range.fromUs)) return 0;
    const startedMs = performance.now();
    const keyed = key !== undefined && this.edgeOfKey && this.directOfKey;
    const n = (
      range
        ? keyed
          ? this.edgeOfKey!.get(sessionId, key, range.fromUs, range.toUs)
          : this.edge.get(sessionId, range.fromUs, range.toUs)
        : keyed
          ? this.directOfKey!.get(sessionId, key)
          : this.direct.get(sessionId)
    ) as number;
    const spentMs = (this.directMs.get(sessionId) ?? 0) + performance.now() - startedMs;
    this.directMs.delete(sessionId);
    this.directMs.set(sessionId, spentMs);
    if (this.directMs.size > SESSIONS_KEPT) this.directMs.delete(this.directMs.keys().next().value!);
    return n;
  }

  private refresh(sessionId: string): SessionCounts {
    const maxId = (this.maxId.get() as number | null) ?? 0;
    let session = this.sessions.get(sessionId);
    if (session) this.sessions.delete(sessionId);
    if (!session) {
      session = { byKey: new Map(), lastId: 0, seenMaxId: maxId };
      for (const [key, bucket, n, id] of this.grouped.all(sessionId) as [string, number, number, number][]) {
        add(session, String(key), Math.floor(bucket), n);
        session.lastId = Math.max(session.lastId, id);
      }
    } else if (maxId !== session.seenMaxId) {
      for (const [id, key, ts] of this.after.all(session.lastId, sessionId) as [number, string, number][]) {
        add(session, String(key), Math.floor(ts / BUCKET_US), 1);
        session.lastId = Math.max(session.lastId, id);
      }
      session.seenMaxId = maxId;
    }
    this.sessions.set(sessionId, session);
    if (this.sessions.size > SESSIONS_KEPT) this.sessions.delete(this.sessions.keys().next().value!);
    return session;
  }
}

function add(session: SessionCounts, key: string, bucket: number, n: number): void {
  for (const k of key === ALL ? [ALL] : [key, ALL]) {
    let series = session.byKey.get(k);
    if (!series) session.byKey.set(k, (series = { counts: new Map(), dirty: true, buckets: new Float64Array(0), prefix: new Float64Array(1) }));
    series.counts.set(bucket, (series.counts.get(bucket) ?? 0) + n);
    series.dirty = true;
  }
}

function sorted(series: Series): Series {
  if (!series.dirty) return series;
  series.buckets = Float64Array.from(series.counts.keys()).sort();
  series.prefix = new Float64Array(series.buckets.length + 1);
  for (let i = 0; i < series.buckets.length; i++) series.prefix[i + 1] = series.prefix[i]! + series.counts.get(series.buckets[i]!)!;
  series.dirty = false;
  return series;
}

