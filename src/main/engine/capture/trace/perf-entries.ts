// Performance entries (marks, measures, GC) as the in-target agent reports them, checked and
// turned into trace events. Times arrive as epoch ms (timeOrigin + startTime).
import { z } from 'zod';
import type { NewTraceEvent } from '../../store/trace-events';

/** A batch larger than this is refused whole: the agent never sends one (it caps at 10k entries). */
export const MAX_PAYLOAD_CHARS = 4 * 1024 * 1024;
const MAX_DETAIL_CHARS = 1024;

const batchSchema = z.object({
  entries: z.array(z.unknown()).max(10_000),
  dropped: z.number().int().min(0).optional(),
});

const entrySchema = z.object({
  type: z.enum(['mark', 'measure', 'gc']),
  name: z.string().max(1000),
  startMs: z.number().finite().positive(),
  durationMs: z.number().finite().min(0),
  detail: z.string().max(MAX_DETAIL_CHARS).optional(),
  gcKind: z.number().int().optional(),
});

// perf_hooks.constants.NODE_PERFORMANCE_GC_*: the kind of collection a 'gc' entry reports.
const GC_NAMES: Record<number, string> = { 1: 'MinorGC', 4: 'MajorGC', 8: 'IncrementalMarking', 16: 'WeakCallbacks' };

export interface PerfBatch {
  events: NewTraceEvent[];
  /** Entries the agent could not hold (it keeps at most 10k between reports). */
  droppedInTarget: number;
  /** Entries refused here, by reason. */
  skipped: Map<string, number>;
}

/** Reads one binding payload; a payload that is not a batch at all gives null. */
export function parsePerfBatch(payload: string, threadId: number): PerfBatch | null {
  if (payload.length > MAX_PAYLOAD_CHARS) return null;
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const batch = batchSchema.safeParse(json);
  if (!batch.success) return null;
  const events: NewTraceEvent[] = [];
  const skipped = new Map<string, number>();
  for (const raw of batch.data.entries) {
    const entry = entrySchema.safeParse(raw);
    if (!entry.success) {
      const reason = `malformed ${typeof raw === 'object' && raw !== null && 'type' in raw ? String((raw as { type: unknown }).type).slice(0, 20) : 'entry'}`;
      skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
      continue;
    }
    const e = entry.data;
    const timeUs = e.startMs * 1000;
    if (e.type === 'gc') {
      const kind = e.gcKind ?? 0;
      events.push({ threadId, timeUs, durationUs: e.durationMs * 1000, ph: 'X', cat: 'node.perf.gc', name: GC_NAMES[kind] ?? 'GC', kind: 'gc', args: { gcKind: kind } });
      continue;
    }
    const args = e.detail === undefined ? null : { detail: parseDetail(e.detail) };
    events.push(
      e.type === 'mark'
        ? { threadId, timeUs, durationUs: null, ph: 'I', cat: 'node.perf.usertiming', name: e.name, kind: 'mark', args }
        : { threadId, timeUs, durationUs: e.durationMs * 1000, ph: 'X', cat: 'node.perf.usertiming', name: e.name, kind: 'measure', args },
    );
  }
  return { events, droppedInTarget: batch.data.dropped ?? 0, skipped };
}

function parseDetail(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
