// Sessions as files in the browser window: Export… downloads a .parallax bundle, Open… and a
// file dropped on the window import it back as a new, selected session; refusals show in place;
// the host's file routes keep their token and Origin checks.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { artifactPath, browserSkipReason, launchChromium, type ServedParallax, startServe, waitIdle, IDLE_TIMEOUT_MS } from '../support/e2e-browser';
import { recordScenario } from '../support/recorded-sessions';
import { tempStorePath } from '../support/store-files';
import { readZip } from '../support/zip-members';

const skipReason = browserSkipReason();
if (skipReason) console.warn(`Skipping the browser end-to-end tests: ${skipReason}`);

function httpStatus(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(skipReason !== null)('session files in the window', () => {
  const store = tempStorePath();
  let sessionId = '';
  let served: ServedParallax | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    const engine = Engine.open({ storePath: store.path });
    try {
      sessionId = await recordScenario(engine, 1.5, { heapSnapshot: false });
    } finally {
      await engine.close();
    }
    served = await startServe(store.path);
    browser = await launchChromium();
  });

  /** The recorded session, selected, with its Export… popover open. */
  async function openExport(page: Page): Promise<void> {
    await page.goto(served!.url);
    await waitIdle(page);
    await page.locator(`[data-testid=session-row][data-session-id="${sessionId}"]`).click();
    await waitIdle(page);
    await page.getByTestId('session-export').click();
  }

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    store.remove();
  });

  it('exports a session from the header and opens the file again with Open… and by dropping it', async () => {
    for (const colorScheme of ['dark', 'light'] as const) {
      const context = await browser!.newContext({ viewport: { width: 1440, height: 900 }, colorScheme, acceptDownloads: true });
      const page = await context.newPage();
      try {
        await openExport(page);
        await expect(page.getByTestId('export-redact').isChecked()).resolves.toBe(true);
        await page.screenshot({ path: artifactPath(`export-popover-${colorScheme}.png`) });
        if (colorScheme === 'light') continue;

        const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-start').click()]);
        expect(download.suggestedFilename()).toMatch(/-[0-9a-f]{8}\.parallax$/);
        const saved = join(store.dir, download.suggestedFilename());
        await download.saveAs(saved);
        expect(readFileSync(saved).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4c, 0x58, 0x42, 0x0d, 0x0a, 0x1a]));
        await expect.poll(() => page.getByTestId('export-status').getAttribute('data-state')).toBe('done');

        // Open… picks the file; the new session appears and is selected.
        await page.getByTestId('open-session-input').setInputFiles(saved);
        await expect.poll(() => page.getByTestId('import-status').getAttribute('data-state'), { timeout: IDLE_TIMEOUT_MS }).toBe('done');
        await waitIdle(page);
        await expect(page.getByTestId('session-row').count()).resolves.toBe(2);
        const opened = await page.getByTestId('session-header').getAttribute('data-session-id');
        expect(opened).not.toBe(sessionId);
        expect(await page.getByTestId('session-samples').textContent()).not.toBe('…');
        await page.screenshot({ path: artifactPath('session-opened-dark.png') });

        // Dropping the same file on the window imports it once more.
        const bytes = [...readFileSync(saved)];
        await page.evaluate(
          ({ data, name }) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(data)], name));
            const zone = document.querySelector('.sessions')!;
            const send = (type: string): boolean => zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
            send('dragenter');
            send('dragover');
            (window as unknown as { dropNow: () => void }).dropNow = () => void send('drop');
          },
          { data: bytes, name: 'dropped.parallax' },
        );
        await page.getByTestId('file-drop-overlay').waitFor();
        await page.screenshot({ path: artifactPath('drop-overlay-dark.png') });
        await page.evaluate(() => (window as unknown as { dropNow: () => void }).dropNow());
        await expect(page.getByTestId('file-drop-overlay').count()).resolves.toBe(0);
        await expect.poll(() => page.getByTestId('session-row').count(), { timeout: IDLE_TIMEOUT_MS }).toBe(3);
        await expect.poll(() => page.getByTestId('import-status').textContent()).toContain('Opened dropped.parallax');
        const dropped = await page.getByTestId('session-header').getAttribute('data-session-id');
        expect(dropped).not.toBe(opened);

        // A damaged file is refused with its reason, in place.
        const damaged = Buffer.from(readFileSync(saved));
        damaged[damaged.length - 100] = damaged[damaged.length - 100]! ^ 0xff;
        await page.getByTestId('open-session-input').setInputFiles({ name: 'damaged.parallax', mimeType: 'application/octet-stream', buffer: damaged });
        await expect.poll(() => page.getByTestId('import-status').getAttribute('data-state'), { timeout: IDLE_TIMEOUT_MS }).toBe('error');
        expect(await page.getByTestId('import-status').textContent()).toContain('damaged.parallax cannot be opened: it is damaged');
        await expect(page.getByTestId('session-row').count()).resolves.toBe(3);
        await page.screenshot({ path: artifactPath('import-refused-dark.png') });
      } finally {
        await context.close();
      }
    }
  });

  it('saves the standard formats as one file each: a Chrome trace as it is, the folder formats zipped', async () => {
    const context = await browser!.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark', acceptDownloads: true });
    const page = await context.newPage();
    try {
      await openExport(page);
      const save = async (format: string): Promise<string> => {
        await page.getByTestId('export-format').selectOption(format);
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-start').click()]);
        const saved = join(store.dir, download.suggestedFilename());
        await download.saveAs(saved);
        return saved;
      };

      const trace = await save('chrome-trace');
      expect(trace).toMatch(/-[0-9a-f]{8}-chrome-trace\.json$/);
      const events = (JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: { name: string }[] }).traceEvents;
      expect(events.some((e) => e.name === 'ProfileChunk')).toBe(true);

      const profiles = await save('cpuprofile');
      expect(profiles).toMatch(/-cpuprofile\.zip$/);
      await expect(page.getByTestId('export-redact').isDisabled()).resolves.toBe(true);
      await page.screenshot({ path: artifactPath('export-cpuprofile-dark.png') });
      const members = await readZip(profiles);
      expect([...members.keys()]).toEqual(['0-main.cpuprofile']);
      const profile = JSON.parse(members.get('0-main.cpuprofile')!.toString('utf8')) as { nodes: { callFrame: { functionName: string } }[]; samples: number[] };
      expect(profile.samples.length).toBeGreaterThan(100);
      expect(profile.nodes.some((n) => n.callFrame.functionName === 'hotFunction')).toBe(true);

      const otlp = await readZip(await save('otlp-json'));
      expect([...otlp.keys()].sort()).toEqual(['logs.json', 'metrics.json']);
      expect((JSON.parse(otlp.get('logs.json')!.toString('utf8')) as { resourceLogs: unknown[] }).resourceLogs.length).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('export-status').getAttribute('data-state')).toBe('done');
      await page.screenshot({ path: artifactPath('export-formats-dark.png') });
    } finally {
      await context.close();
    }
  });

  it('keeps the token and Origin checks on the file routes', async () => {
    const { origin, token } = served!;
    expect(await httpStatus(`${origin}/files/export?session=${sessionId}`)).toBe(403);
    expect(await httpStatus(`${origin}/files/export?token=wrong&session=${sessionId}`)).toBe(403);
    expect(await httpStatus(`${origin}/files/export?token=${token}&session=${sessionId}`, { headers: { Origin: 'http://evil.example' } })).toBe(403);
    expect(await httpStatus(`${origin}/files/import?token=${token}`, { method: 'POST', headers: { Origin: 'http://evil.example' } })).toBe(403);
    expect(await httpStatus(`${origin}/files/import?token=${token}`, { method: 'GET' })).toBe(405);
    expect(await httpStatus(`${origin}/files/export?token=${token}&session=nope`)).toBe(404);
    expect(await httpStatus(`${origin}/files/export?token=${token}&session=${sessionId}&format=svg`)).toBe(400);
    const rebound = `http://rebound.example:${new URL(origin).port}`;
    expect(await httpStatus(`${origin}/files/export?token=${token}&session=${sessionId}`, { headers: { Host: new URL(rebound).host } })).toBe(403);
  });
});
