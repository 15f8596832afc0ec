// A table block: rows of one table stored column by column. Integers are zigzag varints (delta
// coded when that is smaller), reals and float64 blobs are XOR-ed with their predecessor and
// byte-shuffled, texts go through a per-column dictionary. Brotli then finds far more to squeeze
// than in row-wise JSON.
import { ByteReader, ByteWriter } from './bytes';

export type Cell = number | string | Buffer | null;

export const enum ColumnKind {
  Null = 0,
  Int = 1,
  Real = 2,
  Text = 3,
  Blob = 4,
}

/** How a blob column's bytes are laid out, so they can be shuffled by element. */
export type BlobLayout = 'raw' | 'int32' | 'float64';
const BLOB_LAYOUTS: readonly BlobLayout[] = ['raw', 'int32', 'float64'];

const FLAG_NULLS = 1;
const FLAG_DELTA = 2;
/** Zigzag doubles a magnitude; below 2^52 it stays a safe integer. */
const LARGEST_INT = 2 ** 52 - 1;

export const MAX_BLOCK_ROWS = 1 << 18;
export const MAX_COLUMNS = 64;

export interface Column {
  name: string;
  kind: ColumnKind;
  values: Cell[];
}

/** One cell; an all-null column keeps no values. */
export function cellAt(column: Column, row: number): Cell {
  return column.kind === ColumnKind.Null ? null : column.values[row]!;
}

export interface TableBlock {
  table: string;
  rowCount: number;
  columns: Column[];
}

function kindOf(values: Cell[], table: string, column: string): ColumnKind {
  let kind = ColumnKind.Null;
  for (const v of values) {
    if (v === null) continue;
    const k =
      typeof v === 'number'
        ? Number.isInteger(v) && Math.abs(v) <= LARGEST_INT
          ? ColumnKind.Int
          : ColumnKind.Real
        : typeof v === 'string'
          ? ColumnKind.Text
          : ColumnKind.Blob;
    if (kind === ColumnKind.Null || kind === k) kind = k;
    else if ((kind === ColumnKind.Int && k === ColumnKind.Real) || (kind === ColumnKind.Real && k === ColumnKind.Int)) kind = ColumnKind.Real;
    else throw new Error(`Column ${table}.${column} mixes value types; it cannot be bundled`);
  }
  return kind;
}

export function encodeBlock(table: string, names: string[], rows: Cell[][], layouts: Record<string, BlobLayout> = {}): Buffer {
  const out = new ByteWriter(1024 + rows.length * 16);
  out.string(table);
  out.varint(rows.length);
  out.varint(names.length);
  names.forEach((name, c) => {
    const values = rows.map((row) => row[c] ?? null);
    const kind = kindOf(values, table, name);
    out.string(name);
    out.u8(kind);
    encodeColumn(out, kind, values, layouts[name] ?? 'raw');
  });
  return out.finish();
}

function encodeColumn(out: ByteWriter, kind: ColumnKind, values: Cell[], layout: BlobLayout): void {
  if (kind === ColumnKind.Null) return;
  const present = values.filter((v) => v !== null);
  const hasNulls = present.length !== values.length;
  let flags = hasNulls ? FLAG_NULLS : 0;
  const ints = kind === ColumnKind.Int ? (present as number[]) : [];
  if (kind === ColumnKind.Int && deltaFits(ints)) flags |= FLAG_DELTA;
  out.u8(flags);
  if (hasNulls) {
    const bitmap = new Uint8Array((values.length + 7) >> 3);
    values.forEach((v, i) => {
      if (v !== null) bitmap[i >> 3]! |= 1 << (i & 7);
    });
    out.bytes(bitmap);
  }
  switch (kind) {
    case ColumnKind.Int: {
      let previous = 0;
      for (const v of ints) {
        out.signed(flags & FLAG_DELTA ? v - previous : v);
        previous = v;
      }
      return;
    }
    case ColumnKind.Real:
      out.bytes(shuffleFloat64(Float64Array.from(present as number[])));
      return;
    case ColumnKind.Text: {
      const dictionary = new Map<string, number>();
      for (const v of present as string[]) if (!dictionary.has(v)) dictionary.set(v, dictionary.size);
      out.varint(dictionary.size);
      for (const text of dictionary.keys()) out.string(text);
      for (const v of present as string[]) out.varint(dictionary.get(v)!);
      return;
    }
    case ColumnKind.Blob: {
      const blobs = present as Buffer[];
      const width = layout === 'float64' ? 8 : layout === 'int32' ? 4 : 1;
      const usable = width > 1 && blobs.every((b) => b.length % width === 0) ? layout : 'raw';
      out.u8(BLOB_LAYOUTS.indexOf(usable));
      for (const b of blobs) {
        out.varint(b.length);
        out.bytes(usable === 'float64' ? shuffleFloat64(new Float64Array(alignedCopy(b))) : usable === 'int32' ? shuffleBytes(b, 4) : b);
      }
      return;
    }
  }
}

function deltaFits(values: number[]): boolean {
  let previous = 0;
  for (const v of values) {
    if (Math.abs(v - previous) > LARGEST_INT) return false;
    previous = v;
  }
  return true;
}

export function decodeBlock(data: Buffer): TableBlock {
  const input = new ByteReader(data, 'a table block');
  const table = input.string();
  const reader = new ByteReader(data.subarray(data.length - input.remaining), `table ${JSON.stringify(table.slice(0, 60))}`);
  const rowCount = reader.count('row count', MAX_BLOCK_ROWS, 1);
  const columnCount = reader.count('column count', MAX_COLUMNS, 2);
  const columns: Column[] = [];
  for (let c = 0; c < columnCount; c++) {
    const name = reader.string();
    const kind = reader.u8();
    if (kind > ColumnKind.Blob) reader.fail(`column ${JSON.stringify(name.slice(0, 60))} has an unknown kind ${kind}`);
    columns.push({ name, kind, values: decodeColumn(reader, kind as ColumnKind, rowCount) });
  }
  if (!reader.atEnd) reader.fail('has bytes after its last column');
  return { table, rowCount, columns };
}

