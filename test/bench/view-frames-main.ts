// `npx tsx test/bench/view-frames-main.ts STORE [RUNS]`: the window's frame times on a store kept by
// the scale bench (SCALE_KEEP=1), without writing the session again; before/after comparisons of
// renderer changes run this a few times in a row on the same store.
import { loadavg } from 'node:os';
import Database from 'better-sqlite3';
import { browserSkipReason, launchChromium } from '../support/e2e-browser';
import type { FrameStats } from './frame-probe';
import { formatTable } from './text-table';
import { benchParallaxView } from './view-frames';

const ms = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a');

async function main(): Promise<void> {
  const [storePath, runsText] = process.argv.slice(2);
  if (!storePath) throw new Error('usage: view-frames-main.ts STORE [RUNS]');
  const skip = browserSkipReason();
  if (skip) throw new Error(`no browser: ${skip}`);
  const db = new Database(storePath, { readonly: true });
  const row = db.prepare('SELECT id FROM sessions ORDER BY started_us LIMIT 1').get() as { id: string } | undefined;
  db.close();
  if (!row) throw new Error(`${storePath} holds no session`);
  const runs = Math.max(1, Number(runsText ?? '1'));
  const rows: string[][] = [];
  const browser = await launchChromium();
  try {
    for (let run = 1; run <= runs; run++) {
      const load = loadavg().map((l) => l.toFixed(2)).join(' ');
      const view = await benchParallaxView(browser, storePath, row.id, (line) => process.stderr.write(`[bench] ${line}\n`));
      for (const [name, stats] of Object.entries(view.interactions)) rows.push([String(run), load, name, ...cells(stats)]);
      process.stderr.write(`[bench] run ${run}: timeline last draw ${view.timelineDrawMs.map(ms).join(', ')}\n`);
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(`${formatTable(['run', 'load before', 'interaction', 'frames', 'p50', 'p95', 'max', 'long tasks'], rows)}\n`);
}

function cells(s: FrameStats): string[] {
  return [String(s.frames), ms(s.p50Ms), ms(s.p95Ms), ms(s.maxMs), `${s.longTasks} (max ${ms(s.longTaskMaxMs)})`];
}

main().catch((error: unknown) => {
  process.stderr.write(`view frames bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
