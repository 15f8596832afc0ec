// speedscope (its built app from node_modules) opening the same CPU profile, served over local
// HTTP: time from navigation to the profile imported and its flame chart painted, then frame times
// while zooming (w/s) and panning (a/d) it, measured with the same probe as the Parallax window.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser } from 'playwright-core';
import { REPO_ROOT } from '../support/e2e-browser';
import { type FrameStats, holdKeys, startFrameProbe, stopFrameProbe, twoFrames } from './frame-probe';

const RELEASE_DIR = join(REPO_ROOT, 'node_modules/speedscope/dist/release');
const VIEWPORT = { width: 1440, height: 900 };
const OPEN_TIMEOUT_MS = 180_000;
const INTERACTION_MS = 3000;
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface SpeedscopeResult {
  /** Navigation to the profile imported (title set) and two frames painted after it. */
  openMs: number;
  interactions: Record<string, FrameStats>;
  /** Why it could not open the profile, when it could not. */
  failure: string | null;
}

/** Serves speedscope's release folder and one profile at /profile.cpuprofile. */
async function serve(profilePath: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = path === '/profile.cpuprofile' ? profilePath : join(RELEASE_DIR, normalize(path === '/' ? '/index.html' : path));
    if (!file.startsWith(RELEASE_DIR) && file !== profilePath) return void response.writeHead(403).end();
    if (!existsSync(file) || !statSync(file).isFile()) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': statSync(file).size });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function benchSpeedscope(browser: Browser, profilePath: string, progress: (line: string) => void, interact = true): Promise<SpeedscopeResult> {
  const { server, origin } = await serve(profilePath);
  const page = await browser.newPage({ viewport: VIEWPORT });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    const startedMs = performance.now();
    await page.goto(`${origin}/index.html#profileURL=${encodeURIComponent(`${origin}/profile.cpuprofile`)}`);
    try {
      // speedscope names the document after the profile once it is imported.
      await page.waitForFunction(() => / - speedscope$/.test(document.title) && document.querySelector('canvas') !== null, undefined, { timeout: OPEN_TIMEOUT_MS, polling: 100 });
    } catch (error) {
      const shown = await page.evaluate(() => document.body.innerText.slice(0, 200)).catch(() => '');
      return { openMs: NaN, interactions: {}, failure: `${errors[0] ?? (error instanceof Error ? error.message : String(error))} ${shown}`.trim() };
    }
    await twoFrames(page);
    const openMs = performance.now() - startedMs;
    progress(`  speedscope: navigation -> flame chart drawn ${openMs.toFixed(0)} ms`);
    if (!interact) return { openMs, interactions: {}, failure: null };
    const canvas = page.locator('canvas').first();
    const box = await canvas.boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const interactions: Record<string, FrameStats> = {};
    for (const [name, keys] of [
      ['zoom (w/s)', ['w', 's']],
      ['pan (a/d)', ['a', 'd']],
    ] as const) {
      await startFrameProbe(page);
      await holdKeys(page, keys, INTERACTION_MS);
      await twoFrames(page);
      interactions[name] = await stopFrameProbe(page);
    }
    return { openMs, interactions, failure: null };
  } finally {
    await page.close();
    await new Promise<void>((closed) => server.close(() => closed()));
  }
}
