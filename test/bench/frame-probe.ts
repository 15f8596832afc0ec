// Frame times in a page while a person pans and zooms: requestAnimationFrame deltas and long tasks
// (PerformanceObserver), recorded in the page and read back after the interaction.
import type { Page } from 'playwright-core';

export interface FrameStats {
  frames: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  longTasks: number;
  longTaskMaxMs: number;
}

interface ProbeWindow {
  __probe?: { deltas: number[]; longTasks: number[]; running: boolean; observer: PerformanceObserver | null };
}

/** Starts recording frame deltas; call stopFrameProbe after the interaction. */
/**
 * In-page source, not a function: the bench runs under tsx, whose transform would name inner
 * functions with a helper that does not exist in the page.
 */
const PROBE_SOURCE = `(() => {
  const probe = { deltas: [], longTasks: [], running: true, observer: null };
  window.__probe = probe;
  try {
    probe.observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) probe.longTasks.push(entry.duration); });
    probe.observer.observe({ type: 'longtask', buffered: false });
  } catch { probe.observer = null; }
  let last = performance.now();
  const tick = (now) => {
    if (!probe.running) return;
    probe.deltas.push(now - last);
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
})()`;

/** Starts recording frame deltas; call stopFrameProbe after the interaction. */
export async function startFrameProbe(page: Page): Promise<void> {
  await page.evaluate(PROBE_SOURCE);
}

export async function stopFrameProbe(page: Page): Promise<FrameStats> {
  const { deltas, longTasks } = await page.evaluate(() => {
    const probe = (window as unknown as ProbeWindow).__probe!;
    probe.running = false;
    probe.observer?.disconnect();
    return { deltas: probe.deltas, longTasks: probe.longTasks };
  });
  return frameStats(deltas, longTasks);
}

function frameStats(deltas: number[], longTasks: number[]): FrameStats {
  const sorted = [...deltas].sort((a, b) => a - b);
  const at = (q: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN);
  return {
    frames: sorted.length,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : NaN,
    longTasks: longTasks.length,
    longTaskMaxMs: longTasks.length ? Math.max(...longTasks) : 0,
  };
}

/** Waits for two animation frames, so what was scheduled has been painted. */
export async function twoFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
}

/** Presses keys for about durationMs, one press per animation frame or so, as a held key repeats. */
export async function holdKeys(page: Page, keys: readonly string[], durationMs: number): Promise<void> {
  for (const key of keys) {
    const until = performance.now() + durationMs / keys.length;
    while (performance.now() < until) {
      await page.keyboard.press(key);
      await page.waitForTimeout(16);
    }
  }
}
