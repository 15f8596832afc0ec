// End-to-end plumbing: Debian's Chromium through playwright-core, and `parallax serve` as a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_INDEX = join(REPO_ROOT, 'out/renderer/index.html');
/** Screenshots and other artifacts a person looks at after a run. */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-results/e2e');

export const IDLE_TIMEOUT_MS = 15_000;
const SERVE_URL_TIMEOUT_MS = 20_000;
const RECORD_TIMEOUT_MS = 60_000;
const SERVE_STOP_GRACE_MS = 5000;

/** Why the browser tests cannot run here, or null when they can; the caller skips and prints it. */
export function browserSkipReason(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : "Debian's chromium is not installed: apt-get install chromium";
}

/** A headless Chromium without sandbox, GPU or background traffic; the caller closes it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}

export interface ServedParallax {
  /** The printed URL, `http://127.0.0.1:PORT/?token=TOKEN`. */
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  /** What the server wrote to stderr so far, for failure messages. */
  stderr(): string;
  /** SIGTERM (SIGKILL after a grace period) and resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Runs `node bin/parallax.js serve --store STORE` from the repository root and resolves with the URL it
 * prints. Throws before spawning when the renderer is not built, and after the deadline when no URL came.
 */
export async function startServe(storePath: string): Promise<ServedParallax> {
  if (!existsSync(RENDERER_INDEX)) {
    throw new Error(`${RENDERER_INDEX} is missing: run npm run build first (the e2e tests serve the built renderer)`);
  }
  const child = spawn(process.execPath, ['bin/parallax.js', 'serve', '--store', storePath], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), SERVE_STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  try {
    const url = await new Promise<string>((found, fail) => {
      const timer = setTimeout(() => fail(new Error(`parallax serve printed no URL within ${SERVE_URL_TIMEOUT_MS} ms; stderr: ${err}`)), SERVE_URL_TIMEOUT_MS);
      const onData = (): void => {
        const match = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)$/m.exec(out);
        if (!match) return;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        found(match[1]!);
      };
      child.stdout.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
      void exited.then(() => {
        clearTimeout(timer);
        fail(new Error(`parallax serve exited before printing its URL (code ${child.exitCode}); stderr: ${err}`));
      });
    });
    const parsed = new URL(url);
    return { url, origin: parsed.origin, token: parsed.searchParams.get('token') ?? '', child, stderr: () => err, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits until the window is idle; a key press or drag schedules work a frame later, so let it start first. */
export async function waitIdle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForSelector('body[data-idle="true"]', { state: 'attached', timeout: IDLE_TIMEOUT_MS });
}

/** Records with `parallax record --store STORE ARGS` and returns the session id it prints last. */
export function recordWithCli(store: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/parallax.js'), 'record', '--store', store, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), RECORD_TIMEOUT_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      const id = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && id) resolve(id);
      else reject(new Error(`parallax record exited with ${code}: ${err.trim().split('\n').at(-1)}`));
    });
  });
}
