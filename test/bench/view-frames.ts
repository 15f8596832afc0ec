// The Parallax window on a large session in Chromium (`parallax serve`, 1440x900): time from
// clicking the session to its flame graph drawn and the window idle, frame times while hovering
// and zooming the flame graph, brushing the metric charts (each brush a selection change, timed
// until answered) and, where the canvas timeline exists, panning and zooming it with w/s/a/d
// (panning both the whole session and 3% of it).
import type { Browser, Page } from 'playwright-core';
import { artifactPath, startServe } from '../support/e2e-browser';
import { type FrameStats, holdKeys, startFrameProbe, stopFrameProbe, twoFrames } from './frame-probe';

const VIEWPORT = { width: 1440, height: 900 };
const WAIT_MS = 120_000;
const INTERACTION_MS = 3000;
const STEP_MS = 3000;

export interface ViewResult {
  /** Click on the session row to its flame graph drawn (canvas frames > 0). */
  openToFlameMs: number;
  /** Click on the session row to the window idle (every panel's first answer shown). */
  openToIdleMs: number;
  interactions: Record<string, FrameStats>;
  /** Metric-chart brushes (1%, 10%, 90% of the session): mouse up to the window idle again, the new answers drawn. */
  brushToIdleMs: number[];
  /** data-last-draw-ms of the timeline after each step, when the timeline exists. */
  timelineDrawMs: number[];
  hasTimeline: boolean;
}

async function waitIdle(page: Page): Promise<void> {
  await page.waitForSelector('body[data-idle="true"]', { state: 'attached', timeout: WAIT_MS });
}

async function drawCount(page: Page): Promise<number> {
  return page.evaluate(() => Number((document.querySelector('[data-testid="flame-canvas"]') as HTMLElement | null)?.dataset.drawCount ?? '0'));
}

async function measure(page: Page, interaction: () => Promise<void>): Promise<FrameStats> {
  await startFrameProbe(page);
  await interaction();
  await twoFrames(page);
  return stopFrameProbe(page);
}

export async function benchParallaxView(browser: Browser, storePath: string, sessionId: string, progress: (line: string) => void, openOnly = false): Promise<ViewResult> {
  const served = await startServe(storePath);
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    await page.goto(served.url);
    await waitIdle(page);
    const row = page.locator(`[data-testid="session-row"][data-session-id="${sessionId}"]`);
    await row.waitFor({ timeout: WAIT_MS });
    const clickedMs = performance.now();
    await row.click();
    await page.waitForFunction(() => Number((document.querySelector('[data-testid="flame-canvas"]') as HTMLElement | null)?.dataset.framesDrawn ?? '0') > 0, undefined, { timeout: WAIT_MS, polling: 'raf' });
    const openToFlameMs = performance.now() - clickedMs;
    await waitIdle(page);
    const openToIdleMs = performance.now() - clickedMs;
    progress(`  parallax: session click -> flame drawn ${openToFlameMs.toFixed(0)} ms, -> idle ${openToIdleMs.toFixed(0)} ms`);
    if (openOnly) return { openToFlameMs, openToIdleMs, interactions: {}, brushToIdleMs: [], timelineDrawMs: [], hasTimeline: false };

    const interactions: Record<string, FrameStats> = {};
    const canvas = page.getByTestId('flame-canvas');
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the flame canvas has no bounding box');
    interactions['flame hover'] = await measure(page, async () => {
      const until = performance.now() + INTERACTION_MS;
      for (let i = 0; performance.now() < until; i++) {
        const x = box.x + ((i * 37) % Math.max(1, box.width - 4)) + 2;
        const y = box.y + 9 + 18 * (i % Math.max(1, Math.min(12, Math.floor(box.height / 18))));
        await page.mouse.move(x, y);
      }
    });
    interactions['flame zoom'] = await measure(page, async () => {
      for (let i = 0; i < 6; i++) {
        const before = await drawCount(page);
        await page.mouse.click(box.x + box.width * (0.2 + 0.1 * i), box.y + 9 + 18 * (2 + i));
        // A click on empty space zooms nothing and draws nothing: do not wait long for it.
        await page.waitForFunction((n) => Number((document.querySelector('[data-testid="flame-canvas"]') as HTMLElement | null)?.dataset.drawCount ?? '0') > n, before, { timeout: STEP_MS, polling: 'raf' }).catch(() => undefined);
        await page.keyboard.press('Escape');
      }
    });
    await page.mouse.move(0, 0);

    const brushToIdleMs: number[] = [];
    const over = page.locator('[data-testid="metric-chart"] .u-over').first();
    const chart = await over.boundingBox();
    if (chart) {
      interactions['metric brush'] = await measure(page, async () => {
        for (const [from, to] of [
          [0.3, 0.31],
          [0.5, 0.6],
          [0.05, 0.95],
        ] as const) {
          await page.mouse.move(chart.x + chart.width * from, chart.y + chart.height / 2);
          await page.mouse.down();
          await page.mouse.move(chart.x + chart.width * to, chart.y + chart.height / 2, { steps: 8 });
          const upMs = performance.now();
          await page.mouse.up();
          // The flame panel reloads (and remounts its canvas): busy first, then idle with the answer drawn.
          await page.waitForSelector('body[data-idle="false"]', { state: 'attached', timeout: STEP_MS }).catch(() => undefined);
          await waitIdle(page);
          await page.waitForSelector('[data-testid="flame-graph"][data-state="ready"]', { state: 'attached', timeout: WAIT_MS });
          brushToIdleMs.push(performance.now() - upMs);
        }
      });
      progress(`  parallax: brush -> answered ${brushToIdleMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    }

    const timeline = page.locator('[data-testid="timeline"]').first();
    const hasTimeline = (await timeline.count()) > 0;
    const timelineDrawMs: number[] = [];
    if (hasTimeline) {
      await timeline.focus();
      for (const [name, keys] of [
        ['timeline zoom (w/s)', ['w', 's']],
        ['timeline pan (a/d)', ['a', 'd']],
      ] as const) {
        interactions[name] = await measure(page, async () => {
          await holdKeys(page, keys, INTERACTION_MS);
          timelineDrawMs.push(Number(await timeline.getAttribute('data-last-draw-ms')));
        });
      }
      // The whole session cannot pan (the window stops at its ends): pan it zoomed in ten steps too (3% of it).
      await page.keyboard.press('0');
      for (let i = 0; i < 10; i++) await page.keyboard.press('w');
      await waitIdle(page);
      interactions['timeline pan zoomed (a/d)'] = await measure(page, async () => {
        await holdKeys(page, ['a', 'd'], INTERACTION_MS);
        timelineDrawMs.push(Number(await timeline.getAttribute('data-last-draw-ms')));
      });
    }
    await page.screenshot({ path: artifactPath('scale-session.png') });
    return { openToFlameMs, openToIdleMs, interactions, brushToIdleMs, timelineDrawMs, hasTimeline };
  } finally {
    await page.close();
    await served.stop();
  }
}
