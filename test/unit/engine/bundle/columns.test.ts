// Column blocks: every value comes back exactly (nulls, large and negative integers, reals, texts,
// float64 and int32 blobs), and hostile counts are refused before anything is allocated.
import { describe, expect, it } from 'vitest';
import { type Cell, ColumnKind, cellAt, decodeBlock, encodeBlock } from '../../../../src/main/engine/bundle/columns';

function rowsOf(block: ReturnType<typeof decodeBlock>): Cell[][] {
  return Array.from({ length: block.rowCount }, (_r, i) => block.columns.map((c) => cellAt(c, i)));
}

describe('column blocks', () => {
  it('round-trip every kind of value exactly', () => {
    const times = new Float64Array([1_764_000_000_000_000.25, 1_764_000_000_001_000.5, 1_764_000_000_002_017.5]);
    const stacks = new Int32Array([0, 17, -1]);
    const rows: Cell[][] = [
      [1, 'a', 0.5, Buffer.from(times.buffer), Buffer.from(stacks.buffer), null],
      [-(2 ** 52) + 1, null, 1e308, Buffer.alloc(0), Buffer.alloc(0), null],
      [2 ** 52 - 1, 'a', -0.000001, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), Buffer.from([9, 9, 9, 9]), null],
      [null, 'ünïcødé ✓', null, null, null, null],
    ];
    const names = ['n', 't', 'r', 'times', 'stacks', 'nothing'];
    const block = decodeBlock(encodeBlock('x', names, rows, { times: 'float64', stacks: 'int32' }));
    expect(block.table).toBe('x');
    expect(block.columns.map((c) => c.name)).toEqual(names);
    expect(block.columns.map((c) => c.kind)).toEqual([ColumnKind.Int, ColumnKind.Text, ColumnKind.Real, ColumnKind.Blob, ColumnKind.Blob, ColumnKind.Null]);
    expect(rowsOf(block)).toEqual(rows);
  });

  it('keeps integers beyond 2^52 exact as reals', () => {
    const rows: Cell[][] = [[2 ** 53 - 1], [-(2 ** 53) + 1], [2 ** 52], [3]];
    expect(rowsOf(decodeBlock(encodeBlock('x', ['v'], rows)))).toEqual(rows);
  });

  it('refuses a column that mixes text and numbers at export', () => {
    expect(() => encodeBlock('logs', ['v'], [[1], ['a']])).toThrow(/logs\.v mixes value types/);
  });

  it('refuses counts larger than the data before allocating for them', () => {
    const head = [0x01, 0x78];
    expect(() => decodeBlock(Buffer.from([...head, 0xff, 0xff, 0xff, 0x7f, 0x01]))).toThrow(/row count \d+ is over the limit/);
    expect(() => decodeBlock(Buffer.from([...head, 0x05, 0x01, 0x01, 0x76, ColumnKind.Text, 0x00, 0x7f]))).toThrow(/dictionary size|more values than bytes/);
    expect(() => decodeBlock(Buffer.from([...head, 0x01, 0x01, 0x01, 0x76, 9]))).toThrow(/unknown kind 9/);
    expect(() => decodeBlock(Buffer.from([0x05, 0x61]))).toThrow(/string length 5 is over the limit/);
  });

  it('refuses damaged runs of integers and text references', () => {
    // Table "x", 2 rows, 1 column "v" of integers, no flags, then the values.
    const ints = (...values: number[]): Buffer => Buffer.from([0x01, 0x78, 0x02, 0x01, 0x01, 0x76, ColumnKind.Int, 0x00, ...values]);
    expect(decodeBlock(ints(0x03, 0x04)).columns[0]!.values).toEqual([-2, 2]);
    expect(() => decodeBlock(ints(0x03, 0x80))).toThrow(/ends early/);
    expect(() => decodeBlock(ints(0x03, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01))).toThrow(/a number is too long/);
    expect(() => decodeBlock(ints(0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))).toThrow(/a number is too large/);
    // Delta coded: three steps of 2^52 - 1 each; the third sum leaves the safe range.
    const step = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f];
    const deltas = Buffer.from([0x01, 0x78, 0x03, 0x01, 0x01, 0x76, ColumnKind.Int, 0x02, ...step, ...step, ...step]);
    expect(() => decodeBlock(deltas)).toThrow(/an integer is out of range/);
    // Texts: a one-entry dictionary ("a"), then references 0 and 1 (past it).
    const texts = Buffer.from([0x01, 0x78, 0x02, 0x01, 0x01, 0x76, ColumnKind.Text, 0x00, 0x01, 0x01, 0x61, 0x00, 0x01]);
    expect(() => decodeBlock(texts)).toThrow(/a text refers past its dictionary/);
  });
});
