// Checks a decoded bundle against this store before anything is written: known tables and
// columns, value types, NOT NULL, unique keys, the one session id, JSON shapes, and references
// (stack parents and functions, sample stack ids, parent rows, snapshot files).
import type { SessionStatus } from '../../../shared/domain';
import type { Db } from '../store/database';
import { type Cell, type Column, ColumnKind, type TableBlock, cellAt } from './columns';
import { BundleContentError } from './errors';
import { MAX_JSON_DEPTH, jsonDepthWithin } from './json-depth';
import type { BundleManifest } from './manifest';
import { type BundleTable, type StoreColumn, BUNDLE_TABLES, bundleTable, storeColumns } from './tables';

const STATUSES: readonly SessionStatus[] = ['completed', 'target-exited', 'interrupted', 'failed'];
/** Stack ids below this are looked up in a byte array (16 MiB at most), above it in the set. */
const DENSE_STACK_IDS = 1 << 24;
const SNAPSHOT_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** One table's rows as decoded, with what the store says about its columns. */
export interface CheckedTable {
  spec: BundleTable;
  names: string[];
  blocks: TableBlock[];
}

function fail(problem: string): never {
  throw new BundleContentError(`its content is invalid: ${problem}`);
}

function compatible(kind: ColumnKind, type: string, values: Cell[]): boolean {
  if (kind === ColumnKind.Null) return true;
  // Integers beyond 2^52 travel as reals (exactly); they are still integers.
  if (type.includes('INT')) return kind === ColumnKind.Int || (kind === ColumnKind.Real && values.every((v) => v === null || Number.isInteger(v)));
  if (type.includes('REAL') || type.includes('FLOA') || type.includes('DOUB')) return kind === ColumnKind.Int || kind === ColumnKind.Real;
  if (type.includes('TEXT') || type.includes('CHAR') || type.includes('CLOB')) return kind === ColumnKind.Text;
  if (type.includes('BLOB')) return kind === ColumnKind.Blob;
  return true;
}

/** Every value of a column across blocks, in row order (one array, not a generator: these run per row). */
function cells(table: CheckedTable, column: string): Cell[] {
  const index = table.names.indexOf(column);
  if (index < 0) return [];
  if (table.blocks.length === 1 && table.blocks[0]!.columns[index]!.kind !== ColumnKind.Null) return table.blocks[0]!.columns[index]!.values;
  const all: Cell[] = [];
  for (const block of table.blocks) {
    const col = block.columns[index]!;
    if (col.kind === ColumnKind.Null) for (let r = 0; r < block.rowCount; r++) all.push(null);
    else for (const v of col.values) all.push(v);
  }
  return all;
}

function idSet(table: CheckedTable | undefined, column: string): Set<number> {
  const ids = new Set<number>();
  if (table) for (const v of cells(table, column)) if (typeof v === 'number') ids.add(v);
  return ids;
}

export function validateBundle(db: Db, manifest: BundleManifest, blocks: TableBlock[], fileIds: number[]): Map<string, CheckedTable> {
  const tables = new Map<string, CheckedTable>();
  const columnsOf = new Map<string, StoreColumn[]>();
  for (const block of blocks) {
    const spec = bundleTable(block.table);
    const columns = spec ? storeColumns(db, block.table) : null;
    if (!spec || !columns) fail(`it holds a table ${JSON.stringify(block.table.slice(0, 60))} this version of Parallax does not know`);
    const names = block.columns.map((c) => c.name);
    const known = tables.get(block.table);
    if (known) {
      if (known.names.join('\u0000') !== names.join('\u0000')) fail(`the blocks of table ${block.table} disagree on its columns`);
      known.blocks.push(block);
    } else {
      if (new Set(names).size !== names.length) fail(`table ${block.table} names a column twice`);
      tables.set(block.table, { spec, names, blocks: [block] });
      columnsOf.set(block.table, columns);
    }
    checkColumns(block, columns);
  }

  const declared = new Map(manifest.tables.map((t) => [t.name, t.rows]));
  if (declared.size !== manifest.tables.length) fail('the manifest lists a table twice');
  for (const [name, table] of tables) {
    const rows = table.blocks.reduce((n, b) => n + b.rowCount, 0);
    if (declared.get(name) !== rows) fail(`table ${name} has ${rows} rows but the manifest says ${declared.get(name) ?? 'none'}`);
  }
  for (const [name, rows] of declared) if (rows > 0 && !tables.has(name)) fail(`the manifest lists ${rows} rows of ${name} that are missing`);

  for (const [name, table] of tables) {
    const columns = columnsOf.get(name)!;
    for (const column of columns) {
      if (!table.names.includes(column.name) && column.notNull && !column.hasDefault) fail(`table ${name} lacks its column ${column.name}`);
    }
    checkSessionColumn(table, manifest.session.id);
    checkUniqueKey(table, columns);
    for (const [column, shape] of Object.entries(table.spec.json ?? {})) checkJson(table, column, shape);
    if (table.spec.parent) {
      const parent = tables.get(table.spec.parent.table);
      const ids = idSet(parent, parent?.spec.rowid ?? 'id');
      for (const v of cells(table, table.spec.parent.column)) if (typeof v !== 'number' || !ids.has(v)) fail(`a row of ${name} refers to a missing ${table.spec.parent.table} row ${String(v)}`);
    }
  }
  for (const spec of BUNDLE_TABLES) if (!spec.optional && spec.name !== 'sessions' && !declared.has(spec.name)) fail(`the manifest does not list table ${spec.name}`);

  checkSession(tables.get('sessions'));
  checkStacks(tables);
  checkFiles(tables.get('heap_snapshots'), manifest, fileIds);
  return tables;
}

