// Windowed questions answered from the in-memory chunk sums, call tables and per-second counts give
// the same answers as reading every sample and row, on a real SQLite file, also while it grows.
import { afterEach, describe, expect, it } from 'vitest';
import type { TraceEventKind } from '../../../src/shared/domain';
import { cpuSummariesForWindow, stackTimesForWindow, topFunctions } from '../../../src/main/engine/analysis/cpu-profile';
import { countSamplesInSpans } from '../../../src/main/engine/analysis/span-samples';
import { ROOT_STACK_ID } from '../../../src/main/engine/store/cpu-samples';
import { SessionWriter } from '../../../src/main/engine/store/session-writer';
import { Store } from '../../../src/main/engine/store/store';
import { TimeCounts } from '../../../src/main/engine/store/time-counts';
import { tempStorePath } from '../../support/store-files';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

const INTERVAL_US = 1000;
const T0 = 1_700_000_000_000_000;

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
}

/** A session of 3 threads whose chunks have gaps, recursion and new stacks as it grows. */
function openSession(): { store: Store; writer: SessionWriter; append(chunks: number): void } {
  const file = tempStorePath();
  const store = Store.open(file.path);
  cleanups.push(() => file.remove(), () => store.close());
  store.sessions.create({ id: 's', name: 's', startedUs: T0, target: { pid: 1, nodeVersion: null, title: null, attachedVia: 'test' }, signals: ['cpu'], intervalUs: INTERVAL_US });
  const writer = new SessionWriter(store, 's', (e) => {
    throw e;
  });
  cleanups.push(() => writer.close());
  const rand = random(7);
  const clock = [T0, T0, T0];
  const stacks: number[] = [];
  const grow = (): void => {
    // Paths over 12 functions, so the same function recurs on a stack.
    let stack = ROOT_STACK_ID;
    for (let d = 0, depth = 1 + Math.floor(rand() * 8); d < depth; d++) {
      stack = writer.interner.stackId(stack, writer.interner.functionId({ functionName: `f${Math.floor(rand() * 12)}`, url: 'file:///a.js', lineNumber: 0, columnNumber: 0 }));
    }
    stacks.push(stack);
  };
  const append = (chunks: number): void => {
    for (let c = 0; c < chunks; c++) {
      for (let i = 0; i < 5; i++) grow();
      const thread = c % 3;
      const n = 20 + Math.floor(rand() * 200);
      const times = new Float64Array(n);
      const ids = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        // Fractional times, and now and then a gap longer than the cap.
        clock[thread]! += rand() < 0.02 ? 50_000 : INTERVAL_US * (0.5 + rand()) + 0.25;
        times[i] = clock[thread]!;
        ids[i] = stacks[Math.floor(rand() * stacks.length)]!;
      }
      writer.addSamples({ threadId: thread, timesUs: times, stackIds: ids });
      for (let i = 0; i < 30; i++) {
        const timeUs = Math.round(times[0]! + rand() * (times[n - 1]! - times[0]!));
        const kind: TraceEventKind = rand() < 0.6 ? 'gc' : 'mark';
        writer.enqueue(() => store.traceEvents.insert('s', { threadId: thread, timeUs, durationUs: 10, ph: 'X', cat: 'v8', name: kind, kind, args: null }));
        writer.addLog({ timeUs, level: 'info', source: 'console', text: 'x', url: null, line: null });
      }
      const startUs = Math.round(times[0]! + rand() * (times[n - 1]! - times[0]!));
      const span = { spanId: `c${c}-${startUs}`, traceId: 't', parentSpanId: null, name: 'x', kind: 1 as const, startUs, endUs: startUs + Math.round(rand() * 400_000), statusCode: 0 as const, statusMessage: null, thread, source: 'otlp', attributes: {}, resource: {} };
      writer.enqueue(() => store.spans.insert('s', span));
    }
    writer.flush();
  };
  return { store, writer, append };
}

/** Chunks straight from SQLite, not through the store's cache. */
function rawChunks(store: Store, range?: { fromUs: number; toUs: number }): { threadId: number; timesUs: Float64Array; stackIds: Int32Array }[] {
  const rows = store.db
    .prepare(`SELECT thread_id, times, stacks FROM cpu_chunks WHERE session_id = 's' AND end_us >= ? AND start_us <= ? ORDER BY start_us`)
    .all(range?.fromUs ?? -Infinity, range?.toUs ?? Infinity) as { thread_id: number; times: Buffer; stacks: Buffer }[];
  return rows.map((r) => ({ threadId: r.thread_id, timesUs: new Float64Array(new Uint8Array(r.times).buffer), stackIds: new Int32Array(new Uint8Array(r.stacks).buffer) }));
}

