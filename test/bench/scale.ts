// Scale: a session of 10M CPU samples, 1M trace events, 100k spans and 100k logs, written through
// the store's write paths; the time to answer a selection at that size, per engine call; frame times
// of the window on it in Chromium; and speedscope opening the same CPU profile in the same run.
// Sizes: SCALE_FRACTION (default 1 = full) scales every count; SCALE_THREADS (default 3).
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/e2e-browser';
import { Store } from '../../src/main/engine/store/store';
import type { FrameStats } from './frame-probe';
import { FULL_SIZES, type ScaleSizes, writeScaleSession } from './scale-session';
import { SELECTION_CALLS, type SelectionCase, benchSelectionLatency } from './selection-latency';
import { type SpeedscopeResult, benchSpeedscope } from './speedscope-open';
import { formatCount, formatRatio, formatTable } from './text-table';
import { type ViewResult, benchParallaxView } from './view-frames';

const WARM_RUNS = 3;
/** Profile sizes tried, largest first, when speedscope cannot open the full one. */
const SPEEDSCOPE_LADDER = [1_000_000, 300_000, 100_000];
const GOAL_SELECTION_MS = 100;
const GOAL_FRAME_MS = 16;

export function scaleSizesFromEnv(env: NodeJS.ProcessEnv = process.env): ScaleSizes {
  const fraction = Number(env.SCALE_FRACTION ?? '1');
  if (!(fraction > 0)) throw new Error(`SCALE_FRACTION must be a positive number, not ${env.SCALE_FRACTION}`);
  const threads = Math.max(1, Math.floor(Number(env.SCALE_THREADS ?? FULL_SIZES.threads)));
  const scaled = (n: number): number => Math.max(1, Math.round(n * fraction));
  return { cpuSamples: scaled(FULL_SIZES.cpuSamples), traceEvents: scaled(FULL_SIZES.traceEvents), spans: scaled(FULL_SIZES.spans), logs: scaled(FULL_SIZES.logs), threads };
}

export interface ScaleResult {
  lines: string[];
  figures: Record<string, number>;
}

