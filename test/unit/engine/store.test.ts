// The store on a real SQLite file: sessions, sample chunks, and the flame tree built from them.
import { afterEach, describe, expect, it } from 'vitest';
import { flameTreeForWindow, topFunctions } from '../../../src/main/engine/analysis/cpu-profile';
import { SessionWriter } from '../../../src/main/engine/store/session-writer';
import { Store } from '../../../src/main/engine/store/store';
import { tempStorePath } from '../../support/store-files';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function openStore(): Store {
  const file = tempStorePath();
  const store = Store.open(file.path);
  cleanups.push(() => file.remove(), () => store.close());
  return store;
}

function newSession(store: Store, id: string, startedUs = 1_000_000): void {
  store.sessions.create({
    id,
    name: id,
    startedUs,
    target: { pid: 1, nodeVersion: '20.0.0', title: null, attachedVia: 'test' },
    signals: ['cpu'],
    intervalUs: 1000,
  });
}

const frame = (functionName: string, url = 'file:///app.js', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });

describe('sessions', () => {
  it('finds a session by a unique prefix and refuses an ambiguous one', () => {
    const store = openStore();
    newSession(store, 'abc-1');
    newSession(store, 'abd-2');
    expect(store.sessions.get('abc').id).toBe('abc-1');
    expect(() => store.sessions.get('ab')).toThrow(/ambiguous/);
    expect(() => store.sessions.get('zzz')).toThrow(/No session "zzz"/);
    // LIKE wildcards in the input are literal.
    expect(() => store.sessions.get('%')).toThrow(/No session/);
  });

  it('marks recordings of a dead recorder interrupted, at their last data', () => {
    const store = openStore();
    newSession(store, 'mine');
    store.db.prepare(`UPDATE sessions SET recorder_pid = 999999999 WHERE id = 'mine'`).run();
    const writer = new SessionWriter(store, 'mine', (e) => {
      throw e;
    });
    writer.addLog({ timeUs: 5_000_000, level: 'info', source: 'console', text: 'last words', url: null, line: null });
    writer.close();
    expect(store.sessions.markOrphansInterrupted(() => false)).toBe(1);
    const session = store.sessions.get('mine');
    expect(session.status).toBe('interrupted');
    expect(session.endedAt).toBe(5_000_000);
  });
});

describe('CPU samples and the flame tree', () => {
  it('weights each sample by the time to the next, merges stacks and ranks functions', () => {
    const store = openStore();
    newSession(store, 's');
    const writer = new SessionWriter(store, 's', (e) => {
      throw e;
    });
    const i = writer.interner;
    const main = i.stackId(0, i.functionId(frame('main')));
    const hot = i.stackId(main, i.functionId(frame('hot', 'file:///app.js', 9)));
    const idle = i.stackId(0, i.functionId(frame('(idle)', '')));
    // Two chunks as two rotations would give: 1 ms apart, hot 3 of 5 samples.
    writer.addSamples({ threadId: 0, timesUs: Float64Array.from([1000, 2000, 3000]), stackIds: Int32Array.from([hot, hot, main]) });
    writer.addSamples({ threadId: 0, timesUs: Float64Array.from([4000, 5000]), stackIds: Int32Array.from([hot, idle]) });
    writer.close();

    const tree = flameTreeForWindow(store, 's', 1000);
    expect(tree.sampleCount).toBe(5);
    expect(tree.totalUs[0]).toBe(5000);
    const names = tree.functionId.map((f) => (f < 0 ? 'root' : tree.functions[f]!.name));
    expect(names).toEqual(['root', 'main', 'hot', '(idle)']);
    expect(tree.parent).toEqual([-1, 0, 1, 0]);
    expect(tree.totalUs).toEqual([5000, 4000, 3000, 1000]);
    expect(tree.functions[tree.functionId[2]!]).toMatchObject({ line: 10, kind: 'app' });

    const top = topFunctions(store, 's', 1000, 20);
    expect(top.map((f) => f.name)).toEqual(['hot', 'main']);
    expect(top[0]).toMatchObject({ selfMs: 3, totalMs: 3, line: 10 });
    expect(top[1]).toMatchObject({ selfMs: 1, totalMs: 4 });

    const window = flameTreeForWindow(store, 's', 1000, { range: { fromUs: 3500, toUs: 6000 } });
    expect(window.sampleCount).toBe(2);
  });

  it('caps the weight of a sample followed by a long gap', () => {
    const store = openStore();
    newSession(store, 'gap');
    const writer = new SessionWriter(store, 'gap', (e) => {
      throw e;
    });
    const f = writer.interner.stackId(0, writer.interner.functionId(frame('f')));
    writer.addSamples({ threadId: 0, timesUs: Float64Array.from([0, 1000, 60_000_000]), stackIds: Int32Array.from([f, f, f]) });
    writer.close();
    expect(flameTreeForWindow(store, 'gap', 1000).totalUs[0]).toBe(1000 + 10_000 + 1000);
  });

  it('counts a recursive function once per sample in its total', () => {
    const store = openStore();
    newSession(store, 'rec');
    const writer = new SessionWriter(store, 'rec', (e) => {
      throw e;
    });
    const i = writer.interner;
    const fib = i.functionId(frame('fib'));
    const deep = i.stackId(i.stackId(i.stackId(0, fib), fib), fib);
    writer.addSamples({ threadId: 0, timesUs: Float64Array.from([0, 1000]), stackIds: Int32Array.from([deep, deep]) });
    writer.close();
    expect(topFunctions(store, 'rec', 1000, 5)[0]).toMatchObject({ name: 'fib', selfMs: 2, totalMs: 2 });
  });
});
