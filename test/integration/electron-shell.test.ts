// The desktop shell: the window opens, the preload exposes exactly the Api, and the page has no
// Node.js (sandbox, context isolation). Needs the Electron binary and a prior `electron-vite build`.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiMethods } from '../../src/shared/schemas';

const repoRoot = resolve(import.meta.dirname, '../..');
const mainEntry = join(repoRoot, 'out/main/index.js');

/** The Electron binary's path, or why there is none (`require('electron')` throws without it). */
function electronBinary(): { path: string } | { reason: string } {
  const notInstalled =
    'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); the desktop shell is covered by typecheck and build';
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? { path } : { reason: notInstalled };
  } catch {
    return { reason: notInstalled };
  }
}

const binary = electronBinary();
if ('reason' in binary) console.log(`electron-shell tests skipped: ${binary.reason}`);

describe.skipIf('reason' in binary)('Electron shell', () => {
  it('opens the Parallax window with the Api bridged and no Node.js in the page', async () => {
    if (!existsSync(mainEntry)) throw new Error(`${mainEntry} is missing: run \`npx electron-vite build\` first.`);
    const { _electron } = await import('playwright-core');
    const storeDir = await mkdtemp(join(tmpdir(), 'parallax-shell-'));
    // Chromium refuses to start as root with its OS sandbox; the renderer stays `sandbox: true`.
    const rootArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    const app = await _electron.launch({
      args: [...rootArgs, mainEntry],
      cwd: repoRoot,
      env: { ...process.env, PARALLAX_STORE: join(storeDir, 'store.sqlite') } as Record<string, string>,
    });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      const title = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle());
      expect(title).toBe('Parallax');

      const exposed = await page.evaluate(() => {
        const bridge = (window as unknown as { parallax?: Record<string, unknown> }).parallax;
        return bridge ? Object.keys(bridge).filter((key) => typeof bridge[key] === 'function') : null;
      });
      expect(exposed?.sort()).toEqual([...apiMethods, 'on'].sort());

      const globals = await page.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        opened: window.open('https://example.com') === null,
      }));
      expect(globals).toEqual({ require: 'undefined', process: 'undefined', opened: true });

      const bad = await page.evaluate(async () => {
        const bridge = (window as unknown as { parallax: { getMetrics(id: unknown): Promise<unknown> } }).parallax;
        return bridge.getMetrics(42).then(
          () => 'resolved',
          (error: Error) => error.message,
        );
      });
      expect(bad).toMatch(/Invalid parameters for getMetrics/);
    } finally {
      await app.close();
      await rm(storeDir, { recursive: true, force: true });
    }
  });
});
