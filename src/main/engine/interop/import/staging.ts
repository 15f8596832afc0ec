// An import is written into a staging store (a SQLite file of its own, same schema less the
// read-side indexes) and then copied into the real store in short transactions that yield to the
// event loop between them, so a 1 GB import never holds the engine for more than a few tens of ms.
// The session's rows are copied first, without their session row: nothing reads rows of a session
// that does not exist, so they stay invisible until one last small transaction adds the session
// row and its notes. A failure before that deletes the rows copied so far; a crash leaves the
// staging file behind (its name holds the importer's pid), and the next import in any process
// deletes that import's rows once its process is gone. A recording writing to the real store
// meanwhile is never caught in the import's transactions.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Db } from '../../store/database';
import { Store } from '../../store/store';

/** Indexes only readers use: the staging store is only ever appended to and copied from. */
const READ_INDEXES = [
  'trace_events_by_time',
  'trace_events_by_kind',
  'logs_by_time',
  'logs_by_span',
  'cpu_chunks_by_time',
  'heap_samples_by_time',
  'metric_points_by_series',
  'spans_by_time',
  'spans_by_trace',
  'spans_by_end',
];

/** How long one copy transaction aims to hold the store. */
const TARGET_STEP_MS = 25;
const FIRST_STEP_ROWS = 2000;
const MAX_STEP_ROWS = 500_000;

/** One table's copy: keyset-paged by `key` (rowid, or the part of a WITHOUT ROWID key after session_id). */
interface CopyPlan {
  table: string;
  key: string;
  /** Columns left out (row ids renumbered by main). */
  omit: string[];
  /** WITHOUT ROWID tables are ordered by (session_id, key). */
  bySession: boolean;
  /** Rows of the first step, before their pace is known (CPU chunks are ~1 MB each). */
  firstRows?: number;
}

/** In order: parents before the rows that find them by join (metric series before points). */
const PLANS: CopyPlan[] = [
  { table: 'threads', key: 'id', omit: [], bySession: true },
  { table: 'functions', key: 'id', omit: [], bySession: true },
  { table: 'stacks', key: 'id', omit: [], bySession: true },
  { table: 'spans', key: 'span_id', omit: [], bySession: true },
  { table: 'cpu_chunks', key: 'rowid', omit: ['id'], bySession: false, firstRows: 8 },
  { table: 'logs', key: 'rowid', omit: ['id'], bySession: false },
  { table: 'trace_events', key: 'rowid', omit: ['id'], bySession: false },
  { table: 'heap_samples', key: 'rowid', omit: ['id'], bySession: false },
  { table: 'metric_series', key: 'rowid', omit: ['id'], bySession: false },
  { table: 'heap_snapshots', key: 'rowid', omit: ['id'], bySession: false },
];

/** Tables holding a session's rows, children first; `sessions` itself goes last. */
const SESSION_ROWS = ['session_notes', 'threads', 'functions', 'stacks', 'spans', 'cpu_chunks', 'logs', 'trace_events', 'heap_samples', 'heap_snapshots', 'metric_series'];

let attachments = 0;

export class StagingStore {
  private constructor(
    readonly store: Store,
    readonly path: string,
  ) {}

  /** Opens a fresh staging store beside `main` (or in the temp folder for an in-memory store). */
  static open(main: Store, sessionId: string): StagingStore {
    if (main.path !== ':memory:') sweepLeftovers(main);
    const name = `import-${process.pid}-${sessionId}`;
    const path = main.path === ':memory:' ? join(tmpdir(), `parallax-${name}.sqlite`) : `${main.path}.${name}`;
    removeDatabaseFiles(path);
    // A copy of an empty, migrated store: creating the schema anew costs tens of ms per import.
    writeFileSync(path, emptyStoreTemplate());
    const store = Store.open(path);
    // The staging file is thrown away whatever happens: durability and foreign key checks only
    // cost time here (its one session row is written before any other).
    store.db.pragma('journal_mode = MEMORY');
    store.db.pragma('synchronous = OFF');
    store.db.pragma('foreign_keys = OFF');
    store.db.pragma('locking_mode = EXCLUSIVE');
    store.db.pragma('cache_size = -32768');
    return new StagingStore(store, path);
  }

