// Every 64th, 512th and 4096th sample of each CPU chunk of an ended session, kept as digests (see
// SessionDigests). A wide window's timeline steps over samples by a power of two (sampleStride), so
// when its stride is at least one of these, the chunks wholly inside it are read from the digest
// instead of their blobs: the same samples in the same order, so the same slices, from a small part
// of the bytes. Chunks at the window's edges, out of time order or missing from it are read whole.
import type { SessionInfo, TimeRange } from '../../../shared/domain';
import type { ChunkInfo, CpuSampleCache } from '../store/cpu-sample-cache';
import type { SampleChunk } from '../store/cpu-samples';
import { type SessionDigests, endBasis } from '../store/session-digests';
import type { StridedChunk } from './timeline-slices';

/** Ascending; each a power of two, so any power-of-two stride at least one is a multiple of it. */
export const DIGEST_SAMPLE_STRIDES = [64, 512, 4096] as const;
const KIND = 'timeline-samples-';
const VERSION = 1;

/** One stride's samples, by chunk row id. */
export interface StridedSamples {
  every: number;
  chunks: Map<number, { count: number; timesUs: Float64Array; stackIds: Int32Array }>;
}

function basisOf(session: SessionInfo): string | null {
  return session.status === 'recording' ? null : endBasis(session.status, session.endedAt);
}

/** The widest kept stride that divides `stride`, or null when none does (or none is kept). */
export function digestStrideFor(stride: number): number | null {
  let found: number | null = null;
  for (const every of DIGEST_SAMPLE_STRIDES) if (every <= stride && stride % every === 0) found = every;
  return found;
}

/** The kept samples at `every`; null when none were kept for the session as it ended, or they do not unpack. */
export function keptStridedSamples(digests: SessionDigests, session: SessionInfo, every: number): StridedSamples | null {
  const basis = basisOf(session);
  const digest = basis === null ? null : digests.get(session.id, KIND + every, basis);
  if (!digest || digest.columns.length !== 5 || (digest.meta as { version?: unknown } | null)?.version !== VERSION) return null;
  const [rowIds, counts, offsets, timesUs, stackIds] = digest.columns;
  if (!(rowIds instanceof Int32Array && counts instanceof Int32Array && offsets instanceof Int32Array && timesUs instanceof Float64Array && stackIds instanceof Int32Array)) return null;
  const n = rowIds.length;
  if (counts.length !== n || offsets.length !== n + 1 || offsets[n] !== timesUs.length || stackIds.length !== timesUs.length) return null;
  const chunks: StridedSamples['chunks'] = new Map();
  for (let i = 0; i < n; i++) {
    const from = offsets[i]!;
    const to = offsets[i + 1]!;
    const count = counts[i]!;
    // A chunk whose piece does not fit its count is left out: it is read whole.
    if (!(from >= 0 && to <= timesUs.length && to - from === Math.ceil(count / every))) continue;
    chunks.set(rowIds[i]!, { count, timesUs: timesUs.subarray(from, to), stackIds: stackIds.subarray(from, to) });
  }
  return { every, chunks };
}

/** Keeps every kept stride's samples of an ended session's chunks (those in ascending time order). */
export function keepStridedSamples(digests: SessionDigests, cache: CpuSampleCache, session: SessionInfo): void {
  const basis = basisOf(session);
  if (basis === null) return;
  const picked = DIGEST_SAMPLE_STRIDES.map(() => ({ rowIds: [] as number[], counts: [] as number[], times: [] as Float64Array[], stacks: [] as Int32Array[] }));
  for (const chunk of cache.session(session.id).chunks) {
    const { timesUs, stackIds, sortedTimesUs } = cache.samples(session.id, chunk);
    if (sortedTimesUs !== timesUs) continue;
    const n = timesUs.length;
    DIGEST_SAMPLE_STRIDES.forEach((every, level) => {
      const m = Math.ceil(n / every);
      const times = new Float64Array(m);
      const stacks = new Int32Array(m);
      for (let j = 0; j < m; j++) {
        times[j] = timesUs[j * every]!;
        stacks[j] = stackIds[j * every]!;
      }
      const into = picked[level]!;
      into.rowIds.push(chunk.rowId);
      into.counts.push(n);
      into.times.push(times);
      into.stacks.push(stacks);
    });
  }
  DIGEST_SAMPLE_STRIDES.forEach((every, level) => {
    const { rowIds, counts, times, stacks } = picked[level]!;
    const offsets = new Int32Array(rowIds.length + 1);
    times.forEach((t, i) => (offsets[i + 1] = offsets[i]! + t.length));
    const allTimes = new Float64Array(offsets[rowIds.length]!);
    const allStacks = new Int32Array(offsets[rowIds.length]!);
    times.forEach((t, i) => allTimes.set(t, offsets[i]!));
    stacks.forEach((s, i) => allStacks.set(s, offsets[i]!));
    digests.put(session.id, KIND + every, basis, { meta: { version: VERSION }, columns: [Int32Array.from(rowIds), Int32Array.from(counts), offsets, allTimes, allStacks] });
  });
}

/**
 * The window's chunks in time order: from `strided` where a chunk lies wholly inside the window
 * (its first sample at or after the start, its last at or before the end), else its samples.
 */
export function* windowChunks(cache: CpuSampleCache, sessionId: string, range: TimeRange, strided: StridedSamples | null): Generator<SampleChunk | StridedChunk> {
  for (const chunk of cache.session(sessionId).chunks) {
    if (chunk.endUs < range.fromUs || chunk.startUs > range.toUs) continue;
    const few = strided && inside(chunk, range) ? strided.chunks.get(chunk.rowId) : undefined;
    if (few) yield { threadId: chunk.threadId, timesUs: few.timesUs, stackIds: few.stackIds, every: strided!.every, count: few.count };
    else {
      const { timesUs, stackIds } = cache.samples(sessionId, chunk);
      yield { threadId: chunk.threadId, timesUs, stackIds };
    }
  }
}

function inside(chunk: ChunkInfo, range: TimeRange): boolean {
  return chunk.startUs >= range.fromUs && chunk.endUs <= range.toUs;
}
