// `npx tsx test/bench/timeline-wire.ts STORE [RUNS]`: what a timeline answer costs the window on a
// store kept by the scale bench (SCALE_KEEP=1): its bytes on the web host's socket, the time the
// window's own code takes to decode the frame, and to lay out its tracks, for the whole session and
// a 1% window (asked as the window asks: padded and quantised by fetchWindow).
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { fetchWindow } from '../../src/renderer/canvas/timeline-scale';
import type { TimelineQuery } from '../../src/shared/timeline';
import { browserSkipReason, launchChromium, REPO_ROOT, startServe, waitIdle } from '../support/e2e-browser';
import { formatTable } from './text-table';

/** The window's plot at the bench's 1440 px viewport (less the track headers). */
const PLOT = { leftPx: 172, widthPx: 1268 };

interface Case {
  name: string;
  query: TimelineQuery;
}

interface Measured {
  name: string;
  bytes: number;
  binary: boolean;
  firstDecodeMs: number;
  decodeMs: number;
  layoutMs: number;
}

async function pageScript(): Promise<string> {
  const out = await build({
    entryPoints: [join(REPO_ROOT, 'test/bench/timeline-wire-page.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    target: 'chrome120',
  });
  return out.outputFiles[0]!.text;
}

async function main(): Promise<void> {
  const [storePath, runsText] = process.argv.slice(2);
  if (!storePath) throw new Error('usage: timeline-wire.ts STORE [RUNS]');
  const skip = browserSkipReason();
  if (skip) throw new Error(`no browser: ${skip}`);
  const runs = Math.max(1, Number(runsText ?? '9'));
  const db = new Database(storePath, { readonly: true });
  const row = db.prepare('SELECT id, started_us AS startUs, ended_us AS endUs FROM sessions ORDER BY started_us LIMIT 1').get() as
    | { id: string; startUs: number; endUs: number }
    | undefined;
  db.close();
  if (!row) throw new Error(`${storePath} holds no session`);
  const lengthUs = row.endUs - row.startUs;
  const onePercentFrom = row.startUs + lengthUs * 0.4;
  const cases: Case[] = [
    { name: 'whole session', query: fetchWindow({ fromUs: row.startUs, toUs: row.endUs }, PLOT) },
    { name: '1% window', query: fetchWindow({ fromUs: onePercentFrom, toUs: onePercentFrom + lengthUs / 100 }, PLOT) },
    { name: 'whole + functions', query: { ...fetchWindow({ fromUs: row.startUs, toUs: row.endUs }, PLOT), includeFunctions: true } },
  ];
  const script = await pageScript();
  const served = await startServe(storePath);
  const browser = await launchChromium();
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  try {
    // The bench's script is added inline, which the window's CSP would refuse.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(served.url);
    await waitIdle(page);
    await page.addScriptTag({ content: script });
    // A string, not a function: tsx's helpers would not exist in the page.
    const measured = (await page.evaluate(`globalThis.timelineWire.measure(${JSON.stringify({ cases, sessionId: row.id, runs })})`)) as Measured[];
    const ms = (n: number): string => `${n.toFixed(1)} ms`;
    const rows = measured.map((m) => [m.name, m.binary ? 'binary' : 'JSON', `${(m.bytes / 1048576).toFixed(2)} MiB`, ms(m.firstDecodeMs), ms(m.decodeMs), ms(m.layoutMs)]);
    process.stdout.write(`load before: ${load}; ${runs} decodes each\n`);
    process.stdout.write(`${formatTable(['answer', 'frame', 'bytes', 'first decode', 'decode p50', 'layout p50'], rows)}\n`);
    for (const one of cases) process.stdout.write(`${one.name}: widthPx ${one.query.widthPx}, ${((one.query.range.toUs - one.query.range.fromUs) / 1e6).toFixed(3)} s\n`);
  } finally {
    await browser.close();
    await served.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`timeline wire bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
