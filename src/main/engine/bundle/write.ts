// Writes a validated bundle's tables under a new session id, in one transaction. Everything the
// database's constraints would check has been checked by validation already (types, NOT NULL, keys,
// every reference), and the ids that tie rows together are the ones written here, so the insert
// runs without per-row foreign-key lookups and without a statement journal: those were most of its
// cost. Any failure still rolls the whole transaction back.
import { join } from 'node:path';
import { snapshotFolder } from '../capture/heap';
import type { Store } from '../store/store';
import { type Cell, ColumnKind } from './columns';
import { BUNDLE_TABLES } from './tables';
import type { CheckedTable } from './validate';

/** Rows per multi-row INSERT: one statement call binds this many rows (kept under SQLite's bound-parameter limit). */
const INSERT_BATCH_ROWS = 128;
const MAX_BOUND_PARAMETERS = 32_000;
type Statement = ReturnType<Store['db']['prepare']>;

/** Where each bound value comes from: the bundle as is, or rewritten for this store. */
const enum Source {
  Plain,
  Nulls,
  Parent,
  File,
}

/** Writes every checked table under `sessionId` in one transaction, renumbering row ids. */
export function writeTables(store: Store, tables: Map<string, CheckedTable>, sessionId: string): void {
  // The id is written into the statements' text (one bound string less per row): it must be ours.
  if (!/^[0-9a-f-]{36}$/.test(sessionId)) throw new Error(`Not a session id: ${sessionId}`);
  const db = store.db;
  // Foreign keys can only be switched outside a transaction; inside one (an outer caller's) they
  // stay as they are and the rows are still written correctly, only slower.
  const suspendKeys = !db.inTransaction && db.pragma('foreign_keys', { simple: true }) === 1;
  if (suspendKeys) db.pragma('foreign_keys = OFF');
  try {
    store.transaction(() => {
      const newIds = new Map<string, Map<number, number>>();
      for (const spec of BUNDLE_TABLES) {
        const table = tables.get(spec.name);
        if (table) writeTable(store, table, sessionId, newIds);
      }
    });
  } finally {
    if (suspendKeys) db.pragma('foreign_keys = ON');
  }
}

const PARENTS = new Set(BUNDLE_TABLES.flatMap((t) => (t.parent ? [t.parent.table] : [])));

function writeTable(store: Store, table: CheckedTable, sessionId: string, newIds: Map<string, Map<number, number>>): void {
  const spec = table.spec;
  const rowidIndex = spec.rowid ? table.names.indexOf(spec.rowid) : -1;
  const sessionIndex = spec.sessionColumn ? table.names.indexOf(spec.sessionColumn) : -1;
  const parentIndex = spec.parent ? table.names.indexOf(spec.parent.column) : -1;
  const parentIds = spec.parent ? newIds.get(spec.parent.table)! : null;
  const fileIndex = spec.name === 'heap_snapshots' ? table.names.indexOf('file') : -1;
  const folder = snapshotFolder(store.path, sessionId);
  const written = table.names.map((_n, i) => i).filter((i) => i !== rowidIndex);
  const bound = written.filter((i) => i !== sessionIndex);
  const width = bound.length;
  const columnList = written.map((i) => `"${table.names[i]}"`).join(', ');
  const tuple = `(${written.map((i) => (i === sessionIndex ? `'${sessionId}'` : '?')).join(', ')})`;
  const remember = PARENTS.has(spec.name) && rowidIndex >= 0 ? new Map<number, number>() : null;
  if (remember) newIds.set(spec.name, remember);
  // Parent rows need each new row id, so they go one per statement; all others in batches.
  const batch = remember ? 1 : Math.max(1, Math.min(INSERT_BATCH_ROWS, Math.floor(MAX_BOUND_PARAMETERS / Math.max(1, width))));
  const statements = new Map<number, Statement>();
  const statement = (rows: number): Statement => {
    let found = statements.get(rows);
    if (!found) {
      // OR FAIL: validation leaves nothing to fail, and a statement that cannot roll itself back
      // needs no statement journal; were anything to fail, the whole transaction rolls back.
      found = store.db.prepare(`INSERT OR FAIL INTO "${spec.name}" (${columnList}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`);
      statements.set(rows, found);
    }
    return found;
  };
  const sources = bound.map((i) => (i === parentIndex ? Source.Parent : i === fileIndex ? Source.File : Source.Plain));
  let params: Cell[] = new Array<Cell>(batch * width);
  for (const block of table.blocks) {
    const values = bound.map((i) => block.columns[i]!.values);
    const kinds = bound.map((i, w) => (sources[w] === Source.Plain && block.columns[i]!.kind === ColumnKind.Null ? Source.Nulls : sources[w]!));
    const rowids = rowidIndex >= 0 ? block.columns[rowidIndex]!.values : null;
    for (let first = 0; first < block.rowCount; first += batch) {
      const rows = Math.min(batch, block.rowCount - first);
      if (params.length !== rows * width) params = new Array<Cell>(rows * width);
      let p = 0;
      for (let r = first; r < first + rows; r++) {
        for (let w = 0; w < width; w++) {
          switch (kinds[w]) {
            case Source.Plain:
              params[p++] = values[w]![r]!;
              break;
            case Source.Nulls:
              params[p++] = null;
              break;
            case Source.Parent:
              params[p++] = parentIds!.get(values[w]![r] as number)!;
              break;
            case Source.File:
              params[p++] = join(folder, values[w]![r] as string);
              break;
          }
        }
      }
      const result = statement(rows).run(params);
      if (remember) remember.set(rowids![first] as number, Number(result.lastInsertRowid));
    }
  }
}
