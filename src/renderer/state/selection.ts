// The one selection every view follows: which session, time range, thread and span of it.
import { create } from 'zustand';
import type { Scope } from '../../shared/api';
import type { TimeRange } from '../../shared/domain';

export interface SelectionState {
  sessionId: string | null;
  /** Epoch-µs window chosen on the metrics charts or by a span; null means the whole session. */
  range: TimeRange | null;
  /** The thread the views narrow to; null means every thread. */
  threadId: number | null;
  /** A span chosen in the waterfall; its range is `range`. */
  spanId: string | null;
  selectSession(sessionId: string | null): void;
  /** A new range forgets the span that set the old one. */
  setRange(range: TimeRange | null): void;
  setThread(threadId: number | null): void;
  /** Selects a span and its time range, or clears both. */
  selectSpan(span: { spanId: string; range: TimeRange } | null): void;
}

function validRange(range: TimeRange | null): TimeRange | null {
  return range && range.toUs > range.fromUs ? range : null;
}

export const useSelection = create<SelectionState>((set, get) => ({
  sessionId: null,
  range: null,
  threadId: null,
  spanId: null,
  selectSession: (sessionId) => {
    if (get().sessionId !== sessionId) set({ sessionId, range: null, threadId: null, spanId: null });
  },
  setRange: (range) => set({ range: validRange(range), spanId: null }),
  setThread: (threadId) => set({ threadId, spanId: null }),
  selectSpan: (span) =>
    // A span of zero length still selects itself: widen it to one microsecond.
    set(span ? { spanId: span.spanId, range: { fromUs: span.range.fromUs, toUs: Math.max(span.range.toUs, span.range.fromUs + 1) } } : { spanId: null, range: null }),
}));

/** What a scoped query sends: a span narrows to its own thread, so the thread is left out then. */
export function scopeOf(selection: { threadId: number | null; spanId: string | null }): Scope | undefined {
  if (selection.spanId) return { spanId: selection.spanId };
  if (selection.threadId !== null) return { threadId: selection.threadId };
  return undefined;
}

/** Every time: stands in for "no range" where a scope follows it (JSON turns a skipped argument into null). */
const WHOLE_SESSION: TimeRange = { fromUs: 0, toUs: Number.MAX_SAFE_INTEGER };

/** The range argument of a windowed call (getSummary, getFlameTree, getAllocationTree) that may carry a scope. */
export function rangeArg(range: TimeRange | null, scope: Scope | undefined): TimeRange | undefined {
  return range ?? (scope ? WHOLE_SESSION : undefined);
}
