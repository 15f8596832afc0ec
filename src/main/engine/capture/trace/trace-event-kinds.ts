// What each trace event is (gc, console, http...) and how begin/end halves become one event
// with a duration: B/E pairs per thread (MinorGC, MajorGC), b/e async pairs by id (console.time).
import type { TraceEventKind } from '../../../../shared/domain';
import type { RawTraceEvent } from './trace-event-shape';

// MinorGC/MajorGC are the pauses (B/E); V8.GC* are their phases (X), and every event of
// disabled-by-default-v8.gc is a GC phase or statistic (research/inspector.md §5.2).
const GC_NAME = /^(MinorGC|MajorGC|V8\.GC)/;

export function traceEventKind(cat: string, name: string): TraceEventKind {
  const parts = cat.split(',');
  if (parts.some((p) => p.startsWith('disabled-by-default-v8.gc'))) return 'gc';
  if (GC_NAME.test(name) && parts.some((p) => p === 'v8' || p === 'devtools.timeline')) return 'gc';
  if (parts.includes('node.console')) return 'console';
  if (parts.includes('node.http')) return 'http';
  if (parts.some((p) => p.startsWith('node.fs'))) return 'fs';
  if (parts.includes('node.environment')) return 'loop';
  return 'other';
}

/**
 * An event ready to store, still on the target's monotonic clock. ph is 'X' for complete events
 * and matched B/E pairs, 'b' for matched async pairs; an unmatched half keeps its own ph and
 * has no duration.
 */
export interface AssembledEvent {
  ph: string;
  cat: string;
  name: string;
  tid: number;
  tsUs: number;
  durationUs: number | null;
  args: Record<string, unknown> | null;
}

/** Open halves kept at most; beyond this the oldest is given up as unmatched. */
const MAX_OPEN = 10_000;

/** Pairs begin and end halves across chunks (a pair may straddle a chunk or a restart). */
export class TraceEventAssembler {
  private readonly openByThread = new Map<number, RawTraceEvent[]>();
  private readonly openAsync = new Map<string, RawTraceEvent>();
  private openCount = 0;
  /** End halves whose begin was never seen (it happened before the recording). */
  unmatchedEnds = 0;

  /** Returns what can be stored now: nothing for a begin half, which waits for its end. */
  add(event: RawTraceEvent): AssembledEvent[] {
    switch (event.ph) {
      case 'B':
        return this.openSync(event);
      case 'E':
        return [this.closeSync(event)];
      case 'b':
      case 'S':
        return this.openAsyncHalf(event);
      case 'e':
      case 'F':
        return [this.closeAsync(event)];
      default:
        return [single(event, event.ph === 'X' ? event.durUs : null)];
    }
  }

  /** Begins that never ended (still running when the recording stopped), with no duration. */
  drainOpen(): AssembledEvent[] {
    const open: AssembledEvent[] = [];
    for (const stack of this.openByThread.values()) for (const event of stack) open.push(single(event, null));
    for (const event of this.openAsync.values()) open.push(single(event, null));
    this.openByThread.clear();
    this.openAsync.clear();
    this.openCount = 0;
    return open.sort((a, b) => a.tsUs - b.tsUs);
  }

  private openSync(event: RawTraceEvent): AssembledEvent[] {
    let stack = this.openByThread.get(event.tid);
    if (!stack) this.openByThread.set(event.tid, (stack = []));
    stack.push(event);
    this.openCount++;
    if (this.openCount <= MAX_OPEN) return [];
    // Overflow: give up the deepest-buried begin of this thread.
    this.openCount--;
    return [single(stack.shift()!, null)];
  }

  private closeSync(end: RawTraceEvent): AssembledEvent {
    const stack = this.openByThread.get(end.tid);
    // An E closes the innermost open B of its thread; a name, when given, must agree.
    let at = stack ? stack.length - 1 : -1;
    if (end.name) while (at >= 0 && stack![at]!.name !== end.name) at--;
    if (!stack || at < 0) {
      this.unmatchedEnds++;
      return single(end, null);
    }
    const [begin] = stack.splice(at, 1) as [RawTraceEvent];
    this.openCount--;
    return pair('X', begin, end);
  }

  private openAsyncHalf(event: RawTraceEvent): AssembledEvent[] {
    const key = asyncKey(event);
    const earlier = this.openAsync.get(key);
    this.openAsync.set(key, event);
    if (earlier) return [single(earlier, null)];
    this.openCount++;
    if (this.openCount <= MAX_OPEN) return [];
    const oldestKey = this.openAsync.keys().next().value as string;
    const oldest = this.openAsync.get(oldestKey)!;
    this.openAsync.delete(oldestKey);
    this.openCount--;
    return [single(oldest, null)];
  }

  private closeAsync(end: RawTraceEvent): AssembledEvent {
    const key = asyncKey(end);
    const begin = this.openAsync.get(key);
    if (!begin) {
      this.unmatchedEnds++;
      return single(end, null);
    }
    this.openAsync.delete(key);
    this.openCount--;
    return pair('b', begin, end);
  }
}

// Async halves of one operation share category, name and id; they may sit on different threads.
function asyncKey(event: RawTraceEvent): string {
  return `${event.cat}\u0000${event.name}\u0000${event.id ?? ''}`;
}

function single(event: RawTraceEvent, durationUs: number | null): AssembledEvent {
  return { ph: event.ph, cat: event.cat, name: event.name, tid: event.tid, tsUs: event.tsUs, durationUs, args: event.args };
}

/** One event from two halves: the begin's time and names, both halves' args (B: before, E: after). */
function pair(ph: string, begin: RawTraceEvent, end: RawTraceEvent): AssembledEvent {
  const args = begin.args || end.args ? { ...begin.args, ...end.args } : null;
  return { ph, cat: begin.cat, name: begin.name, tid: begin.tid, tsUs: begin.tsUs, durationUs: Math.max(0, end.tsUs - begin.tsUs), args };
}
