// The flame chart's search: which functions of the timeline's table match the query (name or file).
import type { TimelineFunction } from '../../shared/timeline';

/** 1 per function whose name or url contains the query (case-insensitive); null when nothing is searched. */
export function matchingFunctions(functions: readonly (TimelineFunction | undefined)[], query: string): Uint8Array | null {
  const needle = query.trim().toLowerCase();
  if (!needle) return null;
  const matches = new Uint8Array(functions.length);
  functions.forEach((fn, i) => {
    if (fn && (fn.name.toLowerCase().includes(needle) || fn.url.toLowerCase().includes(needle))) matches[i] = 1;
  });
  return matches;
}
