// Span to profile: how many CPU samples were taken on each span's thread inside its time range.
import type { SpanRecord } from '../../../shared/domain';
import type { Store } from '../store/store';

/** Fills cpuSampleCount of each span (a span with no thread counts the main thread's samples). */
export function countSamplesInSpans(store: Store, sessionId: string, spans: SpanRecord[]): SpanRecord[] {
  if (spans.length === 0) return spans;
  const from = Math.min(...spans.map((s) => s.startUs));
  const to = Math.max(...spans.map((s) => s.endUs));
  const timesByThread = new Map<number, number[]>();
  for (const chunk of store.cpu.chunks(sessionId, { fromUs: from, toUs: to })) {
    let times = timesByThread.get(chunk.threadId);
    if (!times) timesByThread.set(chunk.threadId, (times = []));
    for (const t of chunk.timesUs) if (t >= from && t <= to) times.push(t);
  }
  const sorted = new Map([...timesByThread].map(([thread, times]) => [thread, Float64Array.from(times).sort()]));
  return spans.map((span) => {
    const times = sorted.get(span.thread ?? 0);
    return { ...span, cpuSampleCount: times ? lowerBound(times, span.endUs + 1) - lowerBound(times, span.startUs) : 0 };
  });
}

function lowerBound(values: Float64Array, target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