/** The reference: every sample of the window read in time order, as before the chunk sums. */
function referenceSelf(store: Store, range: { fromUs: number; toUs: number } | undefined, threadId: number | undefined): { selfUs: Map<number, number>; count: number } {
  const selfUs = new Map<number, number>();
  const previous = new Map<number, { time: number; stack: number }>();
  let count = 0;
  for (const chunk of rawChunks(store, range)) {
    if (threadId !== undefined && chunk.threadId !== threadId) continue;
    let prev = previous.get(chunk.threadId);
    for (let i = 0; i < chunk.timesUs.length; i++) {
      const t = chunk.timesUs[i]!;
      if (range && (t < range.fromUs || t > range.toUs)) continue;
      if (prev) selfUs.set(prev.stack, (selfUs.get(prev.stack) ?? 0) + Math.min(Math.max(t - prev.time, 0), INTERVAL_US * 10));
      prev = { time: t, stack: chunk.stackIds[i]! };
      count++;
    }
    if (prev) previous.set(chunk.threadId, prev);
  }
  for (const prev of previous.values()) selfUs.set(prev.stack, (selfUs.get(prev.stack) ?? 0) + INTERVAL_US);
  return { selfUs, count };
}

function windows(store: Store, rand: () => number): ({ fromUs: number; toUs: number } | undefined)[] {
  const end = Math.max(...rawChunks(store).map((c) => c.timesUs[c.timesUs.length - 1]!));
  const out: ({ fromUs: number; toUs: number } | undefined)[] = [undefined, { fromUs: T0, toUs: end }];
  for (let i = 0; i < 25; i++) {
    const a = T0 + rand() * (end - T0);
    const b = T0 + rand() * (end - T0);
    out.push({ fromUs: Math.min(a, b), toUs: Math.max(a, b) });
  }
  return out;
}

function expectSameTimes(store: Store, range: { fromUs: number; toUs: number } | undefined, threadId: number | undefined): void {
  const stackCount = store.cpu.stacks('s').parent.length;
  const got = stackTimesForWindow(store, 's', stackCount, INTERVAL_US, { range, threadId });
  const want = referenceSelf(store, range, threadId);
  expect(got.sampleCount).toBe(want.count);
  for (let id = 0; id < stackCount; id++) expect(got.selfUs[id]).toBeCloseTo(want.selfUs.get(id) ?? 0, 6);
}

