// An ended session's digests (timeline columns, stack columns, chunk self times, per-second counts)
// give the same answers as its rows: a store opened again answers from them exactly as before, and
// a digest that is damaged or stale is passed over for the rows.
import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../../src/shared/api';
import type { TimeRange } from '../../../src/shared/domain';
import { Engine } from '../../../src/main/engine/engine';
import { keepSessionColumns, keptSessionColumns } from '../../../src/main/engine/analysis/timeline-digest';
import { keptStridedSamples } from '../../../src/main/engine/analysis/timeline-sample-digest';
import { ROOT_STACK_ID } from '../../../src/main/engine/store/cpu-samples';
import { packDigest, unpackDigest } from '../../../src/main/engine/store/session-digests';
import { SessionWriter } from '../../../src/main/engine/store/session-writer';
import { tempStorePath } from '../../support/store-files';

let cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const T0 = 1_700_000_000_000_000;
const INTERVAL_US = 1000;

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
}

/** A finished session of 3 threads with recursion, gaps, trace events, logs and spans. */
function writeSession(path: string): { startUs: number; endUs: number } {
  const engine = Engine.open({ storePath: path });
  const store = engine.store;
  store.sessions.create({ id: 's', name: 's', startedUs: T0, target: { pid: 1, nodeVersion: null, title: null, attachedVia: 'test' }, signals: ['cpu', 'logs', 'metrics', 'trace', 'otlp'], intervalUs: INTERVAL_US });
  const writer = new SessionWriter(store, 's', (e) => {
    throw e;
  });
  const rand = random(5);
  const clock = [T0, T0, T0];
  const stacks: number[] = [];
  for (let c = 0; c < 60; c++) {
    for (let i = 0; i < 4; i++) {
      let stack = ROOT_STACK_ID;
      for (let d = 0, depth = 1 + Math.floor(rand() * 8); d < depth; d++) {
        stack = writer.interner.stackId(stack, writer.interner.functionId({ functionName: `f${Math.floor(rand() * 12)}`, url: 'file:///a.js', lineNumber: 0, columnNumber: 0 }));
      }
      stacks.push(stack);
    }
    const thread = c % 3;
    const n = 50 + Math.floor(rand() * 300);
    const times = new Float64Array(n);
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      clock[thread]! += rand() < 0.02 ? 50_000 : INTERVAL_US * (0.5 + rand()) + 0.25;
      times[i] = clock[thread]!;
      ids[i] = stacks[Math.floor(rand() * stacks.length)]!;
    }
    writer.addSamples({ threadId: thread, timesUs: times, stackIds: ids });
    for (let i = 0; i < 40; i++) {
      const timeUs = Math.round(times[0]! + rand() * (times[n - 1]! - times[0]!));
      const gc = rand() < 0.6;
      writer.enqueue(() =>
        store.traceEvents.insert('s', { threadId: thread, timeUs, durationUs: gc ? Math.round(rand() * 5000) : null, ph: gc ? 'X' : 'R', cat: 'v8', name: gc ? 'MinorGC' : `mark${i % 7}`, kind: gc ? 'gc' : 'mark', args: null }),
      );
      writer.addLog({ timeUs, level: rand() < 0.1 ? 'warn' : 'info', source: 'console', text: `line ${i}`, url: null, line: null });
      writer.addMetric({ name: i % 2 ? 'heap.used' : 'cpu', unit: i % 2 ? 'bytes' : '%', timeUs, value: rand() * 1e8, labels: { thread: String(thread) } });
    }
    const startUs = Math.round(times[0]! + rand() * (times[n - 1]! - times[0]!));
    const span = { spanId: `c${c}`, traceId: 't', parentSpanId: c > 0 ? `c${c - 1}` : null, name: `op${c % 4}`, kind: 1 as const, startUs, endUs: startUs + Math.round(rand() * 400_000), statusCode: 0 as const, statusMessage: null, thread, source: 'otlp', attributes: {}, resource: {} };
    writer.enqueue(() => store.spans.insert('s', span));
  }
  writer.close();
  const endUs = Math.ceil(Math.max(...clock));
  store.sessions.finish('s', 'completed', endUs, null);
  store.close();
  return { startUs: T0, endUs };
}

