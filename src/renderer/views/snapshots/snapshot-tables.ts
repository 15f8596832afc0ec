// Pure rows for the heap snapshot tables: classes with their share, diffs with deltas, and sorting.
import type { SnapshotClass, SnapshotClassDiff } from '../../../shared/domain';

export interface ClassRow extends SnapshotClass {
  /** Share of the snapshot's total self size, 0..1. */
  share: number;
}

/** Classes by self size, largest first, each with its share of the total. */
export function classRows(classes: readonly SnapshotClass[]): ClassRow[] {
  const totalBytes = classes.reduce((sum, one) => sum + Math.max(0, one.selfSizeBytes), 0);
  return classes
    .map((one) => ({ ...one, share: totalBytes > 0 ? one.selfSizeBytes / totalBytes : 0 }))
    .sort((a, b) => b.selfSizeBytes - a.selfSizeBytes || b.count - a.count || a.name.localeCompare(b.name));
}

export interface DiffRow extends SnapshotClassDiff {
  countDelta: number;
  sizeDeltaBytes: number;
}

export type DiffSortKey = 'name' | 'countBefore' | 'countAfter' | 'countDelta' | 'selfSizeBytesBefore' | 'selfSizeBytesAfter' | 'sizeDeltaBytes';

export interface DiffSort {
  key: DiffSortKey;
  descending: boolean;
}

/** The order a diff opens in: what grew most first. */
export const DEFAULT_DIFF_SORT: DiffSort = { key: 'sizeDeltaBytes', descending: true };

export function diffRows(diff: readonly SnapshotClassDiff[]): DiffRow[] {
  return diff.map((one) => ({ ...one, countDelta: one.countAfter - one.countBefore, sizeDeltaBytes: one.selfSizeBytesAfter - one.selfSizeBytesBefore }));
}

/** A sorted copy; ties fall back to the name so the order is stable across reloads. */
export function sortDiffRows(rows: readonly DiffRow[], sort: DiffSort): DiffRow[] {
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const order = sort.key === 'name' ? a.name.localeCompare(b.name) : a[sort.key] - b[sort.key];
    return order !== 0 ? order * sign : a.name.localeCompare(b.name);
  });
}

/** Clicking a header: the same column flips direction, a new one starts descending (names ascending). */
export function nextDiffSort(current: DiffSort, key: DiffSortKey): DiffSort {
  if (current.key === key) return { key, descending: !current.descending };
  return { key, descending: key !== 'name' };
}

/** Rows whose name contains the filter text (case-insensitive). */
export function filterByName<T extends { name: string }>(rows: readonly T[], text: string): T[] {
  const needle = text.trim().toLowerCase();
  return needle ? rows.filter((row) => row.name.toLowerCase().includes(needle)) : [...rows];
}
