// `npx tsx test/bench/scale-cold.ts`: only the scale session's selection latency, cold and warm (no
// browser). SCALE_STORE=<dir> keeps the written store there and reuses it on the next run, so
// before/after figures are measured on the same file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/main/engine/store/store';
import { scaleSizesFromEnv } from './scale';
import { type ScaleSession, writeScaleSession } from './scale-session';
import { SELECTION_CALLS, benchSelectionLatency } from './selection-latency';
import { formatTable } from './text-table';

async function main(): Promise<void> {
  const dir = process.env.SCALE_STORE ?? '/tmp/parallax-scale-cold';
  mkdirSync(dir, { recursive: true });
  const storePath = join(dir, 'scale.sqlite');
  const metaPath = join(dir, 'session.json');
  let session: ScaleSession;
  if (existsSync(metaPath)) session = JSON.parse(readFileSync(metaPath, 'utf8')) as ScaleSession;
  else {
    const store = Store.open(storePath);
    session = await writeScaleSession(store, scaleSizesFromEnv()).finally(() => store.close());
    writeFileSync(metaPath, JSON.stringify(session));
  }
  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
  const loadBefore = load();
  const cases = await benchSelectionLatency(storePath, { ...session, threadId: session.threads[1] ?? 0, spanId: session.sampleSpanIds[0] ?? '' }, 3, (line) => process.stderr.write(`[bench] ${line}\n`));
  process.stdout.write(
    `load ${loadBefore} -> ${load()}\n` +
      formatTable(
        ['window', 'scope', ...SELECTION_CALLS, 'all calls'],
        cases.map((c) => [c.window, c.scope, ...SELECTION_CALLS.map((call) => `${c.cold[call].toFixed(0)} / ${c.warm[call].toFixed(0)}`), `${c.coldTotalMs.toFixed(0)} / ${c.warmTotalMs.toFixed(0)}`]),
      ) +
      '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`scale-cold bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
