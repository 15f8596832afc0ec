// Binary search over ascending numeric columns (times, bucket starts), used by engine and window alike.

/** The first index whose value is >= target; values.length when none is. */
export function firstIndexAtOrAfter(values: ArrayLike<number>, target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose value is > target; values.length when none is. */
export function firstIndexAfter(values: ArrayLike<number>, target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
