// Every signal linked to the others, in Chromium, on real recordings made by the CLI: a program
// whose OpenTelemetry spans run known hot functions and log inside them, and a TypeScript program
// compiled with source maps. Span -> its flame graph and logs, log -> its span, function -> its
// spans, the sandwich and bottom-up views, search; screenshots of each view in both themes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, browserSkipReason, launchChromium, REPO_ROOT, type ServedParallax, startServe, recordWithCli, waitIdle } from '../support/e2e-browser';
import { tempStorePath } from '../support/store-files';

const BUSY = join(REPO_ROOT, 'test/fixtures/otel-busy-target.cjs');
const TS_SOURCE = join(REPO_ROOT, 'test/fixtures/ts-target/hot-loop.ts');

const skipReason = browserSkipReason();
if (skipReason) console.warn(`Skipping the browser end-to-end tests: ${skipReason}`);

/** The labels the flame canvas drew last. */
async function flameLabels(page: Page, testId = 'flame-canvas'): Promise<string[]> {
  return ((await page.getByTestId(testId).getAttribute('data-labels')) ?? '').split('\n').filter(Boolean);
}

/** Screenshots the page in the dark and the light theme. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await waitIdle(page);
    await page.screenshot({ path: artifactPath(`${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'dark' });
}

describe.skipIf(skipReason !== null)('links between signals', () => {
  const store = tempStorePath();
  const tsDir = mkdtempSync(join(tmpdir(), 'parallax-e2e-ts-'));
  let busyId = '';
  let tsId = '';
  let served: ServedParallax | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    copyFileSync(TS_SOURCE, join(tsDir, 'hot-loop.ts'));
    const tsc = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '--sourceMap', '--target', 'es2020', '--module', 'commonjs', '--types', 'node', '--typeRoots', join(REPO_ROOT, 'node_modules/@types'), join(tsDir, 'hot-loop.ts')], { encoding: 'utf8' });
    if (tsc.status !== 0) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
    busyId = await recordWithCli(store.path, ['--name', 'shop', '--signals', 'cpu,logs,metrics,otlp', '--', process.execPath, BUSY]);
    tsId = await recordWithCli(store.path, ['--name', 'typescript', '--signals', 'cpu,logs', '--', process.execPath, join(tsDir, 'hot-loop.js'), '1200']);
    served = await startServe(store.path);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    store.remove();
    rmSync(tsDir, { recursive: true, force: true });
  });

  async function openSession(id: string): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(served!.url);
    await waitIdle(page);
    await page.locator(`[data-testid=session-row][data-session-id="${id}"]`).click();
    await waitIdle(page);
    // These checks read the panels' canvases: fold the timeline so they get the height.
    await page.getByTestId('timeline-toggle').click();
    expect(await page.getByTestId('timeline-toggle').getAttribute('aria-expanded')).toBe('false');
    await waitIdle(page);
    return page;
  }

  it('narrows the flame graph and the logs to a span, and says when its samples are shared', async () => {
    const page = await openSession(busyId);
    try {
      // The whole session holds both hot functions (a narrow frame's label may be cut, so ask search).
      for (const name of ['hashPrices', 'renderReport']) {
        await page.getByTestId('flame-search').fill(name);
        await expect.poll(() => page.getByTestId('flame-match-count').textContent()).toMatch(/^[1-9]\d* match/);
      }
      await page.getByTestId('flame-search').fill('');
      await waitIdle(page);
      const wholeSamples = Number((await page.getByTestId('flame-sample-count').textContent())?.replace(/\D/g, ''));
      await shoot(page, 'links-flame');

      await page.getByTestId('tab-spans').click();
      await waitIdle(page);
      await page.getByTestId('trace-row').filter({ hasText: 'POST /checkout' }).click();
      await waitIdle(page);
      await page.getByTestId('span-row').filter({ hasText: 'hash prices' }).click();
      await waitIdle(page);
      await expect.poll(() => page.getByTestId('logs').getAttribute('data-total')).toBe('1');
      await expect.poll(() => page.getByTestId('log-row').first().textContent()).toContain('prices hashed');
      await shoot(page, 'links-span-selected');

      // Span -> the CPU flame graph of its samples.
      await page.getByTestId('span-show-cpu').click();
      await waitIdle(page);
      await expect.poll(() => flameLabels(page)).toContain('hashPrices');
      expect(await flameLabels(page)).not.toContain('renderReport');
      const spanSamples = Number((await page.getByTestId('flame-sample-count').textContent())?.replace(/\D/g, ''));
      expect(spanSamples).toBeGreaterThan(50);
      expect(spanSamples).toBeLessThan(wholeSamples);
      await expect(page.getByTestId('span-samples-note').textContent()).resolves.toContain('hash prices');
      expect(await page.getByTestId('span-samples-note').getAttribute('data-concurrent')).toBe('0');

      // A span overlapped by an unrelated one says so, plainly, over the flame graph.
      await page.getByTestId('tab-spans').click();
      await page.getByTestId('trace-row').filter({ hasText: 'GET /report' }).click();
      await page.getByTestId('span-row').filter({ hasText: 'GET /report' }).click();
      await waitIdle(page);
      await expect(page.getByTestId('span-overlap').textContent()).resolves.toContain('Shared: 1 other span ran at the same time');
      await page.getByTestId('span-show-cpu').click();
      await waitIdle(page);
      await expect.poll(() => flameLabels(page)).toContain('renderReport');
      expect(await flameLabels(page)).not.toContain('hashPrices');
      await expect(page.getByTestId('span-samples-shared').textContent()).resolves.toContain('Shared with 1 concurrent span (cache sweep)');
      await shoot(page, 'links-span-flame-shared');

      // The logs follow the span: its own, or everything in its time range.
      await expect.poll(() => page.getByTestId('logs').getAttribute('data-total')).toBe('1');
      await page.getByTestId('log-scope-range').click();
      await waitIdle(page);
      await expect.poll(async () => Number(await page.getByTestId('logs').getAttribute('data-total'))).toBeGreaterThanOrEqual(1);
      await page.getByTestId('log-scope-span').click();
      await waitIdle(page);

      // Escape, with focus anywhere but a text box, clears the span: the views are whole again.
      await page.keyboard.press('Escape');
      await waitIdle(page);
      await expect.poll(async () => Number((await page.getByTestId('flame-sample-count').textContent())?.replace(/\D/g, ''))).toBe(wholeSamples);
      expect(await page.getByTestId('span-samples-note').count()).toBe(0);
    } finally {
      await page.close();
    }
  }, 90_000);

  it('lands on the span of a log record', async () => {
    const page = await openSession(busyId);
    try {
      const row = page.getByTestId('log-row').filter({ hasText: 'prices hashed' });
      const spanId = await row.getAttribute('data-span-id');
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      await row.getByTestId('log-span-link').click();
      await waitIdle(page);
      await expect.poll(() => page.getByTestId('tab-spans').getAttribute('aria-selected')).toBe('true');
      await expect(page.getByTestId('span-detail').getAttribute('data-span-id')).resolves.toBe(spanId);
      const selected = page.locator(`[data-testid=span-row][data-span-id="${spanId}"]`);
      expect(await selected.getAttribute('aria-selected')).toBe('true');
      expect(await selected.isVisible()).toBe(true);
      await expect(page.locator('[data-testid=trace-row].is-selected').textContent()).resolves.toContain('POST /checkout');
      // The selection is the span's: the CPU tab shows its samples.
      await page.getByTestId('tab-cpu').click();
      await waitIdle(page);
      await expect.poll(() => flameLabels(page)).toContain('hashPrices');
      expect(await flameLabels(page)).not.toContain('renderReport');
      await shoot(page, 'links-log-to-span');
    } finally {
      await page.close();
    }
  }, 60_000);

  it('finds the spans of a function, and shows its sandwich, the bottom-up table and search matches', async () => {
    const page = await openSession(busyId);
    try {
      await page.getByTestId('flame-mode-bottom-up').click();
      await waitIdle(page);
      const hashRow = page.locator('[data-testid=bottom-up-row][data-function=hashPrices]');
      await hashRow.click();
      await waitIdle(page);
      await expect(page.getByTestId('function-detail').getAttribute('data-function')).resolves.toBe('hashPrices');
      await expect
        .poll(() => page.getByTestId('function-span').allTextContents())
        .toEqual(expect.arrayContaining([expect.stringContaining('hash prices'), expect.stringContaining('POST /checkout')]));
      expect(await page.getByTestId('function-span').count()).toBe(2);
      // Expand to the callers.
      await hashRow.getByRole('button', { name: 'Show callers' }).click();
      await expect.poll(() => page.getByTestId('bottom-up-caller').count()).toBeGreaterThan(0);
      await shoot(page, 'links-bottom-up');

      // Function -> span: choosing one selects it and the CPU views narrow to it.
      await page.getByTestId('function-span').filter({ hasText: 'hash prices' }).click();
      await waitIdle(page);
      await expect(page.getByTestId('span-samples-note').textContent()).resolves.toContain('hash prices');
      await expect.poll(() => page.getByTestId('bottom-up-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-function')))).not.toContain('renderReport');

      await page.getByTestId('function-sandwich').click();
      await waitIdle(page);
      await expect(page.getByTestId('sandwich').getAttribute('data-function')).resolves.toBe('hashPrices');
      await expect.poll(() => flameLabels(page, 'sandwich-callers')).toEqual(expect.arrayContaining(['hashPrices', 'inSpan']));
      await expect.poll(() => flameLabels(page, 'sandwich-callees')).toContain('hashPrices');
      await shoot(page, 'links-sandwich');

      // Search across the views: the count, highlighted rows.
      await page.getByTestId('span-samples-clear').click();
      await page.getByTestId('flame-mode-bottom-up').click();
      await page.getByTestId('flame-search').fill('report');
      await waitIdle(page);
      await expect.poll(() => page.getByTestId('flame-match-count').textContent()).toMatch(/^\d+ match/);
      await expect(page.getByTestId('bottom-up').locator('mark').allTextContents()).resolves.toContain('Report');
      expect(await page.locator('[data-testid=bottom-up-row][data-function=hashPrices]').count()).toBe(0);
      await shoot(page, 'links-search');
    } finally {
      await page.close();
    }
  }, 90_000);

  it('shows a TypeScript target at its .ts lines', async () => {
    const page = await openSession(tsId);
    try {
      await expect.poll(() => flameLabels(page)).toContain('crunchNumbers');
      await page.getByTestId('flame-mode-bottom-up').click();
      await waitIdle(page);
      const row = page.locator('[data-testid=bottom-up-row][data-function=crunchNumbers]');
      await expect(row.textContent()).resolves.toContain('hot-loop.ts:15');
      await row.click();
      await waitIdle(page);
      await expect(page.getByTestId('function-generated').textContent()).resolves.toMatch(/hot-loop\.js:\d+/);
      await expect(page.getByTestId('top-functions').textContent()).resolves.toContain('crunchNumbers');
      await shoot(page, 'links-typescript');
    } finally {
      await page.close();
    }
  }, 60_000);
});
