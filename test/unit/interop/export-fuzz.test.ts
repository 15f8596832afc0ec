// Exporters on thousands of random sessions, many of them damaged the way a store can be (stack loops,
// missing functions, stack ids outside the table, columns of unequal or ragged length, bad JSON, reversed spans,
// infinite metric values): none may throw or hang, and every output must read back in its consumer's terms.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportFormats, exportSession } from '../../../src/main/engine/interop/export';
import type { CallFrameKey } from '../../../src/main/engine/store/cpu-samples';
import { Store } from '../../../src/main/engine/store/store';
import { readChromeTrace, readCpuProfile, readPprof } from '../../support/interop-checks';
import { type SyntheticSession, frame, writeSyntheticSession } from '../../support/synthetic-session';
import { seededRandom } from '../../support/seeded-random';

const CASES = Number(process.env.PARALLAX_FUZZ_CASES ?? 1500);
const T0 = 1_700_000_000_000_000;
const NAMES = ['', 'main', '(anonymous)', 'ЗапросОбработчик', '🚀💥', 'a\u0000b', '\ud800lone', 'x'.repeat(5000), '"\\\n\t', '<script>'];

const dir = mkdtempSync(join(tmpdir(), 'parallax-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomSession(id: string, rnd: () => number): SyntheticSession {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const int = (n: number): number => Math.floor(rnd() * n);
  const frames: CallFrameKey[] = Array.from({ length: 1 + int(8) }, () => frame(pick(NAMES), pick(['', 'file:///a.js', 'node:internal/x', 'ü.js']), int(3) - 1, int(3) - 1));
  const stack = (): CallFrameKey[] => Array.from({ length: int(12) }, () => pick(frames));
  const sampleCount = pick([0, 1, 2, int(50), int(400)]);
  let t = T0 + int(1e6);
  const samples = Array.from({ length: sampleCount }, () => {
    t += rnd() < 0.1 ? -int(5000) : int(3000);
    return { timeUs: t, stack: stack(), threadId: pick([0, 0, 1, 7]) };
  });
  const spanCount = int(6);
  const spans = Array.from({ length: spanCount }, (_, i) => {
    const start = T0 + int(2e6);
    return {
      traceId: pick(['4bf92f3577b34da6a3ce929d0e0e4736', 'ffffffffffffffffffffffffffffffff']),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      parentSpanId: i > 0 && rnd() < 0.5 ? '0000000000000001' : null,
      name: pick(NAMES),
      startUs: start,
      endUs: start + int(1e6) - 100_000,
      thread: pick([null, 0, 1, 99]),
      attributes: { [pick(NAMES)]: pick<unknown>([1, 1.5, true, 'x', [1, 'a'], { nested: { deep: [null] } }, null, 2 ** 60]) },
    };
  });
  return {
    id,
    name: pick(NAMES),
    pid: pick([null, 1, 99999]),
    intervalUs: pick([1, 100, 1000, 1_000_000]),
    threads: rnd() < 0.7 ? [{ id: 0, name: pick(NAMES) }] : [],
    samples,
    spans,
    logs: Array.from({ length: int(5) }, () => ({ timeUs: T0 + int(1e6), text: pick(NAMES), threadId: pick([0, 3]), level: pick(['info', 'error', 'fatal'] as const) })),
    metrics: Array.from({ length: int(3) }, (_, i) => ({
      name: `${pick(NAMES)}${i}`,
      unit: pick(['', 'By', 'ms']),
      kind: pick(['gauge', 'counter'] as const),
      labels: rnd() < 0.5 ? { [pick(NAMES)]: pick(NAMES) } : undefined,
      points: Array.from({ length: int(4) }, (_, j): [number, number] => [T0 + j * 1000, pick([0, -1, 1e308, Infinity, -Infinity, 0.5])]),
    })),
    heap: rnd() < 0.3 ? [{ capturedUs: T0, stack: stack(), bytes: int(1e6), count: 1 + int(5) }] : [],
  };
}

/** Damages a stored session the ways the fuzz cares about. */
function damage(store: Store, id: string, rnd: () => number): void {
  const db = store.db;
  if (rnd() < 0.3) db.prepare(`UPDATE stacks SET parent_id = abs(random() % 20) - 2 WHERE session_id = ? AND random() % 2 = 0`).run(id);
  if (rnd() < 0.2) db.prepare(`DELETE FROM functions WHERE session_id = ? AND random() % 2 = 0`).run(id);
  if (rnd() < 0.2) db.prepare(`DELETE FROM stacks WHERE session_id = ? AND random() % 3 = 0`).run(id);
  if (rnd() < 0.2) {
    const bad = Buffer.from(Int32Array.from([-5, 0, 999_999, 2 ** 31 - 1, 3]).buffer);
    db.prepare(`UPDATE cpu_chunks SET stacks = ? WHERE session_id = ?`).run(bad, id);
  }
  if (rnd() < 0.2) db.prepare(`UPDATE cpu_chunks SET times = substr(times, 1, 13) WHERE session_id = ?`).run(id);
  if (rnd() < 0.2) db.prepare(`UPDATE spans SET attributes = 'not json', resource = '[1]' WHERE session_id = ?`).run(id);
  if (rnd() < 0.2) db.prepare(`UPDATE logs SET attributes = '{"a":' WHERE session_id = ?`).run(id);
  if (rnd() < 0.2) db.prepare(`UPDATE metric_series SET labels = 'oops' WHERE session_id = ?`).run(id);
}

describe('exporters under fuzz', () => {
  it(`never throw and always write readable files, over ${CASES} random and damaged sessions`, () => {
    const store = Store.open(':memory:');
    const formats = Object.keys(exportFormats) as (keyof typeof exportFormats)[];
    let files = 0;
    try {
      for (let seed = 1; seed <= CASES; seed++) {
        const rnd = seededRandom(seed);
        const id = `fuzz-${seed}`;
        writeSyntheticSession(store, randomSession(id, rnd));
        damage(store, id, rnd);
        for (const format of formats) {
          const out = join(dir, `${format}-${seed % 4}`);
          let written;
          try {
            written = exportSession(store, id, format, format === 'chrome-trace' ? `${out}.json` : out);
          } catch (error) {
            throw new Error(`seed ${seed}, ${format}: ${String(error)}`);
          }
          for (const file of written) {
            if (format === 'cpuprofile') readCpuProfile(file.path);
            if (format === 'chrome-trace') readChromeTrace(file.path);
            if (format === 'pprof') expect(readPprof(file.path).profile.sampleType.length).toBe(2);
            if (format === 'otlp-json') expect(JSON.parse(readFileSync(file.path, 'utf8'))).toBeTypeOf('object');
            rmSync(file.path);
            files++;
          }
        }
        store.sessions.delete(id);
      }
    } finally {
      store.close();
    }
    expect(files).toBeGreaterThan(CASES);
  }, 600_000);
});