function checkColumns(block: TableBlock, columns: StoreColumn[]): void {
  for (const column of block.columns) {
    const declared = columns.find((c) => c.name === column.name);
    if (!declared) fail(`table ${block.table} has a column ${JSON.stringify(column.name.slice(0, 60))} this version of Parallax does not know`);
    if (!compatible(column.kind, declared.type, column.values)) fail(`column ${block.table}.${column.name} holds values of the wrong type`);
    if (declared.notNull && hasNull(column, block.rowCount)) fail(`column ${block.table}.${column.name} is missing values`);
    if (column.kind === ColumnKind.Real) {
      for (const v of column.values) if (typeof v === 'number' && Number.isNaN(v)) fail(`column ${block.table}.${column.name} holds a value that is not a number`);
    }
  }
}

function hasNull(column: Column, rowCount: number): boolean {
  if (column.kind === ColumnKind.Null) return rowCount > 0;
  return column.values.some((v) => v === null);
}

function checkSessionColumn(table: CheckedTable, sessionId: string): void {
  const column = table.spec.sessionColumn;
  if (!column) return;
  if (!table.names.includes(column)) fail(`table ${table.spec.name} lacks its session column`);
  for (const v of cells(table, column)) if (v !== sessionId) fail(`table ${table.spec.name} holds rows of another session`);
}

function checkUniqueKey(table: CheckedTable, columns: StoreColumn[]): void {
  // The session column holds one value in every row (checked before), so it adds nothing to a key.
  const key = columns
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => table.names.indexOf(c.name))
    .filter((i, _k, all) => all.length === 1 || table.names[i] !== table.spec.sessionColumn);
  if (key.length === 0 || key.some((i) => i < 0)) return;
  if (key.length === 1) {
    // One-column keys (row ids) compare as values: no string per row; ids in rising order need no set.
    const values = cells(table, table.names[key[0]!]!);
    if (strictlyRising(values)) return;
    const seenValues = new Set<Cell>();
    for (const v of values) {
      if (seenValues.has(v)) fail(`table ${table.spec.name} holds a key twice`);
      seenValues.add(v);
    }
    return;
  }
  const seen = new Set<string>();
  for (const block of table.blocks) {
    for (let r = 0; r < block.rowCount; r++) {
      const k = key.map((i) => String(cellAt(block.columns[i]!, r))).join('\u0000');
      if (seen.has(k)) fail(`table ${table.spec.name} holds a key twice`);
      seen.add(k);
    }
  }
}

function strictlyRising(values: Cell[]): boolean {
  let previous = -Infinity;
  for (const v of values) {
    if (typeof v !== 'number' || !(v > previous)) return false;
    previous = v;
  }
  return true;
}

function checkJson(table: CheckedTable, column: string, shape: 'object' | 'array'): void {
  // Texts come from a per-block dictionary: the same string repeats, and is checked once.
  const checked = new Set<string>();
  for (const v of cells(table, column)) {
    if (v === null) continue;
    if (typeof v === 'string') {
      if (checked.has(v)) continue;
      if (checked.size < 65_536) checked.add(v);
    }
    // Nesting deeper than the limit takes more brackets than a shorter text holds.
    if (typeof v !== 'string' || (v.length > MAX_JSON_DEPTH && !jsonDepthWithin(v, MAX_JSON_DEPTH))) fail(`column ${table.spec.name}.${column} holds JSON nested too deeply`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      fail(`column ${table.spec.name}.${column} holds text that is not JSON`);
    }
    const ok = shape === 'array' ? Array.isArray(parsed) : typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    if (!ok) fail(`column ${table.spec.name}.${column} holds JSON that is not an ${shape}`);
  }
}

