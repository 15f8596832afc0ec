// Following worker threads while recording: each worker is its own thread with its own CPU
// samples and logs, including a worker that starts mid-recording and one that exits.
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { announcedWsUrl } from '../support/store-files';
import { type StartedTarget, startTarget, waitFor } from '../support/targets';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';

const WORKERS = resolve(__dirname, '../fixtures/workers-target.cjs');

const cleanups = cleanupsAfterEach();

function openEngine(): { engine: Engine; path: string } {
  return openTestEngine(cleanups);
}

async function inspectedTarget(args: string[] = []): Promise<{ target: StartedTarget; wsUrl: string }> {
  const target = await startTarget(WORKERS, { nodeArgs: ['--inspect=127.0.0.1:0'], args });
  cleanups.push(() => target.stop());
  await waitFor('the inspector announcement', () => announcedWsUrl(target.stderr()) !== null);
  return { target, wsUrl: announcedWsUrl(target.stderr())! };
}

function threadRows(path: string, sessionId: string): { id: number; name: string; started_us: number; ended_us: number | null }[] {
  const reader = new Database(path, { readonly: true });
  try {
    return reader.prepare('SELECT id, name, started_us, ended_us FROM threads WHERE session_id = ? ORDER BY id').all(sessionId) as {
      id: number;
      name: string;
      started_us: number;
      ended_us: number | null;
    }[];
  } finally {
    reader.close();
  }
}

describe('following worker threads', () => {
  it('records each worker as its own thread, one of them started mid-recording', async () => {
    const { engine } = openEngine();
    const { wsUrl } = await inspectedTarget(['--late-after', '1000']);
    const { sessionId } = await engine.startRecording({
      target: { kind: 'ws', url: wsUrl },
      durationSec: 3.5,
      signals: ['cpu', 'logs', 'workers'],
    });
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.status).toBe('completed');
    expect(session.statusDetail).toBeNull();

    const summary = await engine.getSummary(sessionId);
    expect(summary.threads.map((t) => t.name)).toEqual(['main', 'crunch (worker 1)', 'late (worker 2)']);
    const [main, crunch, late] = summary.threads;
    expect(main!.id).toBe(0);
    expect(crunch!.topFunctions[0]?.name).toBe('crunchInWorker');
    expect(crunch!.topFunctions[0]?.url).toContain('workers-thread.cjs');
    expect(late!.topFunctions[0]?.name).toBe('crunchLate');
    // The crunch worker spins for the whole recording, the late one for the last ~2.5 s; at 1 ms
    // V8 gives up to ~900 samples/s per thread, far fewer when other processes load the two cores.
    expect(crunch!.cpuSamples).toBeGreaterThan(100);
    expect(late!.cpuSamples).toBeGreaterThan(100);
    // The main thread is mostly idle: its samples carry none of the workers' functions.
    expect(main!.topFunctions.map((f) => f.name)).not.toContain('crunchInWorker');
    expect(summary.counts.cpuSamples).toBe(main!.cpuSamples + crunch!.cpuSamples + late!.cpuSamples);

    // Each thread's samples lie inside the recording: the workers share the process's clock.
    const crunchTree = await engine.getFlameTree(sessionId, undefined, { threadId: crunch!.id });
    expect(crunchTree.sampleCount).toBe(crunch!.cpuSamples);
    const names = new Set(crunchTree.functionId.map((id) => crunchTree.functions[id]?.name));
    expect(names.has('crunchInWorker')).toBe(true);
    expect(names.has('crunchLate')).toBe(false);
    const inside = await engine.getFlameTree(sessionId, { fromUs: session.startedAt, toUs: session.endedAt! }, { threadId: crunch!.id });
    expect(inside.sampleCount).toBe(crunch!.cpuSamples);

    for (const [thread, text] of [
      [crunch!, 'crunch tick'],
      [late!, 'late tick'],
      [main!, 'main tick'],
    ] as const) {
      const logs = await engine.getLogs(sessionId, { offset: 0, limit: 200, text });
      expect(logs.records.length, text).toBeGreaterThanOrEqual(3);
      expect(logs.records.every((r) => r.threadId === thread.id)).toBe(true);
      const scoped = await engine.getLogs(sessionId, { offset: 0, limit: 200, threadId: thread.id });
      expect(scoped.records.every((r) => r.text.startsWith(text.split(' ')[0]!))).toBe(true);
    }
    const lateLogs = await engine.getLogs(sessionId, { offset: 0, limit: 200, text: 'late tick' });
    // The late worker waited for us before its first line: nothing of it was missed.
    expect(lateLogs.records.some((r) => r.text === 'late tick 1')).toBe(true);
  });

  it('ends a worker that exits mid-recording and records on', async () => {
    const { engine, path } = openEngine();
    const { target, wsUrl } = await inspectedTarget(['--late-after', '1500', '--late-exits-after', '700']);
    const { sessionId } = await engine.startRecording({
      target: { kind: 'ws', url: wsUrl },
      durationSec: 3.5,
      signals: ['cpu', 'logs', 'workers'],
    });
    await waitFor('the late worker to exit', () => target.stdout().includes('worker late exited'), 8000);
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.status).toBe('completed');

    const rows = threadRows(path, sessionId);
    expect(rows.map((r) => r.name)).toEqual(['main', 'crunch (worker 1)', 'late (worker 2)']);
    const late = rows[2]!;
    expect(late.ended_us).not.toBeNull();
    expect(late.ended_us! - late.started_us).toBeGreaterThan(500_000);
    expect(late.ended_us!).toBeLessThan(session.endedAt!);
    expect(rows[0]!.ended_us).toBeNull();
    expect(rows[1]!.ended_us).toBeNull();

    // The other worker is still recorded after the late one is gone.
    const after = await engine.getFlameTree(sessionId, { fromUs: late.ended_us! + 200_000, toUs: session.endedAt! }, { threadId: 1 });
    expect(after.sampleCount).toBeGreaterThan(100);
    const logs = await engine.getLogs(sessionId, { offset: 0, limit: 200, text: 'late tick' });
    expect(logs.records.length).toBeGreaterThanOrEqual(2);
  });
});
