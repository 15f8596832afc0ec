// Recording overhead on the target: its own throughput with no client, with only V8's profiler
// (a bare chrome-remote-interface session at 1 ms), and with a full Parallax recording.
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import CDP from 'chrome-remote-interface';
import type { Engine } from '../../src/main/engine/engine';
import { max, median, min } from './statistics';
import { startBenchTarget } from './target-process';

const THROUGHPUT_TARGET = fileURLToPath(new URL('./throughput-target.cjs', import.meta.url));
const INTERVAL_US = 1000;

export type OverheadConfig = 'none' | 'v8-profiler' | 'parallax';
export const OVERHEAD_CONFIGS: readonly OverheadConfig[] = ['none', 'v8-profiler', 'parallax'];

export interface OverheadOptions {
  rounds: number;
  /** Time after attaching before the window opens: JIT warm-up, and the captures settle. */
  warmupMs: number;
  windowMs: number;
}

export interface ThroughputRun {
  opsPerSec: number;
  /** Operations per second of the target's CPU time (all its threads): less sensitive to a busy machine. */
  opsPerCpuSec: number;
}

export interface ConfigResult {
  config: OverheadConfig;
  runs: ThroughputRun[];
  opsPerSec: { median: number; min: number; max: number };
  opsPerCpuSec: { median: number; min: number; max: number };
}

/**
 * Attaches what a configuration names to a target: nothing, a bare V8 profiler session, or a
 * Parallax recording. Returns what detaches it again.
 */
export async function attachClient(engine: Engine, config: OverheadConfig, wsUrl: string, intervalUs: number): Promise<() => Promise<void>> {
  if (config === 'v8-profiler') {
    const client = await CDP({ target: wsUrl, local: true });
    await client.Profiler.enable();
    await client.Profiler.setSamplingInterval({ interval: intervalUs });
    await client.Profiler.start();
    return async () => {
      await client.Profiler.stop().catch(() => undefined);
      await client.close().catch(() => undefined);
    };
  }
  if (config === 'parallax') {
    const { sessionId } = await engine.startRecording({ target: { kind: 'ws', url: wsUrl }, intervalUs });
    return async () => void (await engine.stopRecording(sessionId).catch(() => undefined));
  }
  return async () => undefined;
}

async function measureOnce(engine: Engine, config: OverheadConfig, options: OverheadOptions): Promise<ThroughputRun> {
  // Every configuration runs with the inspector open, so only the client attached differs.
  const target = await startBenchTarget(THROUGHPUT_TARGET, ['--inspect=127.0.0.1:0']);
  let detach = async (): Promise<void> => undefined;
  try {
    detach = await attachClient(engine, config, target.wsUrl!, INTERVAL_US);
    // A fixed warm-up period, not a wait for a condition: the target is already working.
    await delay(options.warmupMs);
    target.send(`measure ${options.windowMs}`);
    const line = await target.nextLine(/^ops \d+ /, options.windowMs + 15_000);
    const match = /^ops (\d+) wall-ms ([\d.]+) cpu-ms ([\d.]+)$/.exec(line);
    if (!match) throw new Error(`unexpected throughput line: ${line}`);
    const ops = Number(match[1]);
    return { opsPerSec: (ops / Number(match[2])) * 1000, opsPerCpuSec: (ops / Number(match[3])) * 1000 };
  } finally {
    await detach();
    await target.stop();
  }
}

function spread(values: number[]): { median: number; min: number; max: number } {
  return { median: median(values), min: min(values), max: max(values) };
}

/** Runs every configuration once per round, rotating the order each round so drift hits all alike. */
export async function benchRecordingOverhead(
  engine: Engine,
  options: OverheadOptions,
  onRun?: (config: OverheadConfig, run: ThroughputRun) => void,
): Promise<ConfigResult[]> {
  const runs = new Map<OverheadConfig, ThroughputRun[]>(OVERHEAD_CONFIGS.map((c) => [c, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < OVERHEAD_CONFIGS.length; k++) {
      const config = OVERHEAD_CONFIGS[(round + k) % OVERHEAD_CONFIGS.length]!;
      const run = await measureOnce(engine, config, options);
      runs.get(config)!.push(run);
      onRun?.(config, run);
    }
  }
  return OVERHEAD_CONFIGS.map((config) => {
    const list = runs.get(config)!;
    return {
      config,
      runs: list,
      opsPerSec: spread(list.map((r) => r.opsPerSec)),
      opsPerCpuSec: spread(list.map((r) => r.opsPerCpuSec)),
    };
  });
}