  /**
   * Copies everything staged for `sessionId` into `main`: the rows in short transactions, then
   * the session row and its notes in one. Throws (having deleted what it copied) on failure.
   */
  async commitInto(main: Store, sessionId: string, pause: () => Promise<void> = nextTurn): Promise<void> {
    this.store.close();
    const db = main.db;
    const alias = `staging_${++attachments}`;
    db.prepare(`ATTACH DATABASE ? AS ${alias}`).run(this.path);
    try {
      try {
        for (const plan of PLANS) await copyTable(db, alias, plan, sessionId, pause);
        await copyPaged(db, new StepPager(), pause, { source: `${alias}.metric_points`, key: 'rowid', where: '1' }, (range) =>
          db
            .prepare(
              `INSERT INTO main.metric_points (series_id, ts_us, value)
               SELECT m.id, p.ts_us, p.value FROM ${alias}.metric_points p
               JOIN ${alias}.metric_series s ON s.id = p.series_id
               JOIN main.metric_series m ON m.session_id = s.session_id AND m.name = s.name AND m.labels = s.labels AND m.thread_id = s.thread_id
               WHERE ${range('p.rowid')}`,
            )
            .run(),
        );
        withoutForeignKeys(db, () =>
          db
            .prepare(
              `INSERT INTO main.snapshot_classes (snapshot_id, name, count, self_size_bytes)
               SELECT m.id, c.name, c.count, c.self_size_bytes FROM ${alias}.snapshot_classes c
               JOIN ${alias}.heap_snapshots s ON s.id = c.snapshot_id
               JOIN main.heap_snapshots m ON m.session_id = s.session_id AND m.file = s.file AND m.started_us = s.started_us`,
            )
            .run(),
        );
        // The session appears, whole, in one transaction.
        db.transaction(() => {
          copyAll(db, alias, 'sessions', []);
          copyAll(db, alias, 'session_notes', []);
        })();
      } catch (error) {
        deleteSessionRows(db, sessionId);
        throw error;
      }
    } finally {
      db.prepare(`DETACH DATABASE ${alias}`).run();
    }
  }

  /** Closes and deletes the staging file (after a commit or instead of one), off the event loop: a GB file takes a while to unlink. */
  async discard(): Promise<void> {
    if (this.store.db.open) this.store.close();
    await Promise.all(DATABASE_FILE_SUFFIXES.map((suffix) => rm(`${this.path}${suffix}`, { force: true })));
  }
}

/** Grows or shrinks the rows per transaction so each takes about TARGET_STEP_MS. */
class StepPager {
  constructor(public rows = FIRST_STEP_ROWS) {}

  /** `copied` rows took `ms`; a step that copied fewer than asked (the last) teaches nothing. */
  measured(copied: number, ms: number): void {
    if (copied < this.rows) return;
    const rate = copied / Math.max(ms, 0.5);
    this.rows = Math.max(1, Math.min(MAX_STEP_ROWS, Math.round(rate * TARGET_STEP_MS), this.rows * 2));
  }
}

async function copyTable(db: Db, alias: string, plan: CopyPlan, sessionId: string, pause: () => Promise<void>): Promise<void> {
  const columns = columnsOf(db, plan.table).filter((name) => !plan.omit.includes(name));
  const list = columns.map((c) => `"${c}"`).join(', ');
  const where = plan.bySession ? `session_id = ${sqlLiteral(sessionId)}` : '1';
  const source = `${alias}."${plan.table}"`;
  await copyPaged(db, new StepPager(plan.firstRows), pause, { source, key: plan.key, where }, (range) =>
    db.prepare(`INSERT INTO main."${plan.table}" (${list}) SELECT ${list} FROM ${source} WHERE ${where} AND ${range(plan.key)}`).run(),
  );
}

/**
 * Runs `insert` over successive ranges of `key` in `source`, each in its own transaction without
 * foreign key checks (the session row comes last), pausing between them.
 */
