// The timeline in the browser, on a real recording of a service that calls itself: drawn tracks,
// a dragged range the flame graph follows, keyboard zoom and pan, Escape, hover, both themes.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, browserSkipReason, launchChromium, REPO_ROOT, type ServedParallax, startServe, recordWithCli, waitIdle } from '../support/e2e-browser';
import { tempStorePath } from '../support/store-files';

const TARGET = join(REPO_ROOT, 'test/fixtures/timeline-target.cjs');

const skipReason = browserSkipReason();
if (skipReason) console.warn(`Skipping the timeline browser tests: ${skipReason}`);

async function viewWindow(page: Page): Promise<{ fromUs: number; toUs: number }> {
  const timeline = page.getByTestId('timeline');
  return { fromUs: Number(await timeline.getAttribute('data-view-from-us')), toUs: Number(await timeline.getAttribute('data-view-to-us')) };
}

async function openSession(page: Page, url: string, sessionId: string): Promise<void> {
  await page.goto(url);
  await waitIdle(page);
  await page.locator(`[data-testid=session-row][data-session-id="${sessionId}"]`).click();
  await waitIdle(page);
}

describe.skipIf(skipReason !== null)('the timeline', () => {
  const store = tempStorePath();
  let sessionId = '';
  let served: ServedParallax | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    sessionId = await recordWithCli(store.path, ['--duration', '3', '--name', 'orders service', '--signals', 'cpu,logs,metrics,heap,trace,agent', '--', process.execPath, TARGET]);
    served = await startServe(store.path);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    store.remove();
  });

  it('draws every track, selects a dragged range the flame graph follows, zooms and pans by key, clears on Escape', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    try {
      await openSession(page, served!.url, sessionId);
      const timeline = page.getByTestId('timeline');
      await expect.poll(async () => Number(await timeline.getAttribute('data-items-drawn'))).toBeGreaterThan(50);
      expect(Number(await timeline.getAttribute('data-last-draw-ms'))).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('timeline-lane').count()).toBeGreaterThan(0);
      await page.screenshot({ path: artifactPath('timeline-dark.png') });

      const samples = async () => Number((await page.getByTestId('session-samples').textContent())?.replace(/[^\d]/g, '') ?? 'NaN');
      const wholeSamples = await samples();
      expect(wholeSamples).toBeGreaterThan(100);
      const whole = await viewWindow(page);
      const canvas = (await page.getByTestId('timeline-canvas').boundingBox())!;
      // Drag across a fifth of the plot in the ruler: a range, not a click.
      await page.mouse.move(canvas.x + 600, canvas.y + 12);
      await page.mouse.down();
      await page.mouse.move(canvas.x + 800, canvas.y + 12, { steps: 6 });
      await page.mouse.up();
      await waitIdle(page);
      const chip = page.getByTestId('range-chip');
      await expect.poll(() => chip.count()).toBe(1);
      // The summary and flame graph follow the selection: some samples, fewer than the whole session.
      const selectedSamples = await samples();
      expect(selectedSamples).toBeGreaterThan(0);
      expect(selectedSamples).toBeLessThan(wholeSamples * 0.5);
      expect(Number(await page.getByTestId('flame-canvas').getAttribute('data-frames-drawn'))).toBeGreaterThan(0);

      // Keyboard: the view window changes, the selection does not.
      await timeline.focus();
      await page.keyboard.press('w');
      await page.keyboard.press('w');
      await waitIdle(page);
      const zoomed = await viewWindow(page);
      expect(zoomed.toUs - zoomed.fromUs).toBeLessThan((whole.toUs - whole.fromUs) * 0.6);
      await page.keyboard.press('d');
      await waitIdle(page);
      const panned = await viewWindow(page);
      expect(panned.fromUs).toBeGreaterThan(zoomed.fromUs);
      expect(panned.toUs - panned.fromUs).toBeCloseTo(zoomed.toUs - zoomed.fromUs, -2);
      await expect.poll(() => chip.count()).toBe(1);

      // Hover over the CPU track shows exact times. Where the target idled the track is empty, so
      // the pointer sweeps the track until it rests on a slice.
      const tooltip = page.getByTestId('timeline-tooltip');
      for (let x = 400; x < canvas.width - 20 && (await tooltip.count()) === 0; x += 24) {
        await page.mouse.move(canvas.x + x, canvas.y + 40);
        await page.mouse.move(canvas.x + x + 2, canvas.y + 42);
        await page.waitForTimeout(50);
      }
      await expect.poll(() => tooltip.count()).toBe(1);
      expect(await tooltip.textContent()).toMatch(/Start.*End.*Duration/);
      await page.screenshot({ path: artifactPath('timeline-zoomed-dark.png') });

      // Escape clears the selection; typing in the search box does not zoom.
      await timeline.focus();
      await page.keyboard.press('Escape');
      await waitIdle(page);
      await expect.poll(() => chip.count()).toBe(0);
      const beforeTyping = await viewWindow(page);
      await page.keyboard.press('/');
      await page.keyboard.type('wasd');
      await waitIdle(page);
      expect(await viewWindow(page)).toEqual(beforeTyping);

      // The search box highlights matching slices on the timeline too (name or file).
      await page.getByTestId('flame-search').fill('renderTable');
      await waitIdle(page);
      await expect.poll(async () => Number(await timeline.getAttribute('data-search-matches'))).toBeGreaterThan(0);
      await page.screenshot({ path: artifactPath('timeline-search-dark.png') });
    } finally {
      await page.close();
    }
  });

  it('looks right in the light theme too', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    try {
      await openSession(page, served!.url, sessionId);
      await expect.poll(async () => Number(await page.getByTestId('timeline').getAttribute('data-items-drawn'))).toBeGreaterThan(50);
      await page.screenshot({ path: artifactPath('timeline-light.png') });
    } finally {
      await page.close();
    }
  });
});