function decodeColumn(reader: ByteReader, kind: ColumnKind, rowCount: number): Cell[] {
  // All-null columns hold no array at all: a hostile block cannot make nothing cost memory.
  if (kind === ColumnKind.Null) return [];
  const flags = reader.u8();
  if (flags & ~(FLAG_NULLS | FLAG_DELTA)) reader.fail('a column has unknown flags');
  let presentCount = rowCount;
  let bitmap: Buffer | null = null;
  if (flags & FLAG_NULLS) {
    bitmap = reader.bytes((rowCount + 7) >> 3);
    presentCount = 0;
    for (let i = 0; i < rowCount; i++) if (bitmap[i >> 3]! & (1 << (i & 7))) presentCount++;
  }
  const present = decodePresent(reader, kind, presentCount, (flags & FLAG_DELTA) !== 0);
  if (!bitmap) return present;
  const values = new Array<Cell>(rowCount);
  let next = 0;
  for (let i = 0; i < rowCount; i++) values[i] = bitmap[i >> 3]! & (1 << (i & 7)) ? present[next++]! : null;
  return values;
}

function decodePresent(reader: ByteReader, kind: ColumnKind, n: number, delta: boolean): Cell[] {
  switch (kind) {
    case ColumnKind.Int: {
      if (n > reader.remaining) reader.fail('has more values than bytes');
      const values = reader.varints(n);
      let previous = 0;
      for (let i = 0; i < n; i++) {
        const z = values[i]!;
        const signed = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
        const v = delta ? previous + signed : signed;
        if (!Number.isSafeInteger(v)) reader.fail('an integer is out of range');
        values[i] = previous = v;
      }
      return values;
    }
    case ColumnKind.Real: {
      if (n * 8 > reader.remaining) reader.fail('has more values than bytes');
      return Array.from(unshuffleFloat64(reader.bytes(n * 8), n));
    }
    case ColumnKind.Text: {
      if (n > reader.remaining) reader.fail('has more values than bytes');
      const size = reader.count('dictionary size', n, 1);
      const dictionary: string[] = [];
      for (let i = 0; i < size; i++) dictionary.push(reader.string());
      const indexes = reader.varints(n);
      const values = new Array<Cell>(n);
      for (let i = 0; i < n; i++) {
        const index = indexes[i]!;
        if (index >= size) reader.fail('a text refers past its dictionary');
        values[i] = dictionary[index]!;
      }
      return values;
    }
    case ColumnKind.Blob: {
      if (n > reader.remaining) reader.fail('has more values than bytes');
      const layout = BLOB_LAYOUTS[reader.u8()];
      if (!layout) reader.fail('a blob column has an unknown layout');
      const width = layout === 'float64' ? 8 : layout === 'int32' ? 4 : 1;
      const values = new Array<Cell>(n);
      for (let i = 0; i < n; i++) {
        const length = reader.count('blob length', reader.remaining, 1);
        if (length % width !== 0) reader.fail('a blob does not hold whole elements');
        const raw = reader.bytes(length);
        values[i] =
          layout === 'float64'
            ? Buffer.from(unshuffleFloat64(raw, length / 8).buffer)
            : layout === 'int32'
              ? unshuffleBytes(raw, 4)
              : Buffer.from(raw);
      }
      return values;
    }
    default:
      return reader.fail('has an unknown column kind');
  }
}

function alignedCopy(b: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(b.length);
  new Uint8Array(copy).set(b);
  return copy;
}

/** XOR each float64 with the one before (equal high bits become zero bytes), then byte-shuffle. */
function shuffleFloat64(values: Float64Array): Buffer {
  // Int32 views: XOR is the same on signed words, and V8 keeps them small integers (no boxing).
  const words = new Int32Array(values.length * 2);
  const source = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < values.length; i++) {
    const a = source[2 * i]!;
    const b = source[2 * i + 1]!;
    words[2 * i] = a ^ lo;
    words[2 * i + 1] = b ^ hi;
    lo = a;
    hi = b;
  }
  return shuffleBytes(Buffer.from(words.buffer), 8);
}

function unshuffleFloat64(data: Buffer, n: number): Float64Array {
  const bytes = unshuffleBytes(data, 8);
  const words = new Int32Array(bytes.buffer, bytes.byteOffset, n * 2);
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    lo = words[2 * i] = words[2 * i]! ^ lo;
    hi = words[2 * i + 1] = words[2 * i + 1]! ^ hi;
  }
  return new Float64Array(words.buffer, words.byteOffset, n);
}

/** Byte planes: all first bytes of each element, then all second bytes, ... */
function shuffleBytes(data: Uint8Array, width: number): Buffer {
  const n = data.length / width;
  const out = Buffer.allocUnsafe(data.length);
  for (let plane = 0; plane < width; plane++) {
    const base = plane * n;
    for (let i = 0; i < n; i++) out[base + i] = data[i * width + plane]!;
  }
  return out;
}

/** The result owns a fresh, aligned ArrayBuffer (never a pooled slice), so typed views fit it. */
function unshuffleBytes(data: Uint8Array, width: number): Buffer {
  const n = data.length / width;
  const out = Buffer.from(new ArrayBuffer(data.length));
  for (let plane = 0; plane < width; plane++) {
    const base = plane * n;
    for (let i = 0; i < n; i++) out[i * width + plane] = data[base + i]!;
  }
  return out;
}
