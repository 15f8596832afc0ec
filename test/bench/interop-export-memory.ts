// What exporting a long session costs in memory: `parallax export` runs as a child process on
// synthetic sessions of 1M and 4M CPU samples, and its peak RSS is compared with the same command
// listing sessions (the baseline: Node, tsx and the opened store). Streaming exporters grow by
// their call tree and write buffer, not by the number of samples.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StackInterner } from '../../src/main/engine/store/cpu-samples';
import { Store } from '../../src/main/engine/store/store';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./max-rss-on-exit.mjs', import.meta.url));
const SIZES = [1_000_000, 4_000_000];
const FORMATS = ['cpuprofile', 'chrome-trace', 'pprof'] as const;
const CHUNK = 10_000;
const STACKS = 2000;

function writeSession(store: Store, id: string, samples: number): void {
  store.sessions.create({
    id,
    name: id,
    startedUs: 1.7e15,
    target: { pid: 1, nodeVersion: null, title: id, attachedVia: 'bench' },
    signals: ['cpu'],
    intervalUs: 100,
  });
  const interner = new StackInterner();
  const stacks = Array.from({ length: STACKS }, (_, i) => {
    let stack = 0;
    for (let depth = 0; depth <= i % 20; depth++) {
      stack = interner.stackId(stack, interner.functionId({ functionName: `fn${(i * 7 + depth) % 500}`, url: 'file:///app.js', lineNumber: depth, columnNumber: 0 }));
    }
    return stack;
  });
  for (let at = 0; at < samples; at += CHUNK) {
    const n = Math.min(CHUNK, samples - at);
    const timesUs = Float64Array.from({ length: n }, (_, i) => 1.7e15 + (at + i) * 100);
    const stackIds = Int32Array.from({ length: n }, (_, i) => stacks[(at + i) % STACKS]!);
    store.transaction(() => store.cpu.write(id, interner, { threadId: 0, timesUs, stackIds }));
  }
}

function peakRssKiB(args: string[]): Promise<number> {
  const child = spawn(process.execPath, ['--import', PRELOAD, 'bin/parallax.js', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((done, fail) =>
    child.once('close', (code) => {
      const match = /maxRSSKiB (\d+)/.exec(err);
      if (code !== 0 || !match) fail(new Error(`parallax ${args.join(' ')} failed (${code}): ${err}`));
      else done(Number(match[1]));
    }),
  );
}

/** Figures: baseline peak RSS (MiB), and per format and size the peak RSS growth over it (MiB) and the output size (MiB). */
export async function benchInteropExportMemory(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-export-bench-'));
  const storePath = join(dir, 'bench.sqlite');
  try {
    const store = Store.open(storePath);
    for (const size of SIZES) writeSession(store, `s${size}`, size);
    store.close();
    const figures: Record<string, number> = {};
    const baseline = await peakRssKiB(['sessions', '--store', storePath]);
    figures.baselineRssMiB = baseline / 1024;
    for (const format of FORMATS) {
      for (const size of SIZES) {
        const out = join(dir, `${format}-${size}`);
        const peak = await peakRssKiB(['export', `s${size}`, '--format', format, '--out', out, '--store', storePath]);
        const file = format === 'chrome-trace' ? out : format === 'pprof' ? join(out, 'cpu.pb.gz') : join(out, '0-main.cpuprofile');
        figures[`${format}.${size / 1e6}M.rssGrowthMiB`] = (peak - baseline) / 1024;
        figures[`${format}.${size / 1e6}M.outputMiB`] = statSync(file).size / 2 ** 20;
        rmSync(out, { recursive: true, force: true });
      }
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchInteropExportMemory();
  for (const [name, value] of Object.entries(figures)) process.stdout.write(`${name.padEnd(36)} ${value.toFixed(1)}\n`);
}
