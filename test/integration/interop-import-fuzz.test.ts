// Fuzzing the importers: thousands of mutations of valid files of every format (flipped, cut,
// spliced, duplicated, retyped, re-gzipped). Every case must settle quickly, either as a session
// or as one refusal message (code bad-request, naming the file), and a refusal must leave the
// store exactly as it was.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type Protocol from 'devtools-protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ParallaxError } from '../../src/shared/errors';
import { importForeignFile } from '../../src/main/engine/interop/import';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';
import { captureOtlpJson, pprofFromCpuProfile, recordRealProfiles } from '../support/interop-files';
import { storeState } from '../support/store-state';
import { seededRandom } from '../support/seeded-random';

const BUDGET_MS = 25_000;
// Cases run until the budget is spent (thousands on an idle machine), and never fewer than this.
const MIN_CASES = 1000;
const CASE_TIMEOUT_MS = 5000;

const cleanups = cleanupsAfterEach();
let dir: string;
const seeds: { name: string; bytes: Buffer }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parallax-interop-fuzz-'));
  const [real, otlp] = await Promise.all([recordRealProfiles(dir), captureOtlpJson(dir)]);
  const profile = JSON.parse(readFileSync(real.cpuprofile, 'utf8')) as Protocol.Profiler.Profile;
  const trace = JSON.parse(readFileSync(real.trace, 'utf8')) as { traceEvents: unknown[] };
  // A slice of the real trace (metadata, GC, console and ProfileChunk events), to keep cases fast.
  const small = { traceEvents: trace.traceEvents.filter((_, i) => i % 4 === 0 || (_ as { ph?: string }).ph === 'M' || (_ as { name?: string }).name === 'Profile') };
  seeds.push(
    { name: 'profile.cpuprofile', bytes: readFileSync(real.cpuprofile) },
    { name: 'heap.heapprofile', bytes: readFileSync(real.heapprofile) },
    { name: 'node_trace.1.log', bytes: Buffer.from(JSON.stringify(small)) },
    { name: 'events.json', bytes: Buffer.from(JSON.stringify(small.traceEvents.slice(0, 200))) },
    { name: 'spans.json', bytes: readFileSync(otlp.traces) },
    { name: 'logs.json', bytes: readFileSync(otlp.logs) },
    { name: 'metrics.json', bytes: readFileSync(otlp.metrics) },
    { name: 'collector.jsonl', bytes: readFileSync(otlp.lines) },
    { name: 'profile.pb', bytes: Buffer.from(pprofFromCpuProfile(profile, { timestamps: false, startNs: 1_700_000_000_000_000_000n })) },
    { name: 'tiny.heapsnapshot', bytes: Buffer.from(TINY_SNAPSHOT) },
  );
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Two objects of class "Thing" and the root, as V8 lays snapshots out.
const TINY_SNAPSHOT = JSON.stringify({
  snapshot: {
    meta: {
      node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
      node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic'], 'string', 'number', 'number', 'number', 'number', 'number'],
      edge_fields: ['type', 'name_or_index', 'to_node'],
      edge_types: [['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'], 'string_or_number', 'node'],
    },
    node_count: 3,
    edge_count: 2,
  },
  nodes: [9, 0, 1, 0, 2, 0, 0, 3, 1, 3, 32, 0, 0, 0, 3, 1, 5, 32, 0, 0, 0],
  edges: [1, 1, 7, 1, 2, 14],
  strings: ['', 'Thing'],
});

const TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\', 'null', 'true', '-1', '1e999', '99999999999999999999', '"__proto__"', '"nodes"', '"traceEvents"', '"ph"', '\u0000', '\uffff', '"\ud800"'];