describe('windowed reads from memory', () => {
  it('charges the same self time per stack as reading every sample, for any window and thread', () => {
    const { store, append } = openSession();
    append(40);
    const rand = random(11);
    for (const range of windows(store, rand)) {
      for (const threadId of [undefined, 0, 2]) expectSameTimes(store, range, threadId);
    }
  });

  it('sees chunks and stacks written after the first question', () => {
    const { store, append } = openSession();
    append(10);
    expectSameTimes(store, undefined, undefined);
    append(15);
    const rand = random(3);
    for (const range of windows(store, rand)) expectSameTimes(store, range, undefined);
  });

  it('counts a function once per sample however deep it recurses, overall and per thread', () => {
    const { store, append } = openSession();
    append(30);
    const functions = store.cpu.functions('s');
    const { parent, functionId } = store.cpu.stacks('s');
    const range = windows(store, random(5))[4];
    const want = (threadId: number | undefined): Map<string, number> => {
      const total = new Map<string, number>();
      for (const [stack, us] of referenceSelf(store, range, threadId).selfUs) {
        const seen = new Set<number>();
        for (let s = stack; s > ROOT_STACK_ID; s = parent[s]!) seen.add(functionId[s]!);
        for (const fn of seen) total.set(functions[fn]!.name, (total.get(functions[fn]!.name) ?? 0) + us);
      }
      return total;
    };
    const check = (got: { name: string; totalMs: number }[], expected: Map<string, number>): void => {
      expect(got.length).toBe(expected.size);
      for (const f of got) expect(f.totalMs).toBeCloseTo(expected.get(f.name)! / 1000, 2);
    };
    check(topFunctions(store, 's', INTERVAL_US, 100, { range }), want(undefined));
    const summaries = cpuSummariesForWindow(store, 's', INTERVAL_US, 100, { range }, [0, 1, 2]);
    check(summaries.overall.topFunctions, want(undefined));
    for (const thread of [0, 1, 2]) check(summaries.threads.get(thread)!.topFunctions, want(thread));
    const scoped = cpuSummariesForWindow(store, 's', INTERVAL_US, 100, { range, threadId: 1 }, [1]);
    check(scoped.overall.topFunctions, want(1));
  });

  it('counts trace events by kind, logs and overlapping spans in a window as SQLite does, also after more rows come', () => {
    const { store, append } = openSession();
    append(20);
    const sqlCount = (table: string, range: { fromUs: number; toUs: number } | undefined, kind?: string): number =>
      store.db
        .prepare(`SELECT count(*) FROM ${table} WHERE session_id = 's' ${range ? 'AND ts_us BETWEEN @fromUs AND @toUs' : ''} ${kind ? 'AND kind = @kind' : ''}`)
        .pluck()
        .get({ ...(range ?? {}), ...(kind ? { kind } : {}) }) as number;
    const check = (): void => {
      for (const range of windows(store, random(9))) {
        for (const kind of [undefined, 'gc', 'mark', 'http'] as const) expect(store.traceEvents.count('s', range, kind)).toBe(sqlCount('trace_events', range, kind));
        expect(store.logs.count('s', range)).toBe(sqlCount('logs', range));
        const overlapping = store.db.prepare(`SELECT count(*) FROM spans WHERE session_id = 's' AND end_us >= ? AND start_us <= ?`).pluck();
        expect(store.spans.count('s', range)).toBe(range ? overlapping.get(range.fromUs, range.toUs) : overlapping.get(-Infinity, Infinity));
      }
    };
    check();
    append(10);
    check();
    expect(store.traceEvents.count('other-session')).toBe(0);
  });

  it('counts by SQLite directly and from per-second counts with the same answers', () => {
    const { store, append } = openSession();
    append(20);
    const sqlCount = (range: { fromUs: number; toUs: number } | undefined, kind?: string): number =>
      store.db
        .prepare(`SELECT count(*) FROM trace_events WHERE session_id = 's' ${range ? 'AND ts_us BETWEEN @fromUs AND @toUs' : ''} ${kind ? 'AND kind = @kind' : ''}`)
        .pluck()
        .get({ ...(range ?? {}), ...(kind ? { kind } : {}) }) as number;
    // Always counting directly, and building the per-second counts at once.
    const direct = new TimeCounts(store.db, 'trace_events', 'kind', Infinity);
    const switched = new TimeCounts(store.db, 'trace_events', 'kind', -1);
    const check = (): void => {
      for (const range of windows(store, random(21))) {
        for (const kind of [undefined, 'gc', 'mark', 'http'] as const) {
          const want = sqlCount(range, kind);
          expect(direct.count('s', range, kind)).toBe(want);
          expect(switched.count('s', range, kind)).toBe(want);
        }
      }
    };
    check();
    append(10);
    check();
  });

  it('counts the samples inside each span on its thread as a sorted scan does', () => {
    const { store, append } = openSession();
    append(30);
    const rand = random(13);
    const spans = windows(store, rand)
      .slice(2)
      .map((w, i) => ({ spanId: `${i}`, traceId: 't', parentSpanId: null, name: 'x', kind: 1 as const, startUs: Math.round(w!.fromUs), endUs: Math.round(w!.fromUs + (w!.toUs - w!.fromUs) / 4), statusCode: 0 as const, statusMessage: null, thread: i % 4 === 3 ? null : i % 3, source: 'otlp', attributes: {}, resource: {}, logCount: 0, cpuSampleCount: 0 }));
    const to = Math.max(...spans.map((s) => s.endUs));
    const counted = countSamplesInSpans(store, 's', spans);
    for (const span of counted) {
      let want = 0;
      for (const chunk of rawChunks(store)) {
        if (chunk.threadId !== (span.thread ?? 0)) continue;
        for (const t of chunk.timesUs) if (t >= span.startUs && t < span.endUs + 1 && t <= to) want++;
      }
      expect(span.cpuSampleCount).toBe(want);
    }
  });
});
