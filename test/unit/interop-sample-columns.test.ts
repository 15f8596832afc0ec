// Profile sample columns keep their order across the spill to disk, however pushes and takes interleave.
import { describe, expect, it } from 'vitest';
import { NumberColumn } from '../../src/main/engine/interop/import/sample-columns';

function takeAll(column: NumberColumn, into: number[]): void {
  while (column.available > 0) into.push(...column.take(Math.min(65_536, column.available)));
}

describe('NumberColumn', () => {
  it('gives back 3.5 million ids in order after spilling what waits beyond its window', () => {
    const column = new NumberColumn('samples', 'int32');
    for (let i = 0; i < 3_500_000; i++) column.push(i);
    const out: number[] = [];
    takeAll(column, out);
    column.dispose();
    expect(out.length).toBe(3_500_000);
    expect(out.every((v, i) => v === i)).toBe(true);
  });

  it('keeps order when takes interleave with pushes', () => {
    const column = new NumberColumn('timeDeltas');
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 150_000; i++) column.push(next++ + 0.5);
      out.push(...column.take(65_536));
    }
    takeAll(column, out);
    column.dispose();
    expect(out.length).toBe(next);
    expect(out.every((v, i) => v === i + 0.5)).toBe(true);
  });

  it('refuses an id beyond 32 bits', () => {
    expect(() => new NumberColumn('samples', 'int32').push(2 ** 33)).toThrow(/beyond a 32-bit id/);
  });
});
