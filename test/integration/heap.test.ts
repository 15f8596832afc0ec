// The heap signal end to end on a real target: sampling profiles land on call stacks, and heap
// snapshots taken during a recording are streamed to files, summarised and diffed by constructor.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFolder } from '../../src/main/engine/capture/heap';
import { Engine } from '../../src/main/engine/engine';
import type { RecordingProgress } from '../../src/shared/domain';
import { announcedWsUrl, tempStorePath } from '../support/store-files';
import { type StartedTarget, startTarget, waitFor } from '../support/targets';
import { cleanupsAfterEach } from '../support/cleanups';

const GROWING = resolve(__dirname, '../fixtures/heap-growing-target.cjs');
const WORKERS = resolve(__dirname, '../fixtures/workers-target.cjs');

const cleanups = cleanupsAfterEach();

function openEngine(): { engine: Engine; storePath: string } {
  const store = tempStorePath();
  const engine = Engine.open({ storePath: store.path });
  cleanups.push(() => store.remove());
  cleanups.push(() => engine.close());
  return { engine, storePath: store.path };
}

async function growingTarget(): Promise<{ target: StartedTarget; wsUrl: string }> {
  const target = await startTarget(GROWING, { nodeArgs: ['--inspect=127.0.0.1:0'], args: ['100'] });
  cleanups.push(() => target.stop());
  await waitFor('the inspector announcement', () => announcedWsUrl(target.stderr()) !== null);
  return { target, wsUrl: announcedWsUrl(target.stderr())! };
}

/** The cache size the target printed last. */
function recordsHeld(target: StartedTarget): number {
  const all = [...target.stdout().matchAll(/^records (\d+)$/gm)];
  return Number(all.at(-1)?.[1] ?? 0);
}