function mutate(bytes: Buffer, next: () => number): Buffer {
  const at = (): number => Math.floor(next() * (bytes.length + 1));
  const kinds = 7;
  switch (Math.floor(next() * kinds)) {
    case 0: {
      const copy = Buffer.from(bytes);
      for (let n = 1 + Math.floor(next() * 4); n > 0; n--) copy[Math.min(copy.length - 1, at())] = Math.floor(next() * 256);
      return copy;
    }
    case 1:
      return bytes.subarray(0, at());
    case 2: {
      const from = at();
      return Buffer.concat([bytes.subarray(0, from), bytes.subarray(Math.min(bytes.length, from + 1 + Math.floor(next() * 200)))]);
    }
    case 3: {
      const from = at();
      const piece = bytes.subarray(from, from + Math.floor(next() * 400));
      return Buffer.concat([bytes.subarray(0, from), piece, piece, bytes.subarray(from + piece.length)]);
    }
    case 4: {
      const from = at();
      const token = TOKENS[Math.floor(next() * TOKENS.length)]!;
      return Buffer.concat([bytes.subarray(0, from), Buffer.from(token), bytes.subarray(from)]);
    }
    case 5: {
      // Retype or blow up a number.
      const text = bytes.toString('latin1');
      const numbers = [...text.matchAll(/\d+/g)];
      if (numbers.length === 0) return bytes;
      const hit = numbers[Math.floor(next() * numbers.length)]!;
      const replacement = ['"7"', '-5', '1e308', '4294967296', '0.5', '[]', '{}', 'null'][Math.floor(next() * 8)]!;
      return Buffer.from(text.slice(0, hit.index) + replacement + text.slice(hit.index! + hit[0].length), 'latin1');
    }
    default: {
      // Gzip, then sometimes damage the compressed stream.
      const gz = gzipSync(bytes);
      const hit = Math.min(gz.length - 1, 10 + Math.floor(next() * (gz.length - 10)));
      if (next() < 0.5) gz[hit] = gz[hit]! ^ 0xff;
      return gz;
    }
  }
}

it('survives thousands of mutated files of every format: a session or one clear refusal each, and a refusal changes nothing', async () => {
  const { engine } = openTestEngine(cleanups);
  // A session already in the store, so "unchanged" means something.
  const first = join(dir, 'first.cpuprofile');
  writeFileSync(first, seeds[0]!.bytes);
  await importForeignFile(engine, first);
  let state = await storeState(engine);
  const started = performance.now();
  const outcomes = { imported: 0, refused: 0 };
  const reasons = new Map<string, number>();
  let caseNumber = 0;
  for (; performance.now() - started < BUDGET_MS || caseNumber < MIN_CASES; caseNumber++) {
    const next = seededRandom(caseNumber + 1);
    const seed = seeds[caseNumber % seeds.length]!;
    let bytes = mutate(seed.bytes, next);
    if (next() < 0.3) bytes = mutate(bytes, next);
    const name = `case-${caseNumber}-${seed.name}`;
    const file = join(dir, name);
    writeFileSync(file, bytes);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`case ${caseNumber} (${name}) did not settle in ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS)));
    const outcome = await Promise.race([importForeignFile(engine, file).then((r) => ({ ok: r })), timeout]).catch((error: unknown) => ({ error }));
    clearTimeout(timer);
    rmSync(file, { force: true });
    if ('ok' in outcome) {
      outcomes.imported++;
      await engine.deleteSession(outcome.ok.sessionId);
      state = await storeState(engine);
      continue;
    }
    const error = outcome.error;
    const context = `case ${caseNumber} (${seed.name}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    expect(error instanceof ParallaxError && error.code === 'bad-request', context).toBe(true);
    const message = (error as ParallaxError).message;
    expect(message.startsWith(`${name}: `), context).toBe(true);
    expect(message.length, context).toBeGreaterThan(name.length + 10);
    expect(message, context).not.toMatch(/\n/);
    expect(await storeState(engine), context).toEqual(state);
    outcomes.refused++;
    const reason = message.slice(name.length + 2).replace(/\d+/g, 'N').slice(0, 60);
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const elapsedSec = (performance.now() - started) / 1000;
  process.stdout.write(
    `fuzz: ${caseNumber} cases in ${elapsedSec.toFixed(1)} s: ${outcomes.imported} imported, ${outcomes.refused} refused; ` +
      `${reasons.size} kinds of refusal, most common: ${[...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([r, n]) => `${n}x "${r}"`).join('; ')}\n`,
  );
  expect(caseNumber).toBeGreaterThanOrEqual(MIN_CASES);
  expect(outcomes.refused).toBeGreaterThan(caseNumber / 4);
}, 180_000);
