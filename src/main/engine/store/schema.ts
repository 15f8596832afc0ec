// The store's schema as forward-only migrations; PRAGMA user_version records how far a file got.

export const migrations: readonly string[] = [
  // 1: sessions, CPU samples in packed chunks, logs, runtime metrics.
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    started_us INTEGER NOT NULL,
    ended_us INTEGER,
    status TEXT NOT NULL,
    status_detail TEXT,
    target_pid INTEGER,
    target_node_version TEXT,
    target_title TEXT,
    attached_via TEXT NOT NULL,
    signals TEXT NOT NULL,
    interval_us INTEGER NOT NULL,
    recorder_pid INTEGER
  );
  CREATE TABLE functions (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    line INTEGER NOT NULL,
    col INTEGER NOT NULL,
    PRIMARY KEY (session_id, id)
  ) WITHOUT ROWID;
  CREATE TABLE stacks (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    parent_id INTEGER NOT NULL,
    function_id INTEGER NOT NULL,
    PRIMARY KEY (session_id, id)
  ) WITHOUT ROWID;
  CREATE TABLE cpu_chunks (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    thread_id INTEGER NOT NULL,
    start_us INTEGER NOT NULL,
    end_us INTEGER NOT NULL,
    sample_count INTEGER NOT NULL,
    times BLOB NOT NULL,
    stacks BLOB NOT NULL
  );
  CREATE INDEX cpu_chunks_by_time ON cpu_chunks(session_id, start_us);
  CREATE TABLE logs (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    ts_us INTEGER NOT NULL,
    level TEXT NOT NULL,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    url TEXT,
    line INTEGER
  );
  CREATE INDEX logs_by_time ON logs(session_id, ts_us);
  CREATE TABLE metric_series (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    UNIQUE (session_id, name)
  );
  CREATE TABLE metric_points (
    series_id INTEGER NOT NULL REFERENCES metric_series(id) ON DELETE CASCADE,
    ts_us INTEGER NOT NULL,
    value REAL NOT NULL
  );
  CREATE INDEX metric_points_by_series ON metric_points(series_id, ts_us);
  `,
];

export const SCHEMA_VERSION = migrations.length;
