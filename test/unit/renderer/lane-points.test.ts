import { describe, expect, it } from 'vitest';
import { lanePoints } from '../../../src/renderer/views/timeline/lane-points';

describe('metric lane points', () => {
  const n = 100_000;
  const xs = Array.from({ length: n }, (_v, i) => i);
  const ys = [xs.map((i) => Math.sin(i / 50) * 100), xs.map((i) => (i % 7 === 0 ? null : i % 1000))];

  it('keeps a handful of points per pixel column, with each column\'s extremes and one point either side', () => {
    const shown = lanePoints({ xs, ys }, 10_000, 60_000, 500);
    expect(shown.xs.length).toBeLessThanOrEqual(500 * 6 + 2);
    expect(shown.xs[0]).toBe(9_999);
    expect(shown.xs.at(-1)).toBe(60_000);
    expect(shown.xs).toEqual([...shown.xs].sort((a, b) => a - b));
    const inside = (row: (number | null)[]) => row.filter((_v, i) => xs[i]! >= 10_000 && xs[i]! < 60_000).filter((v): v is number => v !== null);
    expect(Math.max(...shown.ys[0]!.filter((v): v is number => v !== null))).toBe(Math.max(...inside(ys[0]!)));
    expect(Math.min(...shown.ys[1]!.filter((v): v is number => v !== null))).toBe(Math.min(...inside(ys[1]!)));
    // Values stay with their own times.
    shown.xs.forEach((x, i) => expect(shown.ys[1]![i]).toBe(ys[1]![x]));
  });

  it('returns a narrow window whole, and nothing for a window past the data', () => {
    const few = lanePoints({ xs, ys }, 100, 120, 500);
    expect(few.xs).toEqual(xs.slice(99, 121));
    expect(lanePoints({ xs, ys }, 200_000, 300_000, 500).xs).toEqual([n - 1]);
    expect(lanePoints({ xs: [], ys: [[]] }, 0, 1, 500)).toEqual({ xs: [], ys: [[]] });
  });
});