/** Every question a selection asks, over a few windows, threads and widths. */
async function answers(api: Api, extent: TimeRange): Promise<unknown[]> {
  const span = extent.toUs - extent.fromUs;
  const windows: (TimeRange | undefined)[] = [undefined, { fromUs: extent.fromUs + span * 0.1, toUs: extent.fromUs + span * 0.13 }, { fromUs: extent.fromUs + span * 0.4, toUs: extent.fromUs + span * 0.9 }];
  const out: unknown[] = [];
  for (const range of windows) {
    for (const scope of [undefined, { threadId: 1 }]) {
      out.push(await api.getFlameTree('s', range, scope));
      out.push(await api.getSummary('s', range, scope));
    }
    // Narrow widths step over samples by 64 and more: the sample digests' strides.
    for (const widthPx of [300, 1400, 24, 3]) {
      out.push(await api.getTimeline('s', { range: range ?? extent, widthPx, includeFunctions: true }));
      out.push(await api.getTimeline('s', { range: range ?? extent, widthPx, threadIds: [2] }));
    }
    out.push(await api.getSpans('s', { ...(range ? { range } : {}), limit: 2000 }));
  }
  out.push(await api.getMetrics('s'));
  return out;
}

describe('session digests', () => {
  it('answer a store opened again exactly as its rows do', async () => {
    const file = tempStorePath();
    cleanups.push(() => file.remove());
    const extent = (({ startUs, endUs }) => ({ fromUs: startUs, toUs: endUs }))(writeSession(file.path));

    // First open: no digests yet, every answer derived from the rows.
    const fromRows = Engine.open({ storePath: file.path });
    expect(fromRows.store.db.prepare(`SELECT count(*) FROM session_digests`).pluck().get()).toBe(0);
    const expected = await answers(fromRows, extent);
    fromRows.keepDigests('s');
    const kinds = fromRows.store.db.prepare(`SELECT kind FROM session_digests ORDER BY kind`).pluck().all();
    expect(kinds).toEqual(['counts:logs', 'counts:trace_events', 'cpu-stacks', 'cpu-weights', 'cpu-whole-flame', 'cpu-whole-summary', 'metric-series', 'timeline-columns', 'timeline-samples-4096', 'timeline-samples-512', 'timeline-samples-64']);
    await fromRows.close();

    // Second open: the same answers from the digests.
    const fromDigests = Engine.open({ storePath: file.path });
    cleanups.push(() => fromDigests.close());
    expect(await answers(fromDigests, extent)).toEqual(expected);
  });

  it('pass over a damaged or stale digest for the rows', async () => {
    const file = tempStorePath();
    cleanups.push(() => file.remove());
    const extent = (({ startUs, endUs }) => ({ fromUs: startUs, toUs: endUs }))(writeSession(file.path));
    const first = Engine.open({ storePath: file.path });
    const expected = await answers(first, extent);
    first.keepDigests('s');
    // Damaged: every digest cut short. Stale: the session's end moved since it was kept.
    first.store.db.prepare(`UPDATE session_digests SET data = substr(data, 1, length(data) / 2)`).run();
    await first.close();
    const damaged = Engine.open({ storePath: file.path });
    expect(await answers(damaged, extent)).toEqual(expected);
    await damaged.close();

    const again = Engine.open({ storePath: file.path });
    cleanups.push(() => again.close());
    again.keepDigests('s');
    const ended = again.store.sessions.get('s');
    expect(keptSessionColumns(again.store.digests, ended)).not.toBeNull();
    expect(again.store.digests.endBasis('s')).not.toBeNull();
    // A recording has no end yet, and a session whose end moved is not what the digest was kept for.
    expect(keptSessionColumns(again.store.digests, { ...ended, status: 'recording' })).toBeNull();
    expect(keptSessionColumns(again.store.digests, { ...ended, endedAt: (ended.endedAt ?? 0) + 1 })).toBeNull();
    expect(keptStridedSamples(again.store.digests, ended, 64)?.chunks.size).toBeGreaterThan(0);
    expect(keptStridedSamples(again.store.digests, { ...ended, endedAt: (ended.endedAt ?? 0) + 1 }, 64)).toBeNull();
    expect(keptStridedSamples(again.store.digests, ended, 32)).toBeNull();
  });

  it('keep the sample digests of a store that has none once a window covering the session has read every chunk', async () => {
    const file = tempStorePath();
    cleanups.push(() => file.remove());
    const extent = (({ startUs, endUs }) => ({ fromUs: startUs, toUs: endUs }))(writeSession(file.path));
    const first = Engine.open({ storePath: file.path });
    first.keepDigests('s');
    const expected = await first.getTimeline('s', { range: extent, widthPx: 3 });
    first.store.db.prepare(`DELETE FROM session_digests WHERE kind LIKE 'timeline-samples-%'`).run();
    await first.close();
    const older = Engine.open({ storePath: file.path });
    cleanups.push(() => older.close());
    const samples = older.store.db.prepare(`SELECT count(*) FROM session_digests WHERE kind LIKE 'timeline-samples-%'`).pluck();
    // A part of the session reads only its chunks: nothing is kept.
    await older.getTimeline('s', { range: { fromUs: extent.fromUs, toUs: extent.fromUs + (extent.toUs - extent.fromUs) / 2 }, widthPx: 3 });
    expect(samples.get()).toBe(0);
    expect(await older.getTimeline('s', { range: extent, widthPx: 3 })).toEqual(expected);
    expect(samples.get()).toBe(3);
  });

  it('keep trace events compact when their times are whole microseconds, and as they are when not', () => {
    const file = tempStorePath();
    cleanups.push(() => file.remove());
    writeSession(file.path);
    const engine = Engine.open({ storePath: file.path });
    cleanups.push(() => engine.close());
    const session = engine.store.sessions.get('s');
    const spans = { count: 0, span: () => ({ spanId: '', traceId: '', parentSpanId: null, name: '', startUs: 0, endUs: 0, statusCode: 0 as const, thread: null }), startUs: new Float64Array(0), endUs: new Float64Array(0), longestUs: 0 };
    const logs = { timeUs: Float64Array.of(T0), level: Uint8Array.of(1), lastId: 1 };
    const eventsOf = (startUs: number[], endUs: number[], threadId: number[]) => ({ threadId: Int32Array.from(threadId), kind: new Uint8Array(startUs.length), startUs: Float64Array.from(startUs), endUs: Float64Array.from(endUs), name: new Int32Array(startUs.length), names: ['x'], longestUs: 9, lastId: 3 });
    for (const events of [
      eventsOf([T0, T0 + 5, T0 + 5], [T0 + 9, T0 + 5, T0 + 7], [0, 255, 3]),
      eventsOf([T0 + 0.5, T0 + 5, T0 + 6], [T0 + 9, T0 + 5, T0 + 7], [0, 1, 3]),
      eventsOf([T0, T0 + 5, T0 + 6], [T0 + 9, T0 + 5, T0 + 7], [0, 1, 300]),
      eventsOf([T0 + 6, T0 + 5], [T0 + 9, T0 + 5], [0, 1]),
    ]) {
      keepSessionColumns(engine.store.digests, session, { events, logs, spans });
      const back = keptSessionColumns(engine.store.digests, session);
      expect(back?.events).toEqual(events);
      expect(back?.logs).toEqual(logs);
    }
  });

  it('pack columns of every kind and refuse bytes that are not a digest', () => {
    const digest = { meta: { a: [1, 'x'] }, columns: [Int32Array.of(-1, 2, 3), Uint8Array.of(7), Float64Array.of(0.5, T0 + 0.25), new Int32Array(0)] };
    const back = unpackDigest(packDigest(digest));
    expect(back?.meta).toEqual(digest.meta);
    expect(back?.columns.map((c) => [c.constructor.name, [...c]])).toEqual(digest.columns.map((c) => [c.constructor.name, [...c]]));
    expect(unpackDigest(Buffer.from([1, 2]))).toBeNull();
    expect(unpackDigest(Buffer.from('\u0008\u0000\u0000\u0000{"meta":', 'latin1'))).toBeNull();
    const truncated = packDigest(digest).subarray(0, 60);
    expect(unpackDigest(Buffer.from(truncated))).toBeNull();
  });
});
