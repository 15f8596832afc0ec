// Flame-chart slices from samples: merging runs, gaps, narrow-slice merging, stride, bounded size.
import { describe, expect, it } from 'vitest';
import { sampleStride, slicesOfChunks, stackColumns } from '../../../src/main/engine/analysis/timeline-slices';
import type { TimelineThreadSlices } from '../../../src/shared/timeline';

// Stack table: 0 root; 1 = main (fn 0); 2 = main>work (fn 1); 3 = main>idleWait (fn 2); 4 = main>work>leaf (fn 3); 5 = (idle) (fn 9)
const stacks = stackColumns({
  parent: Int32Array.from([-1, 0, 1, 1, 2, 0]),
  functionId: Int32Array.from([-1, 0, 1, 2, 3, 9]),
});

function run(times: number[], ids: number[], resolutionUs = 1, intervalUs = 1000, threadId = 0): TimelineThreadSlices {
  const range = { fromUs: 0, toUs: 1e12 };
  const [one] = slicesOfChunks(
    [{ threadId, timesUs: Float64Array.from(times), stackIds: Int32Array.from(ids) }],
    stacks,
    { range, resolutionUs, intervalUs, hiddenFunctions: new Set([9]) },
    null,
  );
  return one!;
}

function rows(s: TimelineThreadSlices): string[] {
  return [...s.depth]
    .map((d, i) => `${d}:${s.functionId[i]}@${s.startUs[i]}-${s.endUs[i]}${s.merged[i]! > 1 ? `x${s.merged[i]}` : ''}`)
    .sort();
}

