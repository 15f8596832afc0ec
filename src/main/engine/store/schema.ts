// The store's schema as forward-only migrations; PRAGMA user_version records how far a file got.
// Migrations run with foreign keys off, so a table can be rebuilt (SQLite's way to change constraints).

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
  // 2: threads, heap, trace events, spans; OTel fields on logs; typed, labelled metric series.
  `
  CREATE TABLE threads (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    started_us INTEGER,
    ended_us INTEGER,
    PRIMARY KEY (session_id, id)
  ) WITHOUT ROWID;
  CREATE TABLE heap_samples (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    thread_id INTEGER NOT NULL,
    captured_us INTEGER NOT NULL,
    stack_id INTEGER NOT NULL,
    self_size_bytes INTEGER NOT NULL,
    sample_count INTEGER NOT NULL
  );
  CREATE INDEX heap_samples_by_time ON heap_samples(session_id, captured_us);
  CREATE TABLE heap_snapshots (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    thread_id INTEGER NOT NULL,
    started_us INTEGER NOT NULL,
    ended_us INTEGER,
    file TEXT NOT NULL,
    size_bytes INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    detail TEXT
  );
  CREATE TABLE snapshot_classes (
    snapshot_id INTEGER NOT NULL REFERENCES heap_snapshots(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    count INTEGER NOT NULL,
    self_size_bytes INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, name)
  ) WITHOUT ROWID;
  CREATE TABLE trace_events (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    thread_id INTEGER NOT NULL,
    ts_us INTEGER NOT NULL,
    dur_us INTEGER,
    ph TEXT NOT NULL,
    cat TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    args TEXT
  );
  CREATE INDEX trace_events_by_time ON trace_events(session_id, ts_us);
  CREATE TABLE spans (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_span_id TEXT,
    name TEXT NOT NULL,
    kind INTEGER NOT NULL,
    start_us INTEGER NOT NULL,
    end_us INTEGER NOT NULL,
    status_code INTEGER NOT NULL,
    status_message TEXT,
    thread_id INTEGER,
    source TEXT NOT NULL,
    attributes TEXT NOT NULL,
    resource TEXT NOT NULL,
    scope TEXT,
    PRIMARY KEY (session_id, span_id)
  ) WITHOUT ROWID;
  CREATE INDEX spans_by_time ON spans(session_id, start_us);
  CREATE INDEX spans_by_trace ON spans(session_id, trace_id);
  ALTER TABLE logs ADD COLUMN thread_id INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE logs ADD COLUMN severity_number INTEGER;
  ALTER TABLE logs ADD COLUMN trace_id TEXT;
  ALTER TABLE logs ADD COLUMN span_id TEXT;
  ALTER TABLE logs ADD COLUMN attributes TEXT;
  CREATE INDEX logs_by_span ON logs(session_id, span_id);
  CREATE TABLE metric_series_new (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'gauge',
    labels TEXT NOT NULL DEFAULT '{}',
    source TEXT NOT NULL DEFAULT 'runtime',
    thread_id INTEGER NOT NULL DEFAULT 0,
    UNIQUE (session_id, name, labels, thread_id)
  );
  INSERT INTO metric_series_new (id, session_id, name, unit) SELECT id, session_id, name, unit FROM metric_series;
  DROP TABLE metric_series;
  ALTER TABLE metric_series_new RENAME TO metric_series;
  CREATE TABLE session_notes (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (session_id, key)
  ) WITHOUT ROWID;
  `,
  // 3: source maps of the scripts a session's CPU profile ran, so frames resolve to original sources.
  `
  CREATE TABLE source_maps (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    map_url TEXT NOT NULL,
    map_json TEXT NOT NULL,
    PRIMARY KEY (session_id, url)
  ) WITHOUT ROWID;
  `,
  // 4: trace events by kind and time, so counts by kind (GC in a window) read the index alone;
  // spans by end, so the spans overlapping a window count from two index ranges.
  `
  CREATE INDEX trace_events_by_kind ON trace_events(session_id, kind, ts_us);
  CREATE INDEX spans_by_end ON spans(session_id, end_us);
  `,
  // 5: what questions derive from a session's rows, kept once computed (timeline columns, stack
  // columns, per-chunk CPU self times), so a store opened again answers without re-reading every row.
  // Derived only: bundles do not carry it, and a session without it answers from its rows.
  `
  CREATE TABLE session_digests (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    basis TEXT NOT NULL,
    data BLOB NOT NULL,
    UNIQUE (session_id, kind)
  );
  `,
  // 6: logs by span only where a log has one. Most logs have none, and every insert of a random
  // span id into the full index landed in a random page: the index was most of a log insert's cost.
  // Lookups by span id (span_id = ...) imply IS NOT NULL, so they use it as before.
  `
  DROP INDEX logs_by_span;
  CREATE INDEX logs_by_span ON logs(session_id, span_id) WHERE span_id IS NOT NULL;
  `,
];

export const SCHEMA_VERSION = migrations.length;