const ms = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 1 : 0)} ms` : 'n/a');
const frames = (s: FrameStats | undefined): string[] => (s ? [String(s.frames), ms(s.p50Ms), ms(s.p95Ms), ms(s.maxMs), `${s.longTasks} (max ${ms(s.longTaskMaxMs)})`] : ['-', '-', '-', '-', '-']);

export async function benchScale(dir: string, sizes: ScaleSizes, progress: (line: string) => void): Promise<ScaleResult> {
  const storePath = join(dir, 'scale.sqlite');
  const profilePath = join(dir, 'scale-main-thread.cpuprofile');
  progress(`scale: writing ${formatCount(sizes.cpuSamples)} samples on ${sizes.threads} threads, ${formatCount(sizes.traceEvents)} trace events, ${formatCount(sizes.spans)} spans, ${formatCount(sizes.logs)} logs`);
  const store = Store.open(storePath);
  const session = await writeScaleSession(store, sizes, profilePath).finally(() => store.close());
  progress(`  written in ${(session.generationMs / 1000).toFixed(1)} s`);

  progress('scale: selection latency (cold = first question after opening the store)');
  const cases = await benchSelectionLatency(storePath, { ...session, threadId: session.threads[1] ?? 0, spanId: session.sampleSpanIds[0] ?? '' }, WARM_RUNS, progress);

  let view: ViewResult | null = null;
  let speedscope: SpeedscopeResult | null = null;
  let smaller: SmallerComparison | null = null;
  const skip = browserSkipReason();
  if (skip) progress(`scale: no browser figures: ${skip}`);
  else {
    const browser = await launchChromium();
    try {
      progress('scale: speedscope on the main thread profile');
      speedscope = await benchSpeedscope(browser, profilePath, progress);
      if (speedscope.failure) progress(`  speedscope failed: ${speedscope.failure}`);
      progress('scale: the Parallax window on the session');
      view = await benchParallaxView(browser, storePath, session.sessionId, progress);
      if (speedscope.failure) smaller = await largestSpeedscopeOpens(browser, dir, storePath, Math.ceil(sizes.cpuSamples / sizes.threads), progress);
    } finally {
      await browser.close();
    }
  }
  const result = report(sizes, session.generationMs, cases, view, speedscope);
  if (smaller) {
    const ratio = smaller.speedscopeMs / smaller.parallaxMs;
    result.lines.push(
      `Largest profile speedscope opened: ${formatCount(smaller.samples)} samples (one thread; failed at ${smaller.failedAt.map(formatCount).join(', ')}): ` +
        `speedscope ${ms(smaller.speedscopeMs)} vs Parallax ${ms(smaller.parallaxMs)} on a session of the same samples: ${formatRatio(ratio)}`,
    );
    result.figures['scale.speedscopeLargestSamples'] = smaller.samples;
    result.figures['scale.speedscopeVsParallaxOpenAtLargest'] = round(ratio, 2);
  }
  return result;
}

interface SmallerComparison {
  samples: number;
  speedscopeMs: number;
  parallaxMs: number;
  failedAt: number[];
}

/** speedscope on smaller one-thread profiles until one opens; Parallax opens a session of the same samples. */
async function largestSpeedscopeOpens(browser: Browser, dir: string, storePath: string, failedSamples: number, progress: (line: string) => void): Promise<SmallerComparison | null> {
  const failedAt = [failedSamples];
  for (const samples of SPEEDSCOPE_LADDER.filter((n) => n < failedSamples)) {
    const profilePath = join(dir, `scale-${samples}.cpuprofile`);
    const store = Store.open(storePath);
    const sizes = { cpuSamples: samples, threads: 1, traceEvents: samples / 10, spans: samples / 100, logs: samples / 100 };
    const session = await writeScaleSession(store, sizes, profilePath).finally(() => store.close());
    progress(`scale: speedscope on a ${formatCount(samples)}-sample profile`);
    const opened = await benchSpeedscope(browser, profilePath, progress, false);
    if (opened.failure) {
      progress(`  speedscope failed: ${opened.failure}`);
      failedAt.push(samples);
      continue;
    }
    const view = await benchParallaxView(browser, storePath, session.sessionId, progress, true);
    return { samples, speedscopeMs: opened.openMs, parallaxMs: view.openToFlameMs, failedAt };
  }
  return null;
}

function report(sizes: ScaleSizes, generationMs: number, cases: SelectionCase[], view: ViewResult | null, speedscope: SpeedscopeResult | null): ScaleResult {
  const lines: string[] = [];
  const perThread = Math.ceil(sizes.cpuSamples / sizes.threads);
  lines.push(
    `Scale: ${formatCount(sizes.cpuSamples)} CPU samples (${sizes.threads} threads), ${formatCount(sizes.traceEvents)} trace events, ${formatCount(sizes.spans)} spans, ${formatCount(sizes.logs)} logs; ` +
      `written through SessionWriter in ${(generationMs / 1000).toFixed(1)} s (${formatCount(sizes.cpuSamples / (generationMs / 1000))} samples/s with the rest)`,
    '',
    `Selection latency per engine call, ms cold / warm (median of ${WARM_RUNS}); goal: flame graph < ${GOAL_SELECTION_MS} ms`,
    formatTable(
      ['window', 'scope', 'flame nodes', ...SELECTION_CALLS, 'all calls'],
      cases.map((c) => [c.window, c.scope, formatCount(c.flameNodes), ...SELECTION_CALLS.map((call) => `${c.cold[call].toFixed(0)} / ${c.warm[call].toFixed(0)}`), `${c.coldTotalMs.toFixed(0)} / ${c.warmTotalMs.toFixed(0)}`]),
    ),
  );
  const worstWarmFlame = Math.max(...cases.map((c) => c.warm.flame));
  const worstColdFlame = Math.max(...cases.map((c) => c.cold.flame));
  lines.push(`Flame graph: worst warm ${ms(worstWarmFlame)} (${worstWarmFlame < GOAL_SELECTION_MS ? 'met' : 'MISSED'}), worst cold ${ms(worstColdFlame)} (${worstColdFlame < GOAL_SELECTION_MS ? 'met' : 'MISSED'})`);

  const figures: Record<string, number> = {
    'scale.generationSec': round(generationMs / 1000, 1),
    'scale.flameWarmWorstMs': round(worstWarmFlame, 1),
    'scale.flameColdWorstMs': round(worstColdFlame, 1),
    'scale.selectionWarmWorstMs': round(Math.max(...cases.map((c) => c.warmTotalMs)), 1),
  };
  if (view || speedscope) {
    const rows: string[][] = [];
    for (const [name, stats] of Object.entries(view?.interactions ?? {})) rows.push([`Parallax: ${name}`, ...frames(stats)]);
    for (const [name, stats] of Object.entries(speedscope?.interactions ?? {})) rows.push([`speedscope: ${name}`, ...frames(stats)]);
    lines.push('', `Frame times while interacting (Chromium, 1440x900, requestAnimationFrame deltas; goal < ${GOAL_FRAME_MS} ms)`, formatTable(['view: interaction', 'frames', 'p50', 'p95', 'max', 'long tasks'], rows));
    if (view) {
      lines.push(`Parallax: session click -> flame graph drawn ${ms(view.openToFlameMs)}, -> idle ${ms(view.openToIdleMs)}; brush -> answered ${view.brushToIdleMs.map(ms).join(', ')}`);
      lines.push(view.hasTimeline ? `Timeline last draw: ${view.timelineDrawMs.map(ms).join(', ')}` : 'Timeline: not in this build (frame times above are the flame graph and metric charts)');
      figures['scale.parallaxOpenToFlameMs'] = Math.round(view.openToFlameMs);
      figures['scale.parallaxOpenToIdleMs'] = Math.round(view.openToIdleMs);
      for (const [name, stats] of Object.entries(view.interactions)) figures[`scale.frameP95Ms.${name.replace(/\W+/g, '_')}`] = round(stats.p95Ms, 1);
    }
    if (speedscope) {
      const ratio = view ? speedscope.openMs / view.openToFlameMs : NaN;
      lines.push(
        speedscope.failure
          ? `speedscope could not open the ${formatCount(perThread)}-sample main thread profile: ${speedscope.failure}`
          : `speedscope: navigation -> ${formatCount(perThread)}-sample main thread profile drawn ${ms(speedscope.openMs)}; ` +
              `speedscope / Parallax (all ${formatCount(sizes.cpuSamples)} samples) open time: ${formatRatio(ratio)}`,
      );
      figures['scale.speedscopeOpenMs'] = Math.round(speedscope.openMs);
      if (Number.isFinite(ratio)) figures['scale.speedscopeVsParallaxOpen'] = round(ratio, 2);
    }
  }
  return { lines, figures };
}

function round(n: number, digits: number): number {
  return Number(n.toFixed(digits));
}