describe('the heap signal', () => {
  it('stores sampled allocations on the allocating function, and snapshots that show the growth', async () => {
    const { engine, storePath } = openEngine();
    const { target, wsUrl } = await growingTarget();
    let progress: RecordingProgress | null = null;
    const unsubscribe = engine.events.on('recording', (p) => (progress = p));
    cleanups.push(unsubscribe);
    const { sessionId } = await engine.startRecording({ target: { kind: 'ws', url: wsUrl }, signals: ['heap'] });

    // The sampler is read every ~2 s.
    await waitFor('heap samples in the progress counts', () => (progress?.counts.heapSamples ?? 0) > 0, 15_000);
    const heldAtFirst = recordsHeld(target);
    const first = await engine.takeHeapSnapshot(sessionId);
    const before = (await engine.getSnapshotClasses(first.id)).find((c) => c.name === 'RetainedRecord');
    await waitFor('the target to grow its cache by 10,000 records', () => recordsHeld(target) >= before!.count + 10_000, 20_000);
    const second = await engine.takeHeapSnapshot(sessionId, 0);
    const session = await engine.stopRecording(sessionId);
    expect(session.status).toBe('completed');

    const summary = await engine.getSummary(sessionId);
    expect(summary.counts.heapSamples).toBeGreaterThan(0);
    const tree = await engine.getAllocationTree(sessionId);
    expect(tree.sampleCount).toBe(summary.counts.heapSamples);
    const allocating = tree.functions.findIndex((f) => f.name === 'allocateRecords' && f.url.includes('heap-growing-target.cjs'));
    expect(allocating).toBeGreaterThanOrEqual(0);
    const allocatingBytes = tree.functionId.reduce((sum, fn, node) => (fn === allocating ? sum + tree.totalBytes[node]! : sum), 0);
    // Nearly everything the target allocates is allocated there.
    expect(allocatingBytes).toBeGreaterThan(tree.totalBytes[0]! * 0.3);

    for (const info of [first, second]) {
      expect(info.status).toBe('complete');
      expect(info.threadId).toBe(0);
      expect(info.endedUs).toBeGreaterThan(info.startedUs);
      expect(info.startedUs).toBeGreaterThanOrEqual(session.startedAt);
      expect(info.sizeBytes).toBeGreaterThan(1_000_000);
    }
    expect(await engine.listHeapSnapshots(sessionId)).toEqual([first, second]);

    const after = (await engine.getSnapshotClasses(second.id)).find((c) => c.name === 'RetainedRecord');
    // The snapshot is taken a moment after the count was printed: the same order of magnitude.
    expect(before!.count).toBeGreaterThanOrEqual(heldAtFirst * 0.9);
    expect(before!.count).toBeLessThanOrEqual(heldAtFirst * 2 + 10_000);
    expect(after!.count).toBeGreaterThanOrEqual(before!.count + 10_000);
    const diff = await engine.diffSnapshots(first.id, second.id);
    const grown = diff.find((d) => d.name === 'RetainedRecord')!;
    expect(grown.countAfter - grown.countBefore).toBeGreaterThanOrEqual(10_000);
    expect(grown.selfSizeBytesAfter).toBeGreaterThan(grown.selfSizeBytesBefore);

    const folder = snapshotFolder(storePath, sessionId);
    const files = readdirSync(folder).filter((f) => f.endsWith('.heapsnapshot'));
    expect(files).toHaveLength(2);
    for (const file of files) {
      const path = join(folder, file);
      expect([first.sizeBytes, second.sizeBytes]).toContain(statSync(path).size);
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { node_count: number }; strings: string[] };
      expect(parsed.snapshot.node_count).toBeGreaterThan(10_000);
      expect(parsed.strings).toContain('RetainedRecord');
    }
    await engine.deleteSession(sessionId);
    expect(existsSync(folder)).toBe(false);
  });

  it('takes a snapshot of a worker thread and of the main thread, each by its own capture', async () => {
    const { engine } = openEngine();
    const target = await startTarget(WORKERS, { nodeArgs: ['--inspect=127.0.0.1:0'], args: ['--late-after', '60000'] });
    cleanups.push(() => target.stop());
    await waitFor('the inspector announcement', () => announcedWsUrl(target.stderr()) !== null);
    const { sessionId } = await engine.startRecording({ target: { kind: 'ws', url: announcedWsUrl(target.stderr())! }, signals: ['heap', 'workers'] });
    await waitFor('a worker thread', async () => (await engine.listThreads(sessionId)).some((t) => t.id !== 0), 15_000);
    const worker = (await engine.listThreads(sessionId)).find((t) => t.id !== 0)!;
    const ofWorker = await engine.takeHeapSnapshot(sessionId, worker.id);
    const ofMain = await engine.takeHeapSnapshot(sessionId, 0);
    await engine.stopRecording(sessionId);
    expect([ofWorker.threadId, ofWorker.status, ofMain.threadId, ofMain.status]).toEqual([worker.id, 'complete', 0, 'complete']);
    // Two isolates, two different heaps, each summarised.
    expect(ofWorker.sizeBytes).not.toBe(ofMain.sizeBytes);
    for (const info of [ofWorker, ofMain]) {
      expect((await engine.getSnapshotClasses(info.id)).find((c) => c.name === '(string)')?.count).toBeGreaterThan(100);
    }
  });

  it('refuses snapshots of a thread it does not record, and of a recording without the heap signal', async () => {
    const { engine } = openEngine();
    const { wsUrl } = await growingTarget();
    const { sessionId } = await engine.startRecording({ target: { kind: 'ws', url: wsUrl }, signals: ['heap'] });
    await expect(engine.takeHeapSnapshot(sessionId, 5)).rejects.toThrow(/Thread 5 has no heap capture/);
    await engine.stopRecording(sessionId);
    await expect(engine.takeHeapSnapshot(sessionId)).rejects.toThrow(/needs a running recording/);

    const other = await growingTarget();
    const { sessionId: withoutHeap } = await engine.startRecording({ target: { kind: 'ws', url: other.wsUrl }, signals: ['logs'] });
    await expect(engine.takeHeapSnapshot(withoutHeap)).rejects.toThrow(/record with the heap signal/);
    await engine.stopRecording(withoutHeap);
    await expect(engine.getSnapshotClasses(424242)).rejects.toThrow(/No heap snapshot 424242/);
  });
});
