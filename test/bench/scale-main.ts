// `npx tsx test/bench/scale-main.ts`: the scale bench alone (SCALE_FRACTION=0.01 for a quick run).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchScale, scaleSizesFromEnv } from './scale';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-scale-'));
  const loadBefore = loadavg().map((l) => l.toFixed(2)).join(' ');
  try {
    const result = await benchScale(dir, scaleSizesFromEnv(), (line) => process.stderr.write(`[bench] ${line}\n`));
    const loadAfter = loadavg().map((l) => l.toFixed(2)).join(' ');
    process.stdout.write(`${[`load ${loadBefore} -> ${loadAfter}`, ...result.lines, '', JSON.stringify(result.figures, null, 2)].join('\n')}\n`);
  } finally {
    if (!process.env.SCALE_KEEP) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`[bench] kept ${dir}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`scale bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
