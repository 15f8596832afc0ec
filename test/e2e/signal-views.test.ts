// The views of the other signals in the browser, on sessions recorded by the CLI into the store
// the window serves: threads of a worker program, its allocations and trace events, and the span
// waterfall of a program that exports OpenTelemetry spans.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, browserSkipReason, launchChromium, REPO_ROOT, type ServedParallax, startServe, recordWithCli, waitIdle } from '../support/e2e-browser';
import { tempStorePath } from '../support/store-files';

const WORKERS = join(REPO_ROOT, 'test/fixtures/workers-target.cjs');
const OTEL = join(REPO_ROOT, 'test/fixtures/otel-target.cjs');

const skipReason = browserSkipReason();
if (skipReason) console.warn(`Skipping the browser end-to-end tests: ${skipReason}`);

describe.skipIf(skipReason !== null)('the views of every signal', () => {
  const store = tempStorePath();
  let workersId = '';
  let otelId = '';
  let served: ServedParallax | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    workersId = await recordWithCli(store.path, ['--duration', '3', '--name', 'workers', '--signals', 'cpu,logs,metrics,heap,trace,workers', '--', process.execPath, WORKERS, '--late-after', '800']);
    otelId = await recordWithCli(store.path, ['--name', 'otel', '--', process.execPath, OTEL, 'json']);
    served = await startServe(store.path);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    store.remove();
  });

  it('follows a worker thread, and shows allocations and GC events', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(served!.url);
      await waitIdle(page);
      await page.locator(`[data-testid=session-row][data-session-id="${workersId}"]`).click();
      await waitIdle(page);

      const threads = page.getByTestId('thread-select');
      const labels = await threads.locator('option').allTextContents();
      expect(labels.some((l) => l.includes('crunch'))).toBe(true);
      expect(labels.some((l) => l.includes('late'))).toBe(true);
      const crunch = labels.find((l) => l.includes('crunch'))!;
      await threads.selectOption({ label: crunch });
      await waitIdle(page);
      await expect.poll(async () => Number(await page.getByTestId('flame-canvas').getAttribute('data-frames-drawn'))).toBeGreaterThan(0);
      await expect.poll(() => page.getByRole('complementary', { name: 'Top functions' }).textContent()).toContain('crunchInWorker');
      await page.screenshot({ path: artifactPath('worker-thread.png') });

      await page.getByTestId('tab-allocations').click();
      await waitIdle(page);
      await expect.poll(async () => Number(await page.getByTestId('allocation-canvas').getAttribute('data-frames-drawn'))).toBeGreaterThan(0);
      await expect(page.getByRole('region', { name: 'Allocations' }).count()).resolves.toBe(1);
      await page.screenshot({ path: artifactPath('allocations.png') });

      await threads.selectOption({ index: 0 });
      await page.getByTestId('tab-events').click();
      await waitIdle(page);
      await expect.poll(async () => Number(await page.getByTestId('trace-events').getAttribute('data-count'))).toBeGreaterThan(0);
      await page.screenshot({ path: artifactPath('trace-events.png') });
    } finally {
      await page.close();
    }
  });

  it('draws the span waterfall and selects a span', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(served!.url);
      await waitIdle(page);
      await page.locator(`[data-testid=session-row][data-session-id="${otelId}"]`).click();
      await waitIdle(page);
      await page.getByTestId('tab-spans').click();
      await waitIdle(page);
      expect(Number(await page.getByTestId('spans').getAttribute('data-count'))).toBe(2);
      await page.getByTestId('trace-row').first().click();
      await waitIdle(page);
      const rows = page.getByTestId('span-row');
      await expect(rows.count()).resolves.toBe(2);
      expect(await rows.nth(1).getAttribute('data-depth')).toBe('1');
      await rows.nth(1).click();
      await waitIdle(page);
      await expect(page.getByTestId('span-detail').getAttribute('data-span-id')).resolves.toBe(await rows.nth(1).getAttribute('data-span-id'));
      // The span's log record is linked to it.
      expect(await page.getByTestId('span-log-count').textContent()).toBe('1');
      await page.screenshot({ path: artifactPath('span-waterfall.png') });
    } finally {
      await page.close();
    }
  });
});
