// Pure layout of span waterfalls: traces by start time, spans nested under their parents, time to x.
import type { SpanRecord, TimeRange } from '../../../shared/domain';

export interface TraceGroup {
  traceId: string;
  /** The earliest root span's name (or the earliest span's, when the root was not received). */
  name: string;
  startUs: number;
  endUs: number;
  spans: SpanRecord[];
  errorCount: number;
}

export interface WaterfallRow {
  span: SpanRecord;
  depth: number;
  /** Its parent id names a span this trace does not hold (not exported, or dropped). */
  orphan: boolean;
}

const byStart = (a: SpanRecord, b: SpanRecord) => a.startUs - b.startUs || a.endUs - b.endUs || a.spanId.localeCompare(b.spanId);

/** Splits spans into traces, earliest first. */
export function groupTraces(spans: readonly SpanRecord[]): TraceGroup[] {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const span of spans) {
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  const groups: TraceGroup[] = [];
  for (const [traceId, list] of byTrace) {
    list.sort(byStart);
    const ids = new Set(list.map((span) => span.spanId));
    const root = list.find((span) => span.parentSpanId === null || !ids.has(span.parentSpanId)) ?? list[0]!;
    let startUs = Infinity;
    let endUs = -Infinity;
    let errorCount = 0;
    for (const span of list) {
      startUs = Math.min(startUs, span.startUs);
      endUs = Math.max(endUs, span.endUs);
      if (span.statusCode === 2) errorCount++;
    }
    groups.push({ traceId, name: root.name, startUs, endUs, spans: list, errorCount });
  }
  return groups.sort((a, b) => a.startUs - b.startUs || a.traceId.localeCompare(b.traceId));
}

/**
 * One trace's spans in display order: each parent followed by its children by start time, depth-first.
 * Spans whose parent is missing start at depth 0; a parent cycle (corrupt input) cannot loop.
 */
export function waterfallRows(spans: readonly SpanRecord[]): WaterfallRow[] {
  const sorted = [...spans].sort(byStart);
  const ids = new Set(sorted.map((span) => span.spanId));
  const children = new Map<string, SpanRecord[]>();
  const roots: SpanRecord[] = [];
  for (const span of sorted) {
    const parent = span.parentSpanId;
    if (parent !== null && parent !== span.spanId && ids.has(parent)) {
      const list = children.get(parent);
      if (list) list.push(span);
      else children.set(parent, [span]);
    } else {
      roots.push(span);
    }
  }
  const rows: WaterfallRow[] = [];
  const placed = new Set<string>();
  const visit = (span: SpanRecord, depth: number, orphan: boolean) => {
    if (placed.has(span.spanId)) return;
    placed.add(span.spanId);
    rows.push({ span, depth, orphan });
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1, false);
  };
  for (const root of roots) visit(root, 0, root.parentSpanId !== null);
  // Spans caught in a parent cycle have no root above them: show them flat rather than not at all.
  for (const span of sorted) visit(span, 0, true);
  return rows;
}

/** x in pixels of an epoch-µs time on an axis that maps `axis` onto [0, widthPx]. */
export function timeToX(timeUs: number, axis: TimeRange, widthPx: number): number {
  const spanUs = axis.toUs - axis.fromUs;
  if (spanUs <= 0) return 0;
  return ((timeUs - axis.fromUs) / spanUs) * widthPx;
}

/** A bar's left and width in pixels, at least minWidthPx wide so instants stay visible. */
export function barOf(span: { startUs: number; endUs: number }, axis: TimeRange, widthPx: number, minWidthPx = 2): { left: number; width: number } {
  const left = Math.max(0, Math.min(widthPx, timeToX(span.startUs, axis, widthPx)));
  const right = Math.max(left, Math.min(widthPx, timeToX(span.endUs, axis, widthPx)));
  const width = Math.max(minWidthPx, right - left);
  return { left: Math.min(left, Math.max(0, widthPx - width)), width };
}

/** Evenly spaced, round tick offsets (µs from the axis start) for a time axis. */
export function axisTicks(axis: TimeRange, maxTicks = 6): number[] {
  const spanUs = axis.toUs - axis.fromUs;
  if (spanUs <= 0 || maxTicks < 1) return [0];
  const raw = spanUs / maxTicks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = 0; t <= spanUs + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/**
 * Spans on the same thread whose time overlaps this one's, other than its own ancestors and
 * descendants: CPU samples in its range cannot be told apart from theirs. A span that did not
 * say its thread takes the samples of every thread in its range, so any overlapping span shares.
 */
export function concurrentSpans(span: SpanRecord, all: readonly SpanRecord[]): SpanRecord[] {
  const byId = new Map(all.map((one) => [one.spanId, one]));
  const ancestors = new Set<string>();
  for (let at = span.parentSpanId, guard = 0; at !== null && guard < all.length; guard++) {
    ancestors.add(at);
    at = byId.get(at)?.parentSpanId ?? null;
  }
  const isDescendant = (one: SpanRecord): boolean => {
    for (let at = one.parentSpanId, guard = 0; at !== null && guard < all.length; guard++) {
      if (at === span.spanId) return true;
      at = byId.get(at)?.parentSpanId ?? null;
    }
    return false;
  };
  return all.filter(
    (one) =>
      one.spanId !== span.spanId &&
      (span.thread === null || one.thread === null || one.thread === span.thread) &&
      one.startUs < span.endUs &&
      one.endUs > span.startUs &&
      !ancestors.has(one.spanId) &&
      !isDescendant(one),
  );
}
