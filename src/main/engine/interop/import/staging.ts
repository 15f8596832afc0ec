// An import is written into a staging store (a SQLite file of its own, same schema) and copied
// into the real store in one transaction at the end, so a failed import, even one that fails
// at byte 900 MB, leaves the real store exactly as it was, and a recording that writes to the
// real store meanwhile is never caught in the import's rollback.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../store/store';

/** Tables whose rows are keyed by their session and carry no row id that other rows point to. */
const SESSION_TABLES = ['sessions', 'session_notes', 'threads', 'functions', 'stacks', 'spans'];
/** Tables with an INTEGER PRIMARY KEY `id` nothing points to: copied without it (new ids). */
const ROW_TABLES = ['cpu_chunks', 'logs', 'trace_events', 'heap_samples'];

export class StagingStore {
  private constructor(
    readonly store: Store,
    private readonly path: string,
  ) {}

  /** Opens a fresh staging store beside `main` (or in the temp folder for an in-memory store). */
  static open(main: Store, sessionId: string): StagingStore {
    const path = main.path === ':memory:' ? join(tmpdir(), `parallax-import-${sessionId}.sqlite`) : `${main.path}.import-${sessionId}`;
    removeDatabaseFiles(path);
    // A copy of an empty, migrated store: creating the schema anew costs tens of ms per import.
    writeFileSync(path, emptyStoreTemplate());
    const store = Store.open(path);
    // The staging file is thrown away whatever happens: durability only costs time here.
    store.db.pragma('synchronous = OFF');
    return new StagingStore(store, path);
  }

  /** Copies everything staged for `sessionId` into `main` in one transaction. */
  commitInto(main: Store, sessionId: string): void {
    this.store.close();
    const db = main.db;
    db.prepare('ATTACH DATABASE ? AS staging').run(this.path);
    try {
      db.transaction(() => {
        for (const table of SESSION_TABLES) copyRows(main, table, []);
        for (const table of ROW_TABLES) copyRows(main, table, ['id']);
        copyRows(main, 'metric_series', ['id']);
        db.prepare(
          `INSERT INTO main.metric_points (series_id, ts_us, value)
           SELECT m.id, p.ts_us, p.value FROM staging.metric_points p
           JOIN staging.metric_series s ON s.id = p.series_id
           JOIN main.metric_series m ON m.session_id = s.session_id AND m.name = s.name AND m.labels = s.labels AND m.thread_id = s.thread_id
           WHERE s.session_id = ?`,
        ).run(sessionId);
        copyRows(main, 'heap_snapshots', ['id']);
        db.prepare(
          `INSERT INTO main.snapshot_classes (snapshot_id, name, count, self_size_bytes)
           SELECT m.id, c.name, c.count, c.self_size_bytes FROM staging.snapshot_classes c
           JOIN staging.heap_snapshots s ON s.id = c.snapshot_id
           JOIN main.heap_snapshots m ON m.session_id = s.session_id AND m.file = s.file AND m.started_us = s.started_us
           WHERE s.session_id = ?`,
        ).run(sessionId);
      })();
    } finally {
      db.prepare('DETACH DATABASE staging').run();
    }
  }

  /** Closes and deletes the staging file (after a commit or instead of one). */
  discard(): void {
    if (this.store.db.open) this.store.close();
    removeDatabaseFiles(this.path);
  }
}

let template: Buffer | null = null;

/** The bytes of an empty store of the current schema, made once per process in memory. */
function emptyStoreTemplate(): Buffer {
  if (!template) {
    const store = Store.open(':memory:');
    template = store.db.serialize();
    store.close();
  }
  return template;
}

/** Copies a table's rows from the attached staging store, leaving out `omit` (row ids). */
function copyRows(main: Store, table: string, omit: string[]): void {
  const columns = (main.db.prepare(`SELECT name FROM pragma_table_info(?, 'main')`).all(table) as { name: string }[])
    .map((c) => c.name)
    .filter((name) => !omit.includes(name));
  const list = columns.map((c) => `"${c}"`).join(', ');
  main.db.prepare(`INSERT INTO main."${table}" (${list}) SELECT ${list} FROM staging."${table}"`).run();
}

function removeDatabaseFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}
