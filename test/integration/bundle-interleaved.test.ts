// Export reads a session's rows in row id order whether they sit in one run of row ids shared
// with another session (read as a range, skipping the other session's rows) or spread thinly
// among many of another's (looked up and sorted): either way the import gets them all, in order.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportBundle, importBundle } from '../../src/main/engine/bundle';
import { Store } from '../../src/main/engine/store/store';
import { tempStorePath } from '../support/store-files';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function openStore(): { store: Store; dir: string } {
  const files = tempStorePath();
  const store = Store.open(files.path);
  cleanups.push(() => {
    store.close();
    files.remove();
  });
  return { store, dir: files.dir };
}

function createSession(store: Store, id: string, startUs: number): void {
  store.sessions.create({ id, name: id, startedUs: startUs, target: { pid: 1, nodeVersion: '20.0.0', title: 'node x.js', attachedVia: 'pid 1' }, signals: ['logs', 'metrics'], intervalUs: 1000 });
}

/** Logs and metric points of sessions `a` and `b`, written alternately: `b` gets one row in every `every`. */
function interleave(store: Store, every: number, rows: number): { a: string; b: string } {
  const a = '00000000-0000-4000-8000-00000000000a';
  const b = '00000000-0000-4000-8000-00000000000b';
  const startUs = 1_764_000_000_000_000;
  createSession(store, a, startUs);
  createSession(store, b, startUs);
  store.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const id = i % every === 0 ? b : a;
      // Times out of order on purpose: row id order, not time order, is what must survive.
      const timeUs = startUs + ((i * 7919) % rows) * 1000;
      store.logs.insert(id, { timeUs, level: 'info', source: 'stdout', text: `${id.slice(-1)} line ${i}`, url: null, line: null });
      store.metrics.insert(id, { name: 'm', unit: 'ms', timeUs, value: i });
    }
  });
  for (const id of [a, b]) store.sessions.finish(id, 'completed', startUs + rows * 1000, null);
  return { a, b };
}

function texts(store: Store, sessionId: string): string[] {
  return (store.db.prepare('SELECT text FROM logs WHERE session_id = ? ORDER BY id').all(sessionId) as { text: string }[]).map((r) => r.text);
}

function values(store: Store, sessionId: string): number[] {
  const sql = 'SELECT p.value FROM metric_points p JOIN metric_series s ON p.series_id = s.id WHERE s.session_id = ? ORDER BY p.rowid';
  return (store.db.prepare(sql).all(sessionId) as { value: number }[]).map((r) => r.value);
}

describe('bundle export of interleaved sessions', () => {
  for (const [label, every] of [
    ['densely (one run of row ids)', 2],
    ['thinly (looked up and sorted)', 50],
  ] as const) {
    it(`carries every row in order when a session's rows are interleaved ${label}`, async () => {
      const { store, dir } = openStore();
      const { a, b } = interleave(store, every, 2000);
      const { store: target } = openStore();
      for (const id of [a, b]) {
        const file = join(dir, `${id}.parallax`);
        await exportBundle(store, id, file, { redact: false });
        const { sessionId } = await importBundle(target, file);
        expect(texts(target, sessionId)).toEqual(texts(store, id));
        expect(values(target, sessionId)).toEqual(values(store, id));
        expect(texts(target, sessionId).length).toBeGreaterThan(0);
      }
    });
  }
});
