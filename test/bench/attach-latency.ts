// Attach-to-first-sample latency: a fresh busy target per run, recorded by PID (started without
// --inspect, so Parallax opens its inspector with SIGUSR1) or by its --inspect port.
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src/main/engine/engine';
import type { TargetSpec } from '../../src/shared/domain';
import { max, median } from './statistics';
import { startBenchTarget } from './target-process';

const BUSY_TARGET = fileURLToPath(new URL('../fixtures/busy-target.cjs', import.meta.url));
/** CPU samples reach the store at the first profile hand-off, 1 s after attaching; progress is reported every 500 ms. */
const FIRST_SAMPLE_TIMEOUT_MS = 15_000;

export type AttachMode = 'pid' | 'inspect';

export interface AttachRun {
  /** startRecording() called -> resolved (attached, every capture running). */
  startedMs: number;
  /** startRecording() called -> first progress event with cpuSamples > 0. */
  firstSampleMs: number;
}

export interface AttachResult {
  mode: AttachMode;
  runs: AttachRun[];
  startedMedianMs: number;
  startedMaxMs: number;
  firstSampleMedianMs: number;
  firstSampleMaxMs: number;
}

async function attachOnce(engine: Engine, mode: AttachMode): Promise<AttachRun> {
  const target = await startBenchTarget(BUSY_TARGET, mode === 'inspect' ? ['--inspect=127.0.0.1:0'] : []);
  let sessionId: string | null = null;
  let unsubscribe = (): void => undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    let spec: TargetSpec;
    if (mode === 'pid') spec = { kind: 'pid', pid: target.pid };
    else {
      const url = new URL(target.wsUrl!);
      spec = { kind: 'inspect', host: url.hostname, port: Number(url.port) };
    }
    const firstSample = new Promise<number>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no CPU sample within ${FIRST_SAMPLE_TIMEOUT_MS} ms of attaching`)), FIRST_SAMPLE_TIMEOUT_MS);
      // Only this run's recording is live, but its id is known only once startRecording resolves.
      unsubscribe = engine.events.on('recording', (progress) => {
        if (progress.status === 'recording' && progress.counts.cpuSamples > 0 && (sessionId === null || progress.sessionId === sessionId)) {
          clearTimeout(timer);
          resolve(performance.now());
        }
      });
    });
    firstSample.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    const t0 = performance.now();
    ({ sessionId } = await engine.startRecording({ target: spec, intervalUs: 1000 }));
    const startedMs = performance.now() - t0;
    const firstSampleMs = (await firstSample) - t0;
    return { startedMs, firstSampleMs };
  } finally {
    clearTimeout(timer);
    unsubscribe();
    if (sessionId) await engine.stopRecording(sessionId).catch(() => undefined);
    await target.stop();
  }
}

export async function benchAttachLatency(engine: Engine, mode: AttachMode, runs: number): Promise<AttachResult> {
  const results: AttachRun[] = [];
  for (let i = 0; i < runs; i++) results.push(await attachOnce(engine, mode));
  const started = results.map((r) => r.startedMs);
  const first = results.map((r) => r.firstSampleMs);
  return {
    mode,
    runs: results,
    startedMedianMs: median(started),
    startedMaxMs: max(started),
    firstSampleMedianMs: median(first),
    firstSampleMaxMs: max(first),
  };
}
