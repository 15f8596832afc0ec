// Span to profile: how many CPU samples were taken on each span's thread inside its time range.
import type { SpanRecord } from '../../../shared/domain';
import type { ChunkInfo } from '../store/cpu-sample-cache';
import type { Store } from '../store/store';

/**
 * Fills cpuSampleCount of each span (a span with no thread counts the main thread's samples):
 * samples at startUs <= t < endUs + 1. Chunks inside a span count whole; the others by binary search.
 */
export function countSamplesInSpans(store: Store, sessionId: string, spans: SpanRecord[]): SpanRecord[] {
  if (spans.length === 0) return spans;
  const to = Math.max(...spans.map((s) => s.endUs));
  const cache = store.cpu.cache;
  const byThread = new Map<number, ChunkInfo[]>();
  for (const chunk of cache.session(sessionId).chunks) {
    let list = byThread.get(chunk.threadId);
    if (!list) byThread.set(chunk.threadId, (list = []));
    list.push(chunk);
  }
  return spans.map((span) => {
    const chunks = byThread.get(span.thread ?? 0) ?? [];
    let count = 0;
    // A thread's chunks follow one another in time: skip those that end before the span.
    for (let i = firstEndingAtOrAfter(chunks, span.startUs); i < chunks.length && chunks[i]!.startUs <= span.endUs; i++) {
      const chunk = chunks[i]!;
      if (chunk.startUs >= span.startUs && chunk.endUs <= span.endUs) {
        count += chunk.count;
        continue;
      }
      const times = cache.samples(sessionId, chunk).sortedTimesUs;
      // No sample after the last span's end counts (the window the samples were read for).
      const upper = span.endUs + 1 <= to ? bound(times, span.endUs + 1, false) : bound(times, to, true);
      count += upper - bound(times, span.startUs, false);
    }
    return { ...span, cpuSampleCount: count };
  });
}

/** The first chunk whose last sample is at or after timeUs (chunks of one thread, in time order). */
function firstEndingAtOrAfter(chunks: ChunkInfo[], timeUs: number): number {
  let lo = 0;
  let hi = chunks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (chunks[mid]!.endUs < timeUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose value is > target (after) or >= target (not after). */
function bound(values: Float64Array, target: number, after: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < target || (after && values[mid] === target)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
