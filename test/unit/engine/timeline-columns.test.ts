// A session's events and logs as columns on a real SQLite file: read whole, then grown by only the newer rows.
import { afterEach, describe, expect, it } from 'vitest';
import { mergedOrder, readSessionColumns } from '../../../src/main/engine/analysis/timeline-columns';
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
  store.sessions.create({ id: 's', name: 's', startedUs: 0, target: { pid: 1, nodeVersion: null, title: null, attachedVia: 'test' }, signals: ['trace'], intervalUs: 1000 });
  store.sessions.create({ id: 'other', name: 'o', startedUs: 0, target: { pid: 1, nodeVersion: null, title: null, attachedVia: 'test' }, signals: ['trace'], intervalUs: 1000 });
  return store;
}

function addEvents(store: Store, sessionId: string, times: number[]): void {
  store.transaction(() => {
    for (const t of times) {
      store.traceEvents.insert(sessionId, { threadId: 0, timeUs: t, durationUs: t % 2 === 0 ? 100 : null, ph: 'X', cat: 'v8', name: `e${t % 3}`, kind: t % 2 === 0 ? 'gc' : 'mark', args: null });
      store.logs.insert(sessionId, { timeUs: t, level: t % 2 === 0 ? 'warn' : 'info', source: 'console', text: `at ${t}`, url: null, line: null });
    }
  });
}

describe('timeline columns', () => {
  it('merges two sorted arrays in order', () => {
    expect([...mergedOrder(Float64Array.from([1, 4, 9]), Float64Array.from([0, 4, 10]))]).toEqual([-1, 0, 1, -2, 2, -3]);
  });

  it('grows by the rows stored since, in time order, the same as reading afresh', () => {
    const store = openStore();
    addEvents(store, 's', [10, 30, 50]);
    const first = readSessionColumns(store.db, 's');
    expect([...first.events.startUs]).toEqual([10, 30, 50]);
    // Late rows, some earlier than what was read (trace chunks arrive after the fact), and another session's rows.
    addEvents(store, 'other', [5, 15]);
    addEvents(store, 's', [40, 20, 60]);
    const grown = readSessionColumns(store.db, 's', first);
    const fresh = readSessionColumns(store.db, 's');
    expect([...grown.events.startUs]).toEqual([10, 20, 30, 40, 50, 60]);
    expect([...grown.events.startUs]).toEqual([...fresh.events.startUs]);
    expect([...grown.events.endUs]).toEqual([...fresh.events.endUs]);
    expect(grown.events.name.map((i) => i).reduce((acc: string[], i) => [...acc, grown.events.names[i]!], [])).toEqual(
      fresh.events.name.map((i) => i).reduce((acc: string[], i) => [...acc, fresh.events.names[i]!], []),
    );
    expect([...grown.logs.timeUs]).toEqual([...fresh.logs.timeUs]);
    expect([...grown.logs.level]).toEqual([...fresh.logs.level]);
    expect(grown.events.longestUs).toBe(100);
    // Nothing new: the same columns come back.
    expect(readSessionColumns(store.db, 's', grown).events).toBe(grown.events);
  });
});
