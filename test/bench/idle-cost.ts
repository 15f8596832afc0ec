// The CPU time a target spends because it is recorded: an idle target's own CPU time (from
// /proc) with no client, with only V8's profiler, and with a full Parallax recording. Unlike
// throughput, this hardly moves with the load of the machine.
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src/main/engine/engine';
import { type OverheadConfig, attachClient } from './recording-overhead';
import { median } from './statistics';
import { startBenchTarget } from './target-process';

const IDLE_TARGET = fileURLToPath(new URL('./idle-target.cjs', import.meta.url));
const CLOCK_TICKS_PER_SEC = 100;

/** utime + stime of a process, in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC;
}

async function costOnce(engine: Engine, config: OverheadConfig, windowMs: number, intervalUs: number): Promise<number> {
  const target = await startBenchTarget(IDLE_TARGET, ['--inspect=127.0.0.1:0']);
  let detach = async (): Promise<void> => undefined;
  try {
    detach = await attachClient(engine, config, target.wsUrl!, intervalUs);
    await delay(1000);
    const before = cpuMs(target.pid);
    await delay(windowMs);
    return ((cpuMs(target.pid) - before) / windowMs) * 1000;
  } finally {
    await detach();
    await target.stop();
  }
}

/** Median CPU ms per second the idle target spends under each configuration. */
export async function benchIdleCost(
  engine: Engine,
  options: { rounds: number; windowMs: number; intervalUs: number },
): Promise<Record<OverheadConfig, number>> {
  const runs: Record<OverheadConfig, number[]> = { none: [], 'v8-profiler': [], parallax: [] };
  for (let round = 0; round < options.rounds; round++) {
    for (const config of ['none', 'v8-profiler', 'parallax'] as const) {
      runs[config].push(await costOnce(engine, config, options.windowMs, options.intervalUs));
    }
  }
  return { none: median(runs.none), 'v8-profiler': median(runs['v8-profiler']), parallax: median(runs.parallax) };
}
