// The shape of one raw Chrome trace event as NodeTracing delivers it, narrowed from `unknown`.
// Checked by hand rather than by schema: a chunk holds ~65k events and this runs for each.

/** One event as the target sent it; `tsUs` is on the target's monotonic clock. */
export interface RawTraceEvent {
  ph: string;
  cat: string;
  name: string;
  pid: number;
  tid: number;
  tsUs: number;
  /** For 'X' events. */
  durUs: number | null;
  /** Async ('b'/'e', 'S'/'F') event id, as a string; null when absent. */
  id: string | null;
  args: Record<string, unknown> | null;
}

export type ParsedTraceEvent = { ok: true; event: RawTraceEvent } | { ok: false; reason: string };

const MAX_NAME_CHARS = 1000;
/** Events with args larger than this keep only their size (V8.GC_Heap_Stats carries kilobytes). */
export const MAX_ARGS_CHARS = 4096;

export function parseTraceEvent(raw: unknown): ParsedTraceEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not an object' };
  const e = raw as Record<string, unknown>;
  const { ph, cat, name, ts } = e;
  if (typeof ph !== 'string' || ph.length !== 1) return { ok: false, reason: 'no phase' };
  if (typeof name !== 'string' || name.length > MAX_NAME_CHARS) return { ok: false, reason: 'no name' };
  if (typeof cat !== 'string' || cat.length > MAX_NAME_CHARS) return { ok: false, reason: 'no category' };
  // Metadata events carry ts 0; every other event needs a real time.
  if (typeof ts !== 'number' || !Number.isFinite(ts) || ts < 0) return { ok: false, reason: 'no time' };
  const durUs = typeof e.dur === 'number' && Number.isFinite(e.dur) && e.dur >= 0 ? e.dur : null;
  return {
    ok: true,
    event: {
      ph,
      cat,
      name,
      pid: finiteOr(e.pid, 0),
      tid: finiteOr(e.tid, 0),
      tsUs: ts,
      durUs,
      id: idOf(e),
      args: argsOf(e.args),
    },
  };
}

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Async events carry `id` (string or number) or `id2: { local | global }`. */
function idOf(e: Record<string, unknown>): string | null {
  if (typeof e.id === 'string' && e.id.length <= 100) return e.id;
  if (typeof e.id === 'number' && Number.isFinite(e.id)) return String(e.id);
  const id2 = e.id2;
  if (typeof id2 === 'object' && id2 !== null) {
    const { local, global } = id2 as Record<string, unknown>;
    const value = local ?? global;
    if (typeof value === 'string' || typeof value === 'number') return String(value).slice(0, 100);
  }
  return null;
}

function argsOf(args: unknown): Record<string, unknown> | null {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return null;
  const record = args as Record<string, unknown>;
  if (Object.keys(record).length === 0) return null;
  let text: string;
  try {
    text = JSON.stringify(record);
  } catch {
    return { unreadable: true };
  }
  return text.length > MAX_ARGS_CHARS ? { truncated: true, sizeChars: text.length } : record;
}
