// The path a person takes in the browser: attach to a running Node process by PID, record it, read
// the session (flame graph, metrics, logs); and the served page's refusal of a missing or wrong token.
import { join } from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { artifactPath, browserSkipReason, launchChromium, REPO_ROOT, type ServedParallax, startServe, waitIdle, IDLE_TIMEOUT_MS } from '../support/e2e-browser';
import { tempStorePath } from '../support/store-files';
import { type StartedTarget, startTarget } from '../support/targets';

const SCENARIO = join(REPO_ROOT, 'test/fixtures/scenario-target.cjs');
const VIEWPORT = { width: 1440, height: 900 };
const PROCESS_LIST_TIMEOUT_MS = 15_000;
const RECORDING_TIMEOUT_MS = 30_000;
const ROW_HEIGHT_PX = 18;

const skipReason = browserSkipReason();
if (skipReason) console.warn(`Skipping the browser end-to-end tests: ${skipReason}`);

/** Waits until the renderer reports no pending engine call and no pending canvas draw. */
async function numberAttribute(locator: Locator, name: string): Promise<number> {
  return Number(await locator.getAttribute(name));
}

/** Runs every closer in the order given, even after one fails; rethrows the first failure. */
async function closeAll(closers: (() => Promise<void> | void)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const close of closers) {
    try {
      await close();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

/** The widest frame drawn in a row of the flame canvas, in CSS pixels, found from the pixels themselves. */
async function widestFrameInRow(canvas: Locator, row: number): Promise<{ x: number; width: number }> {
  return canvas.evaluate(
    (element, { row, rowHeight }) => {
      const canvasElement = element as HTMLCanvasElement;
      const context = canvasElement.getContext('2d');
      if (!context) throw new Error('the flame canvas has no 2D context');
      const ratio = canvasElement.width / canvasElement.clientWidth;
      const y = Math.floor((row * rowHeight + rowHeight / 2) * ratio);
      const pixels = context.getImageData(0, y, canvasElement.width, 1).data;
      // The background shows in the last column: the root frame leaves a 1 px gap at its right end.
      const last = (canvasElement.width - 1) * 4;
      const background = [pixels[last], pixels[last + 1], pixels[last + 2]];
      let best = { x: 0, width: 0 };
      let start = -1;
      for (let px = 0; px <= canvasElement.width; px++) {
        const i = px * 4;
        const isBackground = px === canvasElement.width || (pixels[i] === background[0] && pixels[i + 1] === background[1] && pixels[i + 2] === background[2]);
        if (!isBackground && start === -1) start = px;
        if (isBackground && start !== -1) {
          if (px - start > best.width) best = { x: start, width: px - start };
          start = -1;
        }
      }
      return { x: best.x / ratio, width: best.width / ratio };
    },
    { row, rowHeight: ROW_HEIGHT_PX },
  );
}

describe.skipIf(skipReason !== null)('recording a running Node process from the browser', () => {
  let store: ReturnType<typeof tempStorePath> | undefined;
  let served: ServedParallax | undefined;
  let target: StartedTarget | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    store = tempStorePath();
    served = await startServe(store.path);
    target = await startTarget(SCENARIO);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await closeAll([
      () => browser?.close(),
      () => target?.stop(),
      () => served?.stop(),
      () => store?.remove(),
    ]);
  });

  it('attaches by PID without --inspect, records 3 s and shows the flame graph, metrics and logs', async () => {
    const page = await browser!.newPage({ viewport: VIEWPORT });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
    });
    try {
      const pid = target!.pid;
      await page.goto(served!.url);
      await waitIdle(page);
      await page.getByTestId('sessions-empty').waitFor({ timeout: IDLE_TIMEOUT_MS });

      // Attach: the process table lists the target, choosing its row fills the PID.
      await page.getByTestId('open-attach').click();
      const row = page.locator(`[data-testid="process-row"][data-pid="${pid}"]`);
      await row.waitFor({ timeout: PROCESS_LIST_TIMEOUT_MS });
      await row.click();
      expect(await page.getByTestId('attach-pid').inputValue()).toBe(String(pid));
      expect(await page.getByLabel('Process (PID)').isChecked()).toBe(true);
      await page.getByTestId('attach-duration').fill('3');
      await waitIdle(page);
      await page.screenshot({ path: artifactPath('attach-process-list.png') });

      // Record, and watch the recording run and finish by itself after its duration.
      await page.getByTestId('record-button').click();
      const panel = page.getByTestId('recording-panel');
      await page.locator('[data-testid="recording-panel"][data-phase="recording"]').waitFor({ timeout: RECORDING_TIMEOUT_MS });
      await page.waitForFunction(
        () => Number(document.querySelector('[data-testid="recording-samples"]')?.textContent?.replace(/\D/g, '') ?? '0') > 0,
        undefined,
        { timeout: RECORDING_TIMEOUT_MS },
      );
      expect(await page.getByTestId('attach-error').count()).toBe(0);
      await waitIdle(page);
      await page.screenshot({ path: artifactPath('recording-in-progress.png') });
      await page.locator('[data-testid="recording-panel"][data-phase="done"]').waitFor({ timeout: RECORDING_TIMEOUT_MS });
      expect(await panel.getAttribute('data-phase')).toBe('done');

      // The recorded session.
      await page.getByTestId('open-recorded-session').click();
      const view = page.getByTestId('session-view');
      await view.waitFor({ timeout: IDLE_TIMEOUT_MS });
      const sessionId = (await view.getAttribute('data-session-id')) ?? '';
      expect(sessionId).not.toBe('');
      const canvas = page.getByTestId('flame-canvas');
      await page.waitForFunction(
        () => Number(document.querySelector('[data-testid="flame-canvas"]')?.getAttribute('data-frames-drawn') ?? '0') > 0,
        undefined,
        { timeout: IDLE_TIMEOUT_MS },
      );
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="logs"]')?.getAttribute('data-total') || '0') > 0, undefined, {
        timeout: IDLE_TIMEOUT_MS,
      });
      await waitIdle(page);

      const sessionRow = page.locator(`[data-testid="session-row"][data-session-id="${sessionId}"]`);
      expect(await sessionRow.getAttribute('data-status')).toBe('completed');
      expect(await page.getByTestId('session-target').textContent()).toBe(`pid ${pid}`);
      expect(await page.getByTestId('flame-graph').getAttribute('data-state')).toBe('ready');
      expect(await numberAttribute(canvas, 'data-frames-drawn')).toBeGreaterThan(0);
      for (const name of ['Sessions', 'Flame graph', 'Metrics', 'Logs']) {
        expect(await page.getByRole('region', { name, exact: true }).count(), `region "${name}"`).toBe(1);
      }
      expect(await page.getByTestId('metric-chart').count()).toBeGreaterThanOrEqual(1);
      await page.screenshot({ path: artifactPath('session-view.png') });

      // Search: "/" focuses the box; the fixture's hot function is found.
      await page.keyboard.press('/');
      expect(await page.getByTestId('flame-search').evaluate((input) => input === document.activeElement)).toBe(true);
      await page.keyboard.type('hotFunction');
      const matchCount = page.getByTestId('flame-match-count');
      await matchCount.waitFor({ timeout: IDLE_TIMEOUT_MS });
      const matchText = (await matchCount.textContent()) ?? '';
      expect(matchText).toMatch(/^\d+ match(es)?\b/);
      expect(Number(/^(\d+)/.exec(matchText)?.[1])).toBeGreaterThanOrEqual(1);
      await page.keyboard.press('Escape');
      expect(await page.getByTestId('flame-search').inputValue()).toBe('');
      await page.keyboard.press('Escape');
      await waitIdle(page);

      // Hover the widest frame under the root: the tooltip names its total time.
      const box = await canvas.boundingBox();
      if (!box) throw new Error('the flame canvas has no bounding box');
      const widest = await widestFrameInRow(canvas, 1);
      expect(widest.width).toBeGreaterThan(0);
      const point = { x: box.x + widest.x + widest.width / 2, y: box.y + ROW_HEIGHT_PX * 1.5 };
      await page.mouse.move(point.x, point.y);
      const tooltip = page.getByTestId('flame-tooltip');
      await tooltip.waitFor({ timeout: IDLE_TIMEOUT_MS });
      expect(await page.getByTestId('flame-tooltip-total').textContent()).toMatch(/^\d+(\.\d+)? (µs|ms|s)\b|^\d+m \d\ds\b/);
      expect(await page.getByTestId('flame-tooltip-self').textContent()).toMatch(/\d/);

      // Clicking it zooms in; Escape zooms back out to the root.
      expect(await numberAttribute(canvas, 'data-zoom-node')).toBe(0);
      await page.mouse.click(point.x, point.y);
      await page.waitForFunction(() => document.querySelector('[data-testid="flame-canvas"]')?.getAttribute('data-zoom-node') !== '0', undefined, {
        timeout: IDLE_TIMEOUT_MS,
      });
      expect(await canvas.getAttribute('data-zoom-name')).not.toBe('');
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => document.querySelector('[data-testid="flame-canvas"]')?.getAttribute('data-zoom-node') === '0', undefined, {
        timeout: IDLE_TIMEOUT_MS,
      });
      await page.mouse.move(0, 0);

      // Logs: the fixture's ticks are there, and filtering by one of them narrows the count. The target
      // ticked before the recording began, so the filter is the first recorded tick, not a fixed "tick 1".
      const logs = page.getByTestId('logs');
      const totalBefore = await numberAttribute(logs, 'data-total');
      expect(totalBefore).toBeGreaterThan(1);
      const tickTexts = (await page.getByTestId('log-row').allTextContents()).map((text) => /tick \d+/.exec(text)?.[0]).filter((tick) => tick !== undefined);
      expect(tickTexts.length).toBeGreaterThan(1);
      const filter = tickTexts[0]!;
      await page.getByTestId('log-filter').fill(filter);
      await page.waitForFunction(
        (before) => {
          const total = Number(document.querySelector('[data-testid="logs"]')?.getAttribute('data-total') || 'NaN');
          return total > 0 && total < before;
        },
        totalBefore,
        { timeout: IDLE_TIMEOUT_MS },
      );
      await waitIdle(page);
      const filteredRows = await page.getByTestId('log-row').allTextContents();
      expect(filteredRows.length).toBeGreaterThan(0);
      for (const text of filteredRows) expect(text).toContain(filter);
      const filteredTotal = await numberAttribute(logs, 'data-total');
      expect(filteredRows.length).toBe(filteredTotal);
      expect(await page.getByTestId('log-count').textContent()).toBe(`${filteredTotal} ${filteredTotal === 1 ? 'record' : 'records'}`);

      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('refuses the page without its token and a WebSocket with a wrong one', async () => {
    const { origin, token } = served!;
    const page = await browser!.newPage({ viewport: VIEWPORT });
    try {
      const response = await page.goto(`${origin}/`);
      expect(response?.status()).toBe(403);
      expect(await page.locator('#root, [data-testid]').count()).toBe(0);
      expect((await page.goto(`${origin}/?token=wrong`))?.status()).toBe(403);

      // From a page on the server's own origin: a wrong token never opens, the right one does.
      const outcome = (url: string): Promise<string> =>
        page.evaluate(
          (wsUrl) =>
            new Promise<string>((settle) => {
              const socket = new WebSocket(wsUrl);
              const timer = setTimeout(() => settle('timeout'), 5000);
              socket.onopen = () => {
                clearTimeout(timer);
                socket.close();
                settle('open');
              };
              socket.onclose = () => {
                clearTimeout(timer);
                settle('refused');
              };
            }),
          url,
        );
      const wsBase = `${origin.replace(/^http/, 'ws')}/api`;
      expect(await outcome(`${wsBase}?token=wrong`)).toBe('refused');
      expect(await outcome(`${wsBase}?token=${token}`)).toBe('open');

      // The refusal is an HTTP 403 on the upgrade.
      const status = await new Promise<number>((settle, fail) => {
        const socket = new NodeWebSocket(`${wsBase}?token=wrong`, { origin });
        socket.once('unexpected-response', (_request, res) => {
          settle(res.statusCode ?? 0);
          socket.terminate();
        });
        socket.once('open', () => {
          socket.close();
          fail(new Error('the upgrade with a wrong token was accepted'));
        });
        socket.once('error', fail);
      });
      expect(status).toBe(403);
    } finally {
      await page.close();
    }
  });
});
