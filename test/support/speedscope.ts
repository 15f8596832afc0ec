// speedscope (the built app from the npm package) as a real consumer: a loopback server serves the
// app and one profile, Chromium opens it with #profileURL=..., and the test reads what it imported
// from its console and its Sandwich table (function names are DOM text there, not canvas).
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { REPO_ROOT } from './e2e-browser';

const APP_DIR = join(REPO_ROOT, 'node_modules/speedscope/dist/release');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };
const DEADLINE_MS = 20_000;

export interface SpeedscopeView {
  /** What speedscope said it imported the file as ("Chrome CPU Profile", ...), or null. */
  importedAs: string | null;
  /** Text of the Sandwich view's table: every function with its total and self time. */
  sandwich: string;
  /** Page errors, alerts and console errors. */
  errors: string[];
}

/** Opens `profilePath` in speedscope; `screenshotPath` keeps a picture of its flame chart. */
export async function openInSpeedscope(browser: Browser, profilePath: string, screenshotPath?: string): Promise<SpeedscopeView> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = path === '/profile' ? profilePath : join(APP_DIR, path === '/' ? 'index.html' : path);
    if (!file.startsWith(APP_DIR) && file !== profilePath) return void res.writeHead(404).end();
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors: string[] = [];
  let importedAs: string | null = null;
  page.on('console', (message) => {
    const text = message.text();
    const match = /^Importing as (.+)$/.exec(text);
    if (match) importedAs = match[1]!;
    if (message.type() === 'error') errors.push(text);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    errors.push(dialog.message());
    void dialog.dismiss();
  });
  try {
    await page.goto(`${origin}/index.html#profileURL=${encodeURIComponent(`${origin}/profile`)}`);
    const deadline = Date.now() + DEADLINE_MS;
    while (importedAs === null && errors.length === 0 && Date.now() < deadline) await page.waitForTimeout(100);
    if (importedAs === null) return { importedAs, sandwich: '', errors };
    await page.getByText('Sandwich', { exact: false }).first().waitFor({ timeout: DEADLINE_MS });
    if (screenshotPath) await page.screenshot({ path: screenshotPath });
    await page.getByText('Sandwich', { exact: false }).first().click();
    await page.getByText('Symbol Name').waitFor({ timeout: DEADLINE_MS });
    return { importedAs, sandwich: await page.locator('body').innerText(), errors };
  } finally {
    await page.close();
    await new Promise<void>((done) => server.close(() => done()));
  }
}
