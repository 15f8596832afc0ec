// Pure summaries of trace events: GC pause totals and counts per kind.
import type { TraceEventKind, TraceEventRecord } from '../../../shared/domain';

export interface GcTotals {
  count: number;
  /** Sum and longest of GC pauses that have a duration. */
  totalPauseUs: number;
  maxPauseUs: number;
  /** Pause time per GC type (args.type or the event name: Scavenge, MarkCompact...). */
  byType: { type: string; count: number; totalPauseUs: number }[];
}

function gcType(event: TraceEventRecord): string {
  const type = event.args?.type;
  return typeof type === 'string' && type ? type : event.name;
}

export function gcTotals(events: readonly TraceEventRecord[]): GcTotals {
  let count = 0;
  let totalPauseUs = 0;
  let maxPauseUs = 0;
  const byType = new Map<string, { count: number; totalPauseUs: number }>();
  for (const event of events) {
    if (event.kind !== 'gc') continue;
    count++;
    const pauseUs = event.durationUs !== null && Number.isFinite(event.durationUs) && event.durationUs > 0 ? event.durationUs : 0;
    totalPauseUs += pauseUs;
    maxPauseUs = Math.max(maxPauseUs, pauseUs);
    const type = gcType(event);
    const entry = byType.get(type) ?? { count: 0, totalPauseUs: 0 };
    entry.count++;
    entry.totalPauseUs += pauseUs;
    byType.set(type, entry);
  }
  return {
    count,
    totalPauseUs,
    maxPauseUs,
    byType: [...byType.entries()].map(([type, entry]) => ({ type, ...entry })).sort((a, b) => b.totalPauseUs - a.totalPauseUs || b.count - a.count),
  };
}

export const EVENT_KINDS: readonly TraceEventKind[] = ['gc', 'mark', 'measure', 'console', 'http', 'fs', 'loop', 'other'];

export function countByKind(events: readonly TraceEventRecord[]): Record<TraceEventKind, number> {
  const counts = Object.fromEntries(EVENT_KINDS.map((kind) => [kind, 0])) as Record<TraceEventKind, number>;
  for (const event of events) counts[event.kind] = (counts[event.kind] ?? 0) + 1;
  return counts;
}