async function copyPaged(
  db: Db,
  pager: StepPager,
  pause: () => Promise<void>,
  keys: { source: string; key: string; where: string },
  insert: (range: (column: string) => string) => { changes: number },
): Promise<void> {
  const { source, key, where } = keys;
  const first = db.prepare(`SELECT ${key} FROM ${source} WHERE ${where} ORDER BY ${key} LIMIT 1 OFFSET ?`).pluck();
  const next = db.prepare(`SELECT ${key} FROM ${source} WHERE ${where} AND ${key} > ? ORDER BY ${key} LIMIT 1 OFFSET ?`).pluck();
  let from: unknown = null;
  for (;;) {
    const rows = pager.rows;
    const to = (from === null ? first.get(rows - 1) : next.get(from, rows - 1)) as unknown;
    const lower = from;
    const started = performance.now();
    let copied = 0;
    withoutForeignKeys(db, () => {
      copied = insert((column) => {
        const parts: string[] = [];
        if (lower !== null) parts.push(`${column} > ${sqlLiteral(lower)}`);
        if (to !== undefined) parts.push(`${column} <= ${sqlLiteral(to)}`);
        return parts.length > 0 ? parts.join(' AND ') : '1';
      }).changes;
    });
    pager.measured(copied, performance.now() - started);
    if (to === undefined) return;
    from = to;
    await pause();
  }
}

/** Runs `work` in a transaction with foreign key checks off (restored before anything else runs). */
function withoutForeignKeys(db: Db, work: () => void): void {
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(work)();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

function copyAll(db: Db, alias: string, table: string, omit: string[]): void {
  const list = columnsOf(db, table)
    .filter((name) => !omit.includes(name))
    .map((c) => `"${c}"`)
    .join(', ');
  db.prepare(`INSERT INTO main."${table}" (${list}) SELECT ${list} FROM ${alias}."${table}"`).run();
}

function columnsOf(db: Db, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?, 'main')`).all(table) as { name: string }[]).map((c) => c.name);
}

function sqlLiteral(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** Deletes every row of `sessionId` (used when its session row was never written). */
export function deleteSessionRows(db: Db, sessionId: string): void {
  db.transaction(() => {
    db.prepare(`DELETE FROM metric_points WHERE series_id IN (SELECT id FROM metric_series WHERE session_id = ?)`).run(sessionId);
    db.prepare(`DELETE FROM snapshot_classes WHERE snapshot_id IN (SELECT id FROM heap_snapshots WHERE session_id = ?)`).run(sessionId);
    for (const table of SESSION_ROWS) db.prepare(`DELETE FROM "${table}" WHERE session_id = ?`).run(sessionId);
    db.prepare(`DELETE FROM sessions WHERE id = ?`).run(sessionId);
  })();
}

/**
 * Staging files left by an importer that died (its pid is gone): their session rows were never
 * committed, so the rows copied before the crash are deleted along with the file.
 */
function sweepLeftovers(main: Store): void {
  const prefix = `${basename(main.path)}.import-`;
  let names: string[];
  try {
    names = readdirSync(dirname(main.path));
  } catch {
    return;
  }
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)-([0-9a-f-]{36})$/.exec(name.slice(prefix.length)) : null;
    if (!match || isAlive(Number(match[1]))) continue;
    const sessionId = match[2]!;
    const committed = main.db.prepare('SELECT 1 FROM sessions WHERE id = ?').get(sessionId) !== undefined;
    if (!committed) deleteSessionRows(main.db, sessionId);
    removeDatabaseFiles(join(dirname(main.path), name));
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let template: Buffer | null = null;

/** The bytes of an empty store of the current schema without its read-side indexes, made once per process. */
function emptyStoreTemplate(): Buffer {
  if (!template) {
    const store = Store.open(':memory:');
    for (const index of READ_INDEXES) store.db.exec(`DROP INDEX IF EXISTS "${index}"`);
    template = store.db.serialize();
    store.close();
  }
  return template;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const DATABASE_FILE_SUFFIXES = ['', '-wal', '-shm', '-journal'];

function removeDatabaseFiles(path: string): void {
  for (const suffix of DATABASE_FILE_SUFFIXES) rmSync(`${path}${suffix}`, { force: true });
}
