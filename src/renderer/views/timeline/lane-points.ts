// The points of a metric lane worth drawing for a window: at most first, lowest, highest and last of
// each pixel column, plus one point either side so lines reach the edges. A lane of a long session
// then costs its width, not its sample count, on every zoom and pan.
import type { AlignedGroup } from '../metrics/align-series';
import { firstIndexAtOrAfter } from '../../../shared/sorted-search';

/**
 * The aligned rows between fromS and toS (seconds), thinned per pixel column: a column keeps the
 * indices of its first, last, lowest and highest value of any row, in time order.
 */
export function lanePoints(aligned: AlignedGroup, fromS: number, toS: number, widthPx: number): AlignedGroup {
  const { xs, ys } = aligned;
  const first = Math.max(0, firstIndexAtOrAfter(xs, fromS) - 1);
  const end = Math.min(xs.length, firstIndexAtOrAfter(xs, toS) + 1);
  const columns = Math.max(1, Math.round(widthPx));
  if (end - first <= columns * 4 || !(toS > fromS)) return slice(aligned, first, end);
  const keep: number[] = [];
  const perS = columns / (toS - fromS);
  let column = Number.NaN;
  let picked: number[] = [];
  const flush = (): void => {
    picked.sort((a, b) => a - b);
    for (let i = 0; i < picked.length; i++) if (i === 0 || picked[i] !== picked[i - 1]) keep.push(picked[i]!);
    picked = [];
  };
  let columnStart = first;
  for (let i = first; i < end; i++) {
    const at = Math.floor((xs[i]! - fromS) * perS);
    if (at !== column) {
      if (i > first) {
        picked.push(columnStart, i - 1);
        for (const row of ys) extremes(row, columnStart, i, picked);
        flush();
      }
      column = at;
      columnStart = i;
    }
  }
  picked.push(columnStart, end - 1);
  for (const row of ys) extremes(row, columnStart, end, picked);
  flush();
  return { xs: keep.map((i) => xs[i]!), ys: ys.map((row) => keep.map((i) => row[i] ?? null)) };
}

function extremes(row: readonly (number | null)[], from: number, to: number, into: number[]): void {
  let low = -1;
  let high = -1;
  for (let i = from; i < to; i++) {
    const value = row[i];
    if (value === null || value === undefined) continue;
    if (low < 0 || value < row[low]!) low = i;
    if (high < 0 || value > row[high]!) high = i;
  }
  if (low >= 0) into.push(low, high);
}

function slice(aligned: AlignedGroup, from: number, to: number): AlignedGroup {
  return { xs: aligned.xs.slice(from, to), ys: aligned.ys.map((row) => row.slice(from, to)) };
}
