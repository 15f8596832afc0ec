// Thousands of mutated bundles (damaged inside the compression, with every checksum recomputed, so
// decoding and validation are what answer): none crashes or hangs import, each refusal is one
// clear line, and the store gains exactly one whole session per accepted file or nothing at all.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { ParallaxError } from '../../src/shared/errors';
import { recordScenario } from '../support/recorded-sessions';
import { type Frame, framesOf, joinFrames, openBundle, rebuildBundle } from '../support/bundle-surgery';
import { tempStorePath } from '../support/store-files';
import { seededRandom } from '../support/seeded-random';

const BUDGET_MS = 25_000;
const MIN_CASES = 1500;
const SEED = Number(process.env.BUNDLE_FUZZ_SEED ?? 20261125);

let valid: Buffer;
let engine: Engine;
let workDir: string;
const removeAll: (() => void)[] = [];

beforeAll(async () => {
  const source = tempStorePath();
  removeAll.push(() => source.remove());
  const recorder = Engine.open({ storePath: source.path });
  try {
    const sessionId = await recordScenario(recorder, 1, { heapSnapshot: false });
    await recorder.exportSession(sessionId, 'bundle', join(source.dir, 'valid.parallax'));
    valid = readFileSync(join(source.dir, 'valid.parallax'));
  } finally {
    await recorder.close();
  }
  const target = tempStorePath();
  removeAll.push(() => target.remove());
  workDir = target.dir;
  engine = Engine.open({ storePath: target.path });
}, 60_000);

afterAll(async () => {
  await engine?.close();
  for (const remove of removeAll) remove();
});

function mutate(payload: Buffer, frames: Frame[], next: () => number): Buffer {
  const pick = (n: number): number => Math.floor(next() * n);
  const copy = Buffer.from(payload);
  switch (pick(8)) {
    case 0: {
      for (let i = 0, n = 1 + pick(4); i < n; i++) {
        const at = pick(copy.length);
        copy[at] = copy[at]! ^ (1 << pick(8));
      }
      return copy;
    }
    case 1: {
      copy[pick(copy.length)] = [0x00, 0xff, 0x7f, 0x80, 0x01][pick(5)]!;
      return copy;
    }
    case 2:
      return copy.subarray(0, pick(copy.length));
    case 3: {
      const at = pick(copy.length);
      return Buffer.concat([copy.subarray(0, at), copy.subarray(at + 1 + pick(64))]);
    }
    case 4: {
      const at = pick(copy.length);
      const junk = Buffer.from(Array.from({ length: 1 + pick(16) }, () => pick(256)));
      return Buffer.concat([copy.subarray(0, at), junk, copy.subarray(at)]);
    }
    case 5: {
      // Inside one table block, where counts and lengths live.
      const tables = frames.filter((f) => f.type === 1);
      const chosen = tables[pick(tables.length)]!;
      const body = Buffer.from(chosen.body);
      body[pick(Math.min(body.length, 200))] = pick(256);
      return joinFrames(frames.map((f) => (f === chosen ? { type: 1, body } : f)));
    }
    case 6: {
      const order = [...frames];
      const a = pick(order.length);
      const b = pick(order.length);
      [order[a], order[b]] = [order[b]!, order[a]!];
      return joinFrames(order);
    }
    default: {
      const at = pick(copy.length - 8);
      copy.fill(0xff, at, at + 1 + pick(8));
      return copy;
    }
  }
}

describe('bundle import under fuzzing', () => {
  it(`answers thousands of mutated bundles with a refusal or one whole session, within ${BUDGET_MS / 1000} s`, async () => {
    const { payload, manifest } = openBundle(valid);
    const frames = framesOf(payload);
    const next = seededRandom(SEED);
    const count = (): number => (engine.store.db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;
    const rows = (): number => (engine.store.db.prepare('SELECT (SELECT COUNT(*) FROM logs) + (SELECT COUNT(*) FROM stacks) + (SELECT COUNT(*) FROM cpu_chunks) AS n').get() as { n: number }).n;
    const file = join(workDir, 'case.parallax');
    const started = Date.now();
    let cases = 0;
    let accepted = 0;
    let slowestMs = 0;
    const messages = new Map<string, number>();
    while (cases < MIN_CASES || Date.now() - started < BUDGET_MS) {
      if (Date.now() - started > BUDGET_MS * 2) break;
      const bytes = rebuildBundle({ payload: mutate(payload, frames, next), manifest });
      writeFileSync(file, bytes);
      const sessionsBefore = count();
      const rowsBefore = rows();
      const caseStarted = Date.now();
      try {
        await engine.importFile(file);
        accepted++;
        // An accepted mutation (say, a changed log text) is a whole new session: exactly one.
        expect(count()).toBe(sessionsBefore + 1);
        expect(rows()).toBeGreaterThan(rowsBefore);
      } catch (error) {
        expect(error, `case ${cases} (seed ${SEED})`).toBeInstanceOf(ParallaxError);
        const message = (error as Error).message;
        expect(message).toMatch(/^case\.parallax cannot be opened: \S/);
        expect(message).not.toContain('\n');
        const kind = message.replace(/\d+/g, 'N').slice(0, 90);
        messages.set(kind, (messages.get(kind) ?? 0) + 1);
        expect(count()).toBe(sessionsBefore);
        expect(rows()).toBe(rowsBefore);
      }
      slowestMs = Math.max(slowestMs, Date.now() - caseStarted);
      cases++;
    }
    const top = [...messages].sort((a, b) => b[1] - a[1]).slice(0, 12);
    console.log(`bundle fuzz: ${cases} cases in ${Date.now() - started} ms, ${accepted} accepted, slowest ${slowestMs} ms; refusals:\n${top.map(([m, n]) => `  ${n} ${m}`).join('\n')}`);
    expect(cases).toBeGreaterThanOrEqual(MIN_CASES);
    expect(slowestMs).toBeLessThan(5000);
  }, 90_000);
});
