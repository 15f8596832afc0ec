// Every session-scoped table a bundle carries, enumerated once. A table added by a later migration
// is one more line here (mark it `optional` while older stores may lack it).
import type { Db } from '../store/database';
import type { BlobLayout } from './columns';
import type { RedactionRule } from './redaction';

export interface BundleTable {
  name: string;
  /** The column holding the session id (`id` for the sessions table itself). */
  sessionColumn?: string;
  /** Rows that belong to the session through a parent table's renumbered id. */
  parent?: { table: string; column: string };
  /** An INTEGER PRIMARY KEY that import renumbers (children follow through `parent`). */
  rowid?: string;
  /** Element layout of blob columns, so their bytes compress well. */
  blobs?: Record<string, BlobLayout>;
  /** Text columns holding JSON, and the shape they must have. */
  json?: Record<string, 'object' | 'array'>;
  /** How export redacts a column (by default, unless the person opts out). */
  redact?: Record<string, RedactionRule>;
  /** Added by a later migration: carried when the store has it. */
  optional?: boolean;
}

export const BUNDLE_TABLES: readonly BundleTable[] = [
  {
    name: 'sessions',
    sessionColumn: 'id',
    json: { signals: 'array' },
    redact: { target_title: 'command-line', attached_via: 'command-line', status_detail: 'text' },
  },
  { name: 'session_notes', sessionColumn: 'session_id', redact: { value: 'command-line' } },
  { name: 'threads', sessionColumn: 'session_id' },
  { name: 'functions', sessionColumn: 'session_id' },
  { name: 'stacks', sessionColumn: 'session_id' },
  { name: 'cpu_chunks', sessionColumn: 'session_id', rowid: 'id', blobs: { times: 'float64', stacks: 'int32' } },
  { name: 'logs', sessionColumn: 'session_id', rowid: 'id', json: { attributes: 'object' }, redact: { text: 'text', attributes: 'attributes' } },
  { name: 'metric_series', sessionColumn: 'session_id', rowid: 'id', json: { labels: 'object' }, redact: { labels: 'attributes' } },
  { name: 'metric_points', parent: { table: 'metric_series', column: 'series_id' } },
  { name: 'heap_samples', sessionColumn: 'session_id', rowid: 'id' },
  { name: 'heap_snapshots', sessionColumn: 'session_id', rowid: 'id' },
  { name: 'snapshot_classes', parent: { table: 'heap_snapshots', column: 'snapshot_id' } },
  { name: 'trace_events', sessionColumn: 'session_id', rowid: 'id', json: { args: 'object' }, redact: { args: 'attributes', name: 'text' } },
  {
    name: 'spans',
    sessionColumn: 'session_id',
    json: { attributes: 'object', resource: 'object' },
    redact: { attributes: 'attributes', resource: 'attributes', name: 'text', status_message: 'text' },
  },
  // Source maps a session used (added by schema 3 on another line of work); carried when present.
  { name: 'source_maps', sessionColumn: 'session_id', optional: true, redact: {} },
];

export function bundleTable(name: string): BundleTable | undefined {
  return BUNDLE_TABLES.find((t) => t.name === name);
}

export interface StoreColumn {
  name: string;
  /** Declared SQL type, upper case ('INTEGER', 'TEXT', ...). */
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  /** Position in the primary key (0 when not part of it). */
  pk: number;
}

/** The table's columns as this store declares them, or null when the store has no such table. */
export function storeColumns(db: Db, table: string): StoreColumn[] | null {
  const rows = db.prepare(`SELECT name, type, "notnull" AS not_null, dflt_value AS dflt, pk FROM pragma_table_info(?)`).all(table) as {
    name: string;
    type: string;
    not_null: number;
    dflt: string | null;
    pk: number;
  }[];
  if (rows.length === 0) return null;
  return rows.map((r) => ({ name: r.name, type: r.type.toUpperCase(), notNull: r.not_null === 1, hasDefault: r.dflt !== null, pk: r.pk }));
}

/** Tables of this store that bundles carry, with their columns. */
export function presentTables(db: Db): { table: BundleTable; columns: StoreColumn[] }[] {
  const present: { table: BundleTable; columns: StoreColumn[] }[] = [];
  for (const table of BUNDLE_TABLES) {
    const columns = storeColumns(db, table.name);
    if (columns) present.push({ table, columns });
    else if (!table.optional) throw new Error(`The store has no ${table.name} table`);
  }
  return present;
}

/** True for tables declared WITHOUT ROWID (they have no rowid to order by). */
export function withoutRowid(db: Db, table: string): boolean {
  const row = db.prepare(`SELECT wr FROM pragma_table_list WHERE name = ? AND schema = 'main'`).get(table) as { wr: number } | undefined;
  return row?.wr === 1;
}
