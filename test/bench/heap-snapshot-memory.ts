// What a heap snapshot costs Parallax: its own RSS growth while it takes, streams and summarises a
// snapshot of a target holding ~150 MB of objects, against the size of the snapshot file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../src/main/engine/engine';
import { announcedWsUrl } from '../support/store-files';
import { startTarget, waitFor } from '../support/targets';

const LARGE_TARGET = fileURLToPath(new URL('../fixtures/heap-large-target.cjs', import.meta.url));
const TARGET_MEGABYTES = 150;
const RSS_POLL_MS = 20;

/**
 * Figures (bytes and ms): snapshot file size, Parallax's peak RSS growth during the snapshot
 * (taking, writing and summarising), their ratio, the target's frozen time and the summary time.
 */
export async function benchHeapSnapshotMemory(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-heap-bench-'));
  const target = await startTarget(LARGE_TARGET, { nodeArgs: ['--inspect=127.0.0.1:0'], args: [String(TARGET_MEGABYTES)] });
  const engine = Engine.open({ storePath: join(dir, 'bench.sqlite') });
  let poll: NodeJS.Timeout | undefined;
  try {
    await waitFor('the inspector announcement', () => announcedWsUrl(target.stderr()) !== null);
    const { sessionId } = await engine.startRecording({ target: { kind: 'ws', url: announcedWsUrl(target.stderr())! }, signals: ['heap'] });

    global.gc?.();
    const rssBeforeBytes = process.memoryUsage.rss();
    let rssPeakBytes = rssBeforeBytes;
    poll = setInterval(() => (rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss())), RSS_POLL_MS);
    const calledMs = performance.now();
    const snapshot = await engine.takeHeapSnapshot(sessionId);
    const totalMs = performance.now() - calledMs;
    clearInterval(poll);
    rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss());
    await engine.stopRecording(sessionId);

    const frozenMs = (snapshot.endedUs! - snapshot.startedUs) / 1000;
    const growth = rssPeakBytes - rssBeforeBytes;
    const classes = await engine.getSnapshotClasses(snapshot.id);
    return {
      targetHeldMegabytes: TARGET_MEGABYTES,
      targetHeapSelfSizeBytes: classes.reduce((sum, c) => sum + c.selfSizeBytes, 0),
      snapshotFileBytes: snapshot.sizeBytes,
      parallaxRssBeforeBytes: rssBeforeBytes,
      parallaxRssPeakGrowthBytes: growth,
      rssGrowthPerSnapshotByte: growth / snapshot.sizeBytes,
      snapshotFrozenMs: Math.round(frozenMs),
      summariseMs: Math.round(totalMs - frozenMs),
      summaryClasses: classes.length,
    };
  } finally {
    clearInterval(poll);
    await engine.close();
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run alone: node --expose-gc --import tsx test/bench/heap-snapshot-memory.ts
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchHeapSnapshotMemory().then(
    (figures) => process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
