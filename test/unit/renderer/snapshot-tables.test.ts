import { describe, expect, it } from 'vitest';
import { DEFAULT_DIFF_SORT, classRows, diffRows, filterByName, nextDiffSort, sortDiffRows } from '../../../src/renderer/views/snapshots/snapshot-tables';

describe('heap snapshot tables', () => {
  it('orders classes by self size with their share of the total', () => {
    const rows = classRows([
      { name: 'Array', count: 10, selfSizeBytes: 100 },
      { name: 'Object', count: 50, selfSizeBytes: 300 },
      { name: '(string)', count: 5, selfSizeBytes: 0 },
    ]);
    expect(rows.map((r) => [r.name, r.share])).toEqual([
      ['Object', 0.75],
      ['Array', 0.25],
      ['(string)', 0],
    ]);
    expect(classRows([])).toEqual([]);
    expect(classRows([{ name: 'Empty', count: 0, selfSizeBytes: 0 }])[0]!.share).toBe(0);
  });

  it('computes deltas and sorts by any column, growth first by default, ties by name', () => {
    const rows = diffRows([
      { name: 'Leak', countBefore: 10, countAfter: 1_000, selfSizeBytesBefore: 1_000, selfSizeBytesAfter: 90_000 },
      { name: 'Gone', countBefore: 500, countAfter: 0, selfSizeBytesBefore: 40_000, selfSizeBytesAfter: 0 },
      { name: 'Bstable', countBefore: 3, countAfter: 3, selfSizeBytesBefore: 30, selfSizeBytesAfter: 30 },
      { name: 'Astable', countBefore: 3, countAfter: 3, selfSizeBytesBefore: 30, selfSizeBytesAfter: 30 },
    ]);
    expect(rows[0]).toMatchObject({ countDelta: 990, sizeDeltaBytes: 89_000 });
    expect(sortDiffRows(rows, DEFAULT_DIFF_SORT).map((r) => r.name)).toEqual(['Leak', 'Astable', 'Bstable', 'Gone']);
    expect(sortDiffRows(rows, { key: 'sizeDeltaBytes', descending: false }).map((r) => r.name)).toEqual(['Gone', 'Astable', 'Bstable', 'Leak']);
    expect(sortDiffRows(rows, { key: 'countBefore', descending: true }).map((r) => r.name)).toEqual(['Gone', 'Leak', 'Astable', 'Bstable']);
    expect(sortDiffRows(rows, { key: 'name', descending: false }).map((r) => r.name)).toEqual(['Astable', 'Bstable', 'Gone', 'Leak']);
  });

  it('flips the direction on the same column and starts a new one descending (names ascending)', () => {
    expect(nextDiffSort(DEFAULT_DIFF_SORT, 'sizeDeltaBytes')).toEqual({ key: 'sizeDeltaBytes', descending: false });
    expect(nextDiffSort(DEFAULT_DIFF_SORT, 'countAfter')).toEqual({ key: 'countAfter', descending: true });
    expect(nextDiffSort(DEFAULT_DIFF_SORT, 'name')).toEqual({ key: 'name', descending: false });
  });

  it('filters constructors by name, case-insensitively', () => {
    const rows = [{ name: 'ArrayBuffer' }, { name: 'Map' }, { name: 'system / Context' }];
    expect(filterByName(rows, ' array ').map((r) => r.name)).toEqual(['ArrayBuffer']);
    expect(filterByName(rows, '')).toHaveLength(3);
  });
});
