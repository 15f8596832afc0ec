// How an import reaches the store: the staged session is copied in short transactions that let
// the engine run between them, stays invisible until its last one, and leaves nothing when the
// copy fails at any step (or when the importer died, once the next import looks). Also: a trace
// whose traceEvents comes after more than the sniffed head, and trace events written in batches.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine';
import { importForeignFile } from '../../src/main/engine/interop/import';
import { StagingStore } from '../../src/main/engine/interop/import/staging';
import { SessionWriter } from '../../src/main/engine/store/session-writer';
import type { Store } from '../../src/main/engine/store/store';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';
import { storeState } from '../support/store-state';

const cleanups = cleanupsAfterEach();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'parallax-interop-commit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TABLES_BY_SESSION = ['threads', 'functions', 'stacks', 'spans', 'cpu_chunks', 'logs', 'trace_events', 'heap_samples', 'metric_series', 'session_notes'];

/** Rows of `sessionId` in every table that holds a session's rows (metric points through their series). */
function rowsOf(store: Store, sessionId: string): Record<string, number> {
  const rows: Record<string, number> = {};
  for (const table of TABLES_BY_SESSION) rows[table] = (store.db.prepare(`SELECT COUNT(*) AS n FROM "${table}" WHERE session_id = ?`).get(sessionId) as { n: number }).n;
  rows.metric_points = (
    store.db.prepare(`SELECT COUNT(*) AS n FROM metric_points WHERE series_id IN (SELECT id FROM metric_series WHERE session_id = ?)`).get(sessionId) as { n: number }
  ).n;
  rows.sessions = (store.db.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE id = ?`).get(sessionId) as { n: number }).n;
  return rows;
}

/** A staged session of every kind of row, thousands of each, as an importer writes them. */
function stage(main: Store, sessionId: string): StagingStore {
  const staging = StagingStore.open(main, sessionId);
  const store = staging.store;
  store.sessions.create({ id: sessionId, name: 'staged', startedUs: 1e15, target: { pid: null, nodeVersion: null, title: 't', attachedVia: 'import' }, signals: [], intervalUs: 1000 });
  const writer = new SessionWriter(store, sessionId, (error) => {
    throw error;
  });
  const functionIds = Array.from({ length: 50 }, (_, i) => writer.interner.functionId({ functionName: `fn${i}`, url: 'file:///a.js', lineNumber: i, columnNumber: 0 }));
  let stack = 0;
  const stacks = functionIds.map((f) => (stack = writer.interner.stackId(stack, f)));
  for (let c = 0; c < 30; c++) {
    const timesUs = Float64Array.from({ length: 1000 }, (_, i) => 1e15 + c * 1e6 + i * 1000);
    writer.addSamples({ threadId: 0, timesUs, stackIds: Int32Array.from(timesUs, (_, i) => stacks[i % stacks.length]!) });
  }
  for (let i = 0; i < 3000; i++) writer.addLog({ timeUs: 1e15 + i, level: 'info', source: 'console', url: null, line: null, text: `line ${i}` });
  for (let i = 0; i < 6000; i++) writer.addMetric({ name: `m${i % 3}`, unit: '', timeUs: 1e15 + i, value: i, kind: 'gauge', source: 'trace', threadId: 0 });
  writer.enqueue(() => {
    store.traceEvents.insertMany(
      sessionId,
      Array.from({ length: 12_345 }, (_, i) => ({ threadId: i % 4, timeUs: 1e15 + i, durationUs: i % 3 === 0 ? null : 5, ph: 'X', cat: 'app', name: `e${i}`, kind: 'other' as const, args: { i } })),
    );
    for (let i = 0; i < 2000; i++) {
      store.spans.insert(sessionId, {
        traceId: '1'.repeat(32),
        spanId: i.toString(16).padStart(16, '0'),
        parentSpanId: null,
        name: `s${i}`,
        kind: 1,
        startUs: 1e15 + i,
        endUs: 1e15 + i + 10,
        statusCode: 0,
        statusMessage: null,
        thread: 0,
        source: 'otlp',
        attributes: {},
        resource: {},
      });
    }
    for (let t = 0; t < 5; t++) store.threads.upsert(sessionId, { id: t, name: `t${t}` }, 1e15);
    store.sessions.setNote(sessionId, 'import.format', 'test');
  });
  writer.close();
  return staging;
}

const STAGED = { threads: 5, functions: 50, stacks: 50, spans: 2000, cpu_chunks: 30, logs: 3000, trace_events: 12_345, heap_samples: 0, metric_series: 3, metric_points: 6000, session_notes: 1, sessions: 1 };

/** Another session in the store, still being written while the import commits. */
async function storeWithAnotherSession(): Promise<{ engine: Engine; path: string; otherId: string }> {
  const { engine, path } = openTestEngine(cleanups);
  const otherId = 'other-session';
  engine.store.sessions.create({ id: otherId, name: 'recording', startedUs: 1e15, target: { pid: null, nodeVersion: null, title: 't', attachedVia: 'attach' }, signals: [], intervalUs: 1000 });
  return { engine, path, otherId };
}

describe('the staged session reaches the store in steps', () => {
  it('copies in many short transactions, lets other writes in between, and shows the session only when whole', async () => {
    const { engine, otherId } = await storeWithAnotherSession();
    const sessionId = crypto.randomUUID();
    const staging = stage(engine.store, sessionId);
    let pauses = 0;
    await staging.commitInto(engine.store, sessionId, async () => {
      pauses++;
      // Between steps: the session is not there for anyone reading, and another session is written.
      expect(rowsOf(engine.store, sessionId).sessions).toBe(0);
      expect((await engine.listSessions()).map((s) => s.id)).not.toContain(sessionId);
      engine.store.transaction(() => engine.store.logs.insert(otherId, { timeUs: 1e15 + pauses, level: 'info', source: 'console', url: null, line: null, text: `meanwhile ${pauses}` }));
      await new Promise((resolve) => setImmediate(resolve));
    });
    await staging.discard();
    expect(pauses).toBeGreaterThan(5);
    expect(rowsOf(engine.store, sessionId)).toEqual(STAGED);
    expect(rowsOf(engine.store, otherId).logs).toBe(pauses);
    const summary = await engine.getSummary(sessionId);
    expect(summary.notes['import.format']).toBe('test');
    const events = engine.store.traceEvents.list(sessionId, { limit: 20_000 });
    expect(events).toHaveLength(12_345);
    expect(events[12_344]).toMatchObject({ name: 'e12344', threadId: 0, durationUs: 5, args: { i: 12_344 } });
    expect(events[3]!.durationUs).toBeNull();
    // Foreign keys hold again for every write after the commit.
    expect(() => engine.store.transaction(() => engine.store.logs.insert('no-such-session', { timeUs: 1, level: 'info', source: 'console', url: null, line: null, text: 'x' }))).toThrow(/FOREIGN KEY/);
  });

  it('leaves nothing of the session when the copy fails at any step, and keeps what others wrote meanwhile', async () => {
    const { engine, otherId } = await storeWithAnotherSession();
    for (const failAt of [1, 2, 5]) {
      const sessionId = crypto.randomUUID();
      const staging = stage(engine.store, sessionId);
      let pauses = 0;
      const failure = staging.commitInto(engine.store, sessionId, async () => {
        engine.store.transaction(() => engine.store.logs.insert(otherId, { timeUs: 1e15, level: 'info', source: 'console', url: null, line: null, text: 'meanwhile' }));
        if (++pauses === failAt) throw new Error(`disk gone at step ${failAt}`);
      });
      await expect(failure).rejects.toThrow(`disk gone at step ${failAt}`);
      await staging.discard();
      expect(Object.values(rowsOf(engine.store, sessionId)).every((n) => n === 0), `failing at step ${failAt}`).toBe(true);
      expect(rowsOf(engine.store, otherId).logs).toBeGreaterThan(0);
    }
    expect((await engine.listSessions()).map((s) => s.id)).toEqual([otherId]);
  });

  it('deletes the rows of an importer that died mid-copy at the next import, and spares one still running', async () => {
    const { engine, path } = await storeWithAnotherSession();
    // An importer that died: its pid is gone, its staging file and some copied rows remain.
    const dead = spawn(process.execPath, ['-e', '']);
    await once(dead, 'exit');
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    cleanups.push(() => void alive.kill());
    const deadId = crypto.randomUUID();
    const aliveId = crypto.randomUUID();
    const db = engine.store.db;
    db.pragma('foreign_keys = OFF');
    for (const id of [deadId, aliveId]) {
      for (let i = 0; i < 100; i++) db.prepare(`INSERT INTO trace_events (session_id, thread_id, ts_us, ph, cat, name, kind) VALUES (?, 0, ?, 'X', 'a', 'b', 'other')`).run(id, i);
      db.prepare(`INSERT INTO metric_series (session_id, name, unit) VALUES (?, 'm', '')`).run(id);
      db.prepare(`INSERT INTO metric_points (series_id, ts_us, value) VALUES (last_insert_rowid(), 1, 1)`).run();
    }
    db.pragma('foreign_keys = ON');
    writeFileSync(`${path}.import-${dead.pid}-${deadId}`, 'staged');
    writeFileSync(`${path}.import-${alive.pid}-${aliveId}`, 'staged');
    // A file that only looks like a leftover is not touched.
    writeFileSync(`${path}.import-notes.txt`, 'mine');
    const trace = join(dir, 'next.json');
    writeFileSync(trace, '[{"ph":"X","cat":"app","name":"a","ts":1,"dur":1,"pid":1,"tid":1}]');
    await importForeignFile(engine, trace);
    expect(Object.values(rowsOf(engine.store, deadId)).every((n) => n === 0)).toBe(true);
    expect(existsSync(`${path}.import-${dead.pid}-${deadId}`)).toBe(false);
    expect(rowsOf(engine.store, aliveId).trace_events).toBe(100);
    expect(existsSync(`${path}.import-${alive.pid}-${aliveId}`)).toBe(true);
    expect(existsSync(`${path}.import-notes.txt`)).toBe(true);
  });
});

describe('a Chrome trace whose traceEvents comes late', () => {
  const events = Array.from({ length: 250 }, (_, i) => `{"ph":"X","cat":"app","name":"step${i}","ts":${1000 + i * 10},"dur":5,"pid":1,"tid":1,"args":{"i":${i},"s":"\\u00e9t\\u00e9 ${i}"}}`).join(',');
  const bigMetadata = `"metadata":{"note":"${'x'.repeat(400 << 10)}","nested":[[1,2],{"a":"b"}]}`;
  const manyKeys = Array.from({ length: 30_000 }, (_, i) => `"k${i}":${i}`).join(',');

  async function importsEvents(name: string, bytes: string | Buffer): Promise<void> {
    const { engine } = openTestEngine(cleanups);
    const file = join(dir, name);
    writeFileSync(file, bytes);
    const { sessionId, format } = await importForeignFile(engine, file);
    expect(format).toBe('chrome-trace');
    const stored = engine.store.traceEvents.list(sessionId);
    expect(stored).toHaveLength(250);
    expect(stored[249]).toMatchObject({ name: 'step249', durationUs: 5, args: { i: 249, s: 'été 249' } });
  }

  it('is found after a 400 KiB metadata value, after 30,000 other keys, and gzipped', async () => {
    await importsEvents('late.json', `{${bigMetadata},"traceEvents":[${events}]}`);
    await importsEvents('many-keys.trace', `{${manyKeys},"traceEvents":[${events}],"after":1}`);
    await importsEvents('late.json.gz', gzipSync(`{${bigMetadata},"traceEvents":[${events}]}`));
  });

  it('refuses an object that never has a deciding key, or breaks or ends before one, saying what it saw', async () => {
    const { engine } = openTestEngine(cleanups);
    const expectRefused = async (name: string, bytes: string, message: RegExp): Promise<void> => {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const before = await storeState(engine);
      await expect(importForeignFile(engine, file)).rejects.toThrow(message);
      expect(await storeState(engine)).toEqual(before);
    };
    await expectRefused('none.json', `{${bigMetadata},"other":[${events}]}`, /^none\.json: not a Chrome trace \(expected an array or an object with traceEvents; it is a JSON object with keys "metadata", "other"\)$/);
    await expectRefused('none.bin', `{${manyKeys}}`, /^none\.bin: not a format Parallax imports .*keys "k0", "k1", "k2", "k3", "k4", "k5", \.\.\.\)?$/);
    await expectRefused('cut.json', `{${bigMetadata},"traceEv`, /^cut\.json: not a Chrome trace .*keys "metadata"\)$/);
    await expectRefused('broken.json', `{${bigMetadata}, oops "traceEvents":[${events}]}`, /^broken\.json: not a Chrome trace .*keys "metadata"\)$/);
    await expectRefused('deep.json', `{"a":"${'y'.repeat(300 << 10)}","b":${'['.repeat(20_000)}`, /^deep\.json: not a Chrome trace .*keys "a", "b"\)$/);
    // Found late, then truncated inside the events: refused by the importer, as any truncated trace.
    await expectRefused('late-cut.json', `{${bigMetadata},"traceEvents":[${events.slice(0, 5000)}`, /^late-cut\.json: the file ends early/);
    await expectRefused('late-type.json', `{${bigMetadata},"traceEvents":{"a":1}}`, /traceEvents is not an array/);
  });
});
