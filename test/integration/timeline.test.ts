// getTimeline on a real recording (the hot function's slices cover its time) and on a generated
// session of a million samples (the answer stays sized by pixels).
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { encodeBinaryReply } from '../../src/shared/binary-frame';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';
import { writeSyntheticSession } from '../support/synthetic-timeline';

const SCENARIO = join(__dirname, '../fixtures/scenario-target.cjs');

describe('getTimeline', () => {
  const cleanups = cleanupsAfterEach();

  it('gives the hot function of a real recording slices that cover its profiled time', async () => {
    const { engine } = openTestEngine(cleanups);
    const { sessionId } = await engine.startRecording({
      target: { kind: 'launch', command: [process.execPath, SCENARIO, '--mark-every', '200'] },
      durationSec: 2,
      intervalUs: 1000,
      signals: ['cpu', 'logs', 'trace'],
    });
    const session = await engine.whenRecordingEnds(sessionId);
    const range = { fromUs: session.startedAt, toUs: session.endedAt! };
    // One microsecond per column, in a window short enough for that: every sample read, nothing merged away.
    const answer = await engine.getTimeline(sessionId, { range, widthPx: 16_384, includeFunctions: true });
    expect(answer.functions).not.toBeNull();
    expect(answer.extent!.fromUs).toBe(session.startedAt);
    const main = answer.slices.find((s) => s.threadId === 0)!;
    expect(main.sampleCount).toBeGreaterThan(500);
    const hotId = answer.functions!.findIndex((f) => f.name === 'hotFunction');
    expect(hotId).toBeGreaterThanOrEqual(0);
    expect(answer.functions![hotId]!.kind).toBe('app');

    let hotUs = 0;
    for (let i = 0; i < main.functionId.length; i++) {
      if (main.functionId[i] !== hotId || main.merged[i]! > 1) continue;
      hotUs += main.endUs[i]! - main.startUs[i]!;
      expect(main.endUs[i]!).toBeGreaterThan(main.startUs[i]!);
    }
    // The flame graph's total for the function is the same samples weighed the same way.
    const tree = await engine.getFlameTree(sessionId, range);
    let treeHotUs = 0;
    tree.functionId.forEach((fn, node) => {
      if (tree.functions[fn]?.name === 'hotFunction') treeHotUs += tree.totalUs[node]!;
    });
    expect(treeHotUs).toBeGreaterThan(100_000);
    expect(hotUs).toBeGreaterThan(treeHotUs * 0.8);
    expect(hotUs).toBeLessThan(treeHotUs * 1.2);

    // Logs and marks of the same window come along; the CPU profile shows as a capture.
    expect(answer.logCount).toBeGreaterThan(5);
    expect(answer.logs!.some((l) => l.text.startsWith('tick'))).toBe(true);
    expect(answer.captures.some((c) => c.kind === 'cpu-profile' && c.threadId === 0)).toBe(true);

    // Electron IPC carries the answer by structured clone (V8's serializer): its columns stay typed arrays.
    const cloned = deserialize(serialize({ ok: true, result: answer })) as { result: typeof answer };
    expect(cloned.result.slices[0]!.startUs).toBeInstanceOf(Float64Array);
    expect(cloned.result).toEqual(answer);

    // A narrow window holds less, and a thread filter leaves other threads out.
    const mid = (range.fromUs + range.toUs) / 2;
    const narrow = await engine.getTimeline(sessionId, { range: { fromUs: mid, toUs: mid + 100_000 }, widthPx: 800, threadIds: [7] });
    expect(narrow.slices).toEqual([]);
    expect(narrow.functions).toBeNull();
  });

  it('keeps the answer sized by pixels on a session of a million samples', async () => {
    const { engine } = openTestEngine(cleanups);
    const { startUs, endUs } = writeSyntheticSession(engine.store, 'big', { samples: 1_000_000, threads: 2, traceEvents: 100_000, spans: 30_000, logs: 30_000 });
    const widthPx = 1200;
    const began = performance.now();
    const whole = await engine.getTimeline('big', { range: { fromUs: startUs, toUs: endUs }, widthPx, includeFunctions: true });
    const wholeMs = performance.now() - began;
    for (const s of whole.slices) {
      expect(s.sampleCount).toBe(500_000);
      expect(s.depth.length).toBeLessThanOrEqual(2 * widthPx * s.maxDepth + 2 * s.maxDepth);
    }
    // Events per (thread, kind, column), logs per (level, column): pixels, not records.
    expect(whole.events.count.length).toBeLessThanOrEqual(2 * 2 * widthPx);
    expect(whole.events.count.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(whole.logs).toBeNull();
    expect(whole.logBuckets!.count.length).toBeLessThanOrEqual(6 * widthPx);
    expect(whole.logBuckets!.count.reduce((a, b) => a + b, 0)).toBe(30_000);
    expect(whole.logCount).toBe(30_000);
    expect(whole.spans.length + whole.spansOmitted).toBe(30_000);
    expect(whole.spans.length).toBeLessThanOrEqual(4000);
    expect(whole.spanDensity).toHaveLength(widthPx);
    // The same window again (show all, or back to where one was) is answered from memory.
    const began3 = performance.now();
    const again = await engine.getTimeline('big', { range: { fromUs: startUs, toUs: endUs }, widthPx });
    const againMs = performance.now() - began3;
    expect(again.slices).toEqual(whole.slices);
    expect(again.functions).toBeNull();
    // What the web host sends: one binary frame of the columns.
    const bytes = encodeBinaryReply(1, whole)!.byteLength;
    expect(bytes).toBeLessThan(3_000_000);

    // Zoomed in: a hundredth of the session answers faster than the whole, and reads every sample.
    const from = startUs + (endUs - startUs) * 0.4;
    const began2 = performance.now();
    const zoomed = await engine.getTimeline('big', { range: { fromUs: from, toUs: from + (endUs - startUs) / 100 }, widthPx: 4000 });
    const zoomedMs = performance.now() - began2;
    expect(zoomed.slices[0]!.sampleStride).toBe(1);
    expect(zoomed.logs).not.toBeNull();
    console.log(
      `getTimeline, 1M samples: whole ${wholeMs.toFixed(0)} ms (first ask, tables read), again ${againMs.toFixed(1)} ms, ${(bytes / 1024).toFixed(0)} KiB, ` +
        `${whole.slices.map((s) => s.depth.length).join('+')} slices; 1% window ${zoomedMs.toFixed(0)} ms, ${(encodeBinaryReply(2, zoomed)!.byteLength / 1024).toFixed(0)} KiB`,
    );
  });

  it('refuses a window that ends before it starts, or a width out of bounds, in words', async () => {
    const { engine } = openTestEngine(cleanups);
    writeSyntheticSession(engine.store, 'small', { samples: 10 });
    await expect(engine.getTimeline('small', { range: { fromUs: 10, toUs: 5 }, widthPx: 100 })).rejects.toThrow(/must end after it starts/);
    await expect(engine.getTimeline('small', { range: { fromUs: 0, toUs: 5 }, widthPx: 0 })).rejects.toThrow(/width must be 1 to/);
    await expect(engine.getTimeline('nope', { range: { fromUs: 0, toUs: 5 }, widthPx: 10 })).rejects.toThrow(/No session/);
  });
});