describe('flame-chart slices', () => {
  it('merges consecutive samples that share a stack node at a depth into one slice', () => {
    const s = run([0, 1000, 2000, 3000, 4000], [2, 2, 4, 4, 3]);
    expect(rows(s)).toEqual(['0:0@0-5000', '1:1@0-4000', '1:2@4000-5000', '2:3@2000-4000'].sort());
    expect(s.maxDepth).toBe(3);
    expect(s.sampleCount).toBe(5);
  });

  it('does not draw (idle), and ends a stack one cap after its sample across a gap', () => {
    const s = run([0, 1000, 2000, 50_000], [1, 5, 5, 1]);
    expect(rows(s)).toEqual(['0:0@0-1000', '0:0@50000-51000']);
    // A gap longer than ten intervals: the open frame closes at 10 intervals, not at the next sample.
    const gap = run([0, 100_000], [2, 2]);
    expect(rows(gap)).toEqual(['0:0@0-10000', '0:0@100000-101000', '1:1@0-10000', '1:1@100000-101000'].sort());
  });

  it('merges runs of slices narrower than the resolution, named after the longest part', () => {
    // work and idleWait alternate every sample (1 ms each) at a resolution just under 2 ms (every sample read).
    const times = Array.from({ length: 40 }, (_, i) => i * 1000);
    const ids = times.map((_, i) => (i % 2 === 0 ? 2 : 3));
    const s = run(times, ids, 1999, 1000);
    expect(s.sampleStride).toBe(1);
    const depth1 = [...s.depth].map((d, i) => [d, i] as const).filter(([d]) => d === 1);
    expect(depth1).toHaveLength(1);
    const i = depth1[0]![1];
    expect(s.merged[i]).toBe(40);
    expect(s.startUs[i]).toBe(0);
    expect(s.endUs[i]).toBe(40_000);
    // main covers it all as one wide slice.
    expect(rows(s)).toContain('0:0@0-40000');
  });

  it('steps over samples when a pixel holds many, so the work follows pixels', () => {
    expect(sampleStride(1000, 1000)).toBe(1);
    // A power of two: two to four samples a pixel.
    expect(sampleStride(100_000, 1000)).toBe(32);
    expect(sampleStride(128_000, 1000)).toBe(64);
    expect(sampleStride(3999, 1000)).toBe(1);
    // A 20 ms frame is still there, within a pixel, at 2 ms per pixel.
    const times = Array.from({ length: 200 }, (_, i) => i * 100);
    const ids = times.map((t) => (t >= 5000 && t < 7000 ? 4 : 2));
    const s = run(times, ids, 2000, 100);
    expect(s.sampleStride).toBe(8);
    expect(s.sampleCount).toBe(200);
    const leaf = s.depth.findIndex((d) => d === 2);
    expect(Math.abs(s.startUs[leaf]! - 5000)).toBeLessThanOrEqual(2000);
    expect(Math.abs(s.endUs[leaf]! - 7000)).toBeLessThanOrEqual(2000);
  });

  it('keeps the answer bounded by pixels however many samples a window holds', () => {
    const n = 400_000;
    const times = new Float64Array(n);
    const ids = new Int32Array(n);
    let seed = 7;
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      times[i] = i * 1000;
      ids[i] = 1 + (seed % 4);
    }
    const widthPx = 1000;
    const resolutionUs = (n * 1000) / widthPx;
    const [s] = slicesOfChunks([{ threadId: 0, timesUs: times, stackIds: ids }], stacks, { range: { fromUs: 0, toUs: n * 1000 }, resolutionUs, intervalUs: 1000, hiddenFunctions: new Set() }, null);
    expect(s!.sampleCount).toBe(n);
    // At most two slices per pixel column per depth (a wide one and a merged run), plus the edges.
    expect(s!.depth.length).toBeLessThanOrEqual(2 * widthPx * s!.maxDepth + 2 * s!.maxDepth);
  });

  it('reads only the wanted threads and cuts at the window', () => {
    const chunk = (threadId: number) => ({ threadId, timesUs: Float64Array.from([0, 1000, 2000, 3000]), stackIds: Int32Array.from([2, 2, 2, 2]) });
    const out = slicesOfChunks([chunk(0), chunk(1)], stacks, { range: { fromUs: 1000, toUs: 2500 }, resolutionUs: 1, intervalUs: 1000, hiddenFunctions: new Set() }, new Set([1]));
    expect(out.map((s) => s.threadId)).toEqual([1]);
    expect(out[0]!.sampleCount).toBe(2);
    expect(Math.min(...out[0]!.startUs)).toBe(1000);
    expect(Math.max(...out[0]!.endUs)).toBe(2500);
  });

  it('gives the same slices from every 64th sample of the chunks inside the window as from all of them', () => {
    let seed = 11;
    const chunks = [0, 1, 2, 0, 1, 2, 0].map((threadId, c) => {
      const n = 500 + c * 137;
      const times = new Float64Array(n);
      const ids = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        times[i] = c * 1_000_000 + i * 1000 + (seed % 7);
        ids[i] = seed % 50 === 0 ? 999 : 1 + (seed % 5);
      }
      return { threadId, timesUs: times, stackIds: ids };
    });
    for (const every of [64, 128]) {
      const strided = chunks.map((chunk) => {
        const pick = (_: number, j: number): number => j * every;
        const m = Math.ceil(chunk.timesUs.length / every);
        const at = Array.from({ length: m }, pick);
        return { ...chunk, timesUs: Float64Array.from(at, (i) => chunk.timesUs[i]!), stackIds: Int32Array.from(at, (i) => chunk.stackIds[i]!), every, count: chunk.timesUs.length };
      });
      for (const resolutionUs of [128_000, 256_000, 1_000_000]) {
        if (sampleStride(resolutionUs, 1000) % every !== 0) continue;
        const options = { range: { fromUs: 0, toUs: 8_000_000 }, resolutionUs, intervalUs: 1000, hiddenFunctions: new Set([9]) };
        expect(slicesOfChunks(strided, stacks, options, null)).toEqual(slicesOfChunks(chunks, stacks, options, null));
        expect(slicesOfChunks(strided, stacks, options, new Set([1]))).toEqual(slicesOfChunks(chunks, stacks, options, new Set([1])));
      }
    }
  });

  it('treats an unknown stack id as the root instead of failing', () => {
    const s = run([0, 1000, 2000], [2, 999, 2]);
    expect(rows(s)).toEqual(['0:0@0-1000', '0:0@2000-3000', '1:1@0-1000', '1:1@2000-3000'].sort());
  });
});
