// Rows for the span track: spans grouped by trace and nested by parent; traces that do not overlap share rows.
import type { TimelineSpan } from '../../shared/timeline';

export interface SpanRows {
  /** Row of each span (same order as the input); -1 when it did not fit under the row cap. */
  row: Int32Array;
  rows: number;
  /** Spans left without a row. */
  hidden: number;
}

/**
 * Depth inside a trace follows the parent chain among the given spans (a parent outside the
 * window counts as absent, so its children start a level higher). A trace takes as many rows as
 * it is deep, placed at the first rows free from its start on, with `gapUs` between neighbours.
 */
export function layoutSpanRows(spans: readonly TimelineSpan[], gapUs: number, maxRows: number): SpanRows {
  const row = new Int32Array(spans.length).fill(-1);
  const byId = new Map<string, number>();
  spans.forEach((span, i) => byId.set(span.spanId, i));
  const depth = new Int32Array(spans.length).fill(-1);
  const depthOf = (i: number): number => {
    if (depth[i]! >= 0) return depth[i]!;
    // Walk up iteratively: a hostile or cyclic parent chain must not recurse without end.
    const chain: number[] = [];
    let at = i;
    while (at >= 0 && depth[at]! < 0 && chain.length <= spans.length) {
      chain.push(at);
      const parent = spans[at]!.parentSpanId;
      const next = parent === null ? -1 : (byId.get(parent) ?? -1);
      if (next === at || chain.includes(next)) break;
      at = next;
    }
    let base = at >= 0 && depth[at]! >= 0 ? depth[at]! + 1 : 0;
    for (let k = chain.length - 1; k >= 0; k--) depth[chain[k]!] = base++;
    return depth[i]!;
  };

  const traces = new Map<string, { members: number[]; startUs: number; endUs: number; depth: number }>();
  spans.forEach((span, i) => {
    const d = depthOf(i);
    let trace = traces.get(span.traceId);
    if (!trace) {
      trace = { members: [], startUs: span.startUs, endUs: span.endUs, depth: 0 };
      traces.set(span.traceId, trace);
    }
    trace.members.push(i);
    trace.startUs = Math.min(trace.startUs, span.startUs);
    trace.endUs = Math.max(trace.endUs, span.endUs);
    trace.depth = Math.max(trace.depth, d + 1);
  });

  const rowEnd: number[] = [];
  let hidden = 0;
  const ordered = [...traces.values()].sort((a, b) => a.startUs - b.startUs);
  for (const trace of ordered) {
    let base = 0;
    for (; ; base++) {
      let free = true;
      for (let r = base; r < base + trace.depth; r++) {
        if ((rowEnd[r] ?? -Infinity) + gapUs > trace.startUs) {
          free = false;
          break;
        }
      }
      if (free) break;
    }
    if (base + trace.depth > maxRows) {
      hidden += trace.members.length;
      continue;
    }
    for (let r = base; r < base + trace.depth; r++) rowEnd[r] = trace.endUs;
    for (const i of trace.members) row[i] = base + depth[i]!;
  }
  return { row, rows: rowEnd.length, hidden };
}
