// Maps the target's monotonic clock (CPU profiles, trace events) to epoch microseconds.
import type { InspectorSession } from '../inspector/connection';

/** epochUs = monotonicUs + offsetUs, for one target process. */
export interface ClockMapping {
  offsetUs: number;
  measuredAtUs: number;
}

// K = min over many pairs of (hrtime_ns - performance.now() * 1e6): performance.now() is hrtime
// shifted by a constant, and the smallest difference is the pair read closest together.
// timeOrigin is the wall clock at process start, so timeOrigin + performance.now() is epoch ms.
const MEASURE = `(() => {
  let k = Infinity;
  for (let i = 0; i < 200; i++) {
    const n = performance.now();
    const h = process.hrtime.bigint();
    const d = Number(h) - n * 1e6;
    if (d < k) k = d;
  }
  return { k, timeOrigin: performance.timeOrigin, nowEpochMs: performance.timeOrigin + performance.now() };
})()`;

export async function measureClock(connection: InspectorSession): Promise<ClockMapping> {
  const { k, timeOrigin, nowEpochMs } = await connection.evaluate<{ k: number; timeOrigin: number; nowEpochMs: number }>(MEASURE);
  return { offsetUs: timeOrigin * 1000 - k / 1000, measuredAtUs: nowEpochMs * 1000 };
}