function checkSession(sessions: CheckedTable | undefined): void {
  if (!sessions || sessions.blocks.reduce((n, b) => n + b.rowCount, 0) !== 1) fail('it must hold exactly one session');
  const [status] = cells(sessions, 'status');
  if (!STATUSES.includes(status as SessionStatus)) fail(`the session has an unknown status ${JSON.stringify(String(status).slice(0, 40))}`);
  for (const v of cells(sessions, 'signals')) {
    if (!(JSON.parse(v as string) as unknown[]).every((s) => typeof s === 'string')) fail('the session lists its signals wrongly');
  }
}

/** Stack parents come before children (no cycles), functions exist, samples name real stacks. */
function checkStacks(tables: Map<string, CheckedTable>): void {
  const functions = idSet(tables.get('functions'), 'id');
  const stacks = tables.get('stacks');
  const stackIds = new Set<number>([0]);
  if (stacks) {
    const ids = [...cells(stacks, 'id')];
    const parents = [...cells(stacks, 'parent_id')];
    const fns = [...cells(stacks, 'function_id')];
    ids.forEach((id, i) => {
      if (typeof id !== 'number' || id < 1) fail(`stack id ${String(id)} is out of range`);
      const parent = parents[i];
      if (typeof parent !== 'number' || parent < 0 || parent >= id) fail(`stack ${id} has parent ${String(parent)}, which does not come before it`);
      if (!functions.has(fns[i] as number)) fail(`stack ${id} refers to a missing function ${String(fns[i])}`);
      stackIds.add(id);
    });
    ids.forEach((id, i) => {
      if (!stackIds.has(parents[i] as number)) fail(`stack ${String(id)} refers to a missing parent ${String(parents[i])}`);
    });
  }
  const chunks = tables.get('cpu_chunks');
  if (chunks) {
    const [count, times, ids] = ['sample_count', 'times', 'stacks'].map((c) => chunks.names.indexOf(c));
    // Sample stack ids are checked against a byte per id when the ids are dense enough.
    let largest = 0;
    for (const id of stackIds) if (id > largest) largest = id;
    const known = largest < DENSE_STACK_IDS ? new Uint8Array(largest + 1) : null;
    if (known) for (const id of stackIds) known[id] = 1;
    for (const block of chunks.blocks) {
      for (let r = 0; r < block.rowCount; r++) {
        const n = cellAt(block.columns[count!]!, r) as number;
        const t = cellAt(block.columns[times!]!, r) as Buffer;
        const s = cellAt(block.columns[ids!]!, r) as Buffer;
        if (!(n >= 1) || t.length !== n * 8 || s.length !== n * 4) fail('a CPU sample chunk has a sample count that does not match its data');
        const timesUs = t.byteOffset % 8 === 0 ? new Float64Array(t.buffer, t.byteOffset, n) : new Float64Array(new Uint8Array(t).buffer);
        const stackOf = s.byteOffset % 4 === 0 ? new Int32Array(s.buffer, s.byteOffset, n) : new Int32Array(new Uint8Array(s).buffer);
        for (let i = 0; i < n; i++) {
          if (!Number.isFinite(timesUs[i]!)) fail('a CPU sample has a time that is not a finite number');
          const stack = stackOf[i]!;
          if (known ? !(stack >= 0 && stack <= largest && known[stack] === 1) : !stackIds.has(stack)) fail(`a CPU sample refers to a missing stack ${stack}`);
        }
      }
    }
  }
  const heap = tables.get('heap_samples');
  if (heap) for (const v of cells(heap, 'stack_id')) if (!stackIds.has(v as number)) fail(`a heap sample refers to a missing stack ${String(v)}`);
}

function checkFiles(snapshots: CheckedTable | undefined, manifest: BundleManifest, fileIds: number[]): void {
  const ids = idSet(snapshots, 'id');
  const names = new Map<number, string>();
  if (snapshots) {
    const all = [...cells(snapshots, 'id')];
    [...cells(snapshots, 'file')].forEach((file, i) => {
      if (typeof file !== 'string' || !SNAPSHOT_FILE_NAME.test(file)) fail('a heap snapshot has an unsafe file name');
      names.set(all[i] as number, file);
    });
    if (new Set(names.values()).size !== names.size) fail('two heap snapshots share a file name');
  }
  if (fileIds.length !== manifest.files.length) fail('the files in it do not match the manifest');
  manifest.files.forEach((file, i) => {
    if (fileIds[i] !== file.snapshotId || !ids.has(file.snapshotId)) fail(`a file belongs to a missing heap snapshot ${file.snapshotId}`);
    if (names.get(file.snapshotId) !== file.name) fail(`the file of heap snapshot ${file.snapshotId} has another name than its row`);
  });
}
