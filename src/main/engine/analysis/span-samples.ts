// Span to profile: how many CPU samples were taken on each span's thread inside its time range.
import type { SpanRecord } from '../../../shared/domain';
import type { ChunkInfo } from '../store/cpu-sample-cache';
import type { Store } from '../store/store';
import { firstIndexAfter, firstIndexAtOrAfter } from '../../../shared/sorted-search';

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
      const upper = span.endUs + 1 <= to ? firstIndexAtOrAfter(times, span.endUs + 1) : firstIndexAfter(times, to);
      count += upper - firstIndexAtOrAfter(times, span.startUs);
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

