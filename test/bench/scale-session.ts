// A large synthetic session written through the store's own write paths (SessionWriter, the
// StackInterner, the span, trace-event, log and metric tables), plus the main thread's samples as a
// V8 .cpuprofile for other viewers. Deterministic: the same sizes give the same session.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { SignalName, SpanKind } from '../../src/shared/domain';
import { ROOT_STACK_ID, type StackInterner } from '../../src/main/engine/store/cpu-samples';
import { SessionWriter } from '../../src/main/engine/store/session-writer';
import { TimelineQueries } from '../../src/main/engine/analysis/timeline';
import type { Store } from '../../src/main/engine/store/store';
import { seededRandom } from '../support/seeded-random';

export interface ScaleSizes {
  cpuSamples: number;
  traceEvents: number;
  spans: number;
  logs: number;
  threads: number;
}

export const FULL_SIZES: ScaleSizes = { cpuSamples: 10_000_000, traceEvents: 1_000_000, spans: 100_000, logs: 100_000, threads: 3 };

const INTERVAL_US = 1000;
/** A recording stores one chunk per thread per profile rotation (10 s). */
const CHUNK_US = 10_000_000;
const METRIC_EVERY_US = 250_000;
const FUNCTIONS = 3000;
const LEAF_PATHS = 4000;
const PHASES = 12;
const PATHS_PER_PHASE = 300;
const START_US = 1_700_000_000_000_000;

export interface ScaleSession {
  sessionId: string;
  startUs: number;
  endUs: number;
  threads: number[];
  /** Span ids that have children, for scoped questions. */
  sampleSpanIds: string[];
  generationMs: number;
}

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

function functionsOf(rand: () => number): Frame[] {
  const frames: Frame[] = [];
  for (let i = 0; i < FUNCTIONS; i++) {
    const r = rand();
    const url =
      r < 0.45
        ? `file:///srv/app/src/module${i % 180}.js`
        : r < 0.85
          ? `file:///srv/app/node_modules/lib${i % 60}/lib/index.js`
          : `node:internal/module${i % 40}`;
    frames.push({ functionName: r < 0.05 ? '' : `fn${i}_${['parse', 'handle', 'render', 'query', 'encode', 'visit'][i % 6]}`, url, lineNumber: (i * 7) % 900, columnNumber: (i * 13) % 80 });
  }
  return frames;
}

/** Leaf stack ids of call paths of depth 10-60 sharing prefixes, as real programs do. */
function internPaths(interner: StackInterner, rand: () => number): { leaves: Int32Array; idle: number; gc: number; program: number } {
  const frames = functionsOf(rand).map((f) => interner.functionId(f));
  const special = (name: string) => interner.stackId(ROOT_STACK_ID, interner.functionId({ functionName: name, url: '', lineNumber: -1, columnNumber: -1 }));
  const idle = special('(idle)');
  const gc = special('(garbage collector)');
  const program = special('(program)');
  const paths: number[][] = [];
  const leaves = new Int32Array(LEAF_PATHS);
  for (let p = 0; p < LEAF_PATHS; p++) {
    const depth = 10 + Math.floor(rand() * 51);
    const base = paths.length > 0 ? paths[Math.floor(rand() * paths.length)]! : [];
    const keep = Math.min(base.length, depth - 1, Math.floor(rand() * depth));
    const path = base.slice(0, keep);
    let stack = ROOT_STACK_ID;
    for (const fn of path) stack = interner.stackId(stack, fn);
    while (path.length < depth) {
      const fn = frames[Math.floor(rand() * frames.length)]!;
      path.push(fn);
      stack = interner.stackId(stack, fn);
    }
    paths.push(path);
    leaves[p] = stack;
  }
  return { leaves, idle, gc, program };
}

/** Cumulative Zipf-like weights over a phase's paths, for picking by binary search. */
function phaseTable(rand: () => number, leaves: Int32Array): { stacks: Int32Array; cumulative: Float64Array } {
  const stacks = new Int32Array(PATHS_PER_PHASE);
  const cumulative = new Float64Array(PATHS_PER_PHASE);
  let sum = 0;
  for (let i = 0; i < PATHS_PER_PHASE; i++) {
    stacks[i] = leaves[Math.floor(rand() * leaves.length)]!;
    sum += 1 / (i + 1);
    cumulative[i] = sum;
  }
  for (let i = 0; i < PATHS_PER_PHASE; i++) cumulative[i]! /= sum;
  return { stacks, cumulative };
}

function pick(table: { stacks: Int32Array; cumulative: Float64Array }, r: number): number {
  let lo = 0;
  let hi = table.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table.cumulative[mid]! < r) lo = mid + 1;
    else hi = mid;
  }
  return table.stacks[lo]!;
}

const hex = (rand: () => number, digits: number): string => {
  let s = '';
  for (let i = 0; i < digits; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
};

/**
 * Writes the session into `store` and, when `cpuprofilePath` is given, the main thread's samples as
 * a .cpuprofile (nodes with callFrame and children, samples, timeDeltas, startTime/endTime in µs).
 */
export async function writeScaleSession(store: Store, sizes: ScaleSizes, cpuprofilePath?: string): Promise<ScaleSession> {
  const startedMs = performance.now();
  const rand = seededRandom(42);
  const sessionId = randomUUID();
  const perThread = Math.ceil(sizes.cpuSamples / sizes.threads);
  // Sample gaps average 1.05 intervals (see the jitter below); the last chunk takes what is left.
  const durationUs = Math.round(perThread * INTERVAL_US * 1.05);
  const plannedEndUs = START_US + durationUs;
  const signals: SignalName[] = ['cpu', 'logs', 'metrics', 'trace', 'otlp'];
  store.sessions.create({ id: sessionId, name: `scale ${sizes.cpuSamples} samples`, startedUs: START_US, target: { pid: null, nodeVersion: 'v20.0.0', title: 'scale', attachedVia: 'generated' }, signals, intervalUs: INTERVAL_US });
  const writer = new SessionWriter(store, sessionId, (error) => {
    throw error;
  });
  const threads = Array.from({ length: sizes.threads }, (_, i) => i);
  store.transaction(() => {
    for (const id of threads) store.threads.upsert(sessionId, { id, name: id === 0 ? 'main' : `worker ${id}` }, START_US);
  });

  const { leaves, idle, gc, program } = internPaths(writer.interner, rand);
  const phases = threads.map(() => Array.from({ length: PHASES }, () => phaseTable(rand, leaves)));
  const profile = cpuprofilePath ? { times: new Float64Array(perThread), stacks: new Int32Array(perThread), n: 0 } : null;

  const spans = planSpans(rand, sizes.spans, threads.length, durationUs);
  let nextSpan = 0;
  let nextLog = 0;
  let nextEvent = 0;
  let metricAt = START_US;
  const threadTime = threads.map(() => START_US);
  const current = threads.map(() => idle);
  const written = threads.map(() => 0);

  for (let windowStart = START_US; windowStart < plannedEndUs; windowStart += CHUNK_US) {
    const windowEnd = Math.min(plannedEndUs, windowStart + CHUNK_US);
    for (const thread of threads) {
      const left = perThread - written[thread]!;
      const n = windowEnd === plannedEndUs ? left : Math.min(left, Math.ceil((windowEnd - threadTime[thread]!) / INTERVAL_US));
      if (n <= 0) continue;
      const times = new Float64Array(n);
      const stackIds = new Int32Array(n);
      const idleShare = thread === 0 ? 0.15 : 0.45;
      for (let i = 0; i < n; i++) {
        const t = threadTime[thread]!;
        times[i] = t;
        threadTime[thread] = t + Math.round(INTERVAL_US * (0.85 + rand() * 0.4));
        if (rand() < 0.2) {
          const r = rand();
          const phase = phases[thread]![Math.min(PHASES - 1, Math.floor(((t - START_US) / durationUs) * PHASES))]!;
          current[thread] = r < idleShare ? idle : r < idleShare + 0.03 ? gc : r < idleShare + 0.05 ? program : pick(phase, rand());
        }
        stackIds[i] = current[thread]!;
      }
      written[thread]! += n;
      writer.addSamples({ threadId: thread, timesUs: times, stackIds });
      if (profile && thread === 0) {
        profile.times.set(times, profile.n);
        profile.stacks.set(stackIds, profile.n);
        profile.n += n;
      }
    }
    for (; metricAt < windowEnd; metricAt += METRIC_EVERY_US) {
      const x = (metricAt - START_US) / 1e6;
      writer.addMetric({ name: 'heap.used', unit: 'bytes', timeUs: metricAt, value: 60e6 + 20e6 * Math.sin(x / 30) + rand() * 4e6 });
      writer.addMetric({ name: 'rss', unit: 'bytes', timeUs: metricAt, value: 180e6 + 10e6 * Math.sin(x / 90) });
      writer.addMetric({ name: 'cpu', unit: '%', timeUs: metricAt, value: 40 + 30 * rand() });
      writer.addMetric({ name: 'eventloop.delay.p99', unit: 'ms', timeUs: metricAt, value: 2 + 8 * rand() ** 4 });
    }
    const spanLimit = Math.ceil((sizes.spans * (windowEnd - START_US)) / durationUs);
    const batch = spans.slice(nextSpan, Math.max(nextSpan, spanLimit));
    nextSpan += batch.length;
    writer.enqueue(() => batch.forEach((span) => store.spans.insert(sessionId, span)), { kind: 'spans', n: batch.length });
    for (const limit = Math.ceil((sizes.logs * (windowEnd - START_US)) / durationUs); nextLog < limit; nextLog++) {
      const timeUs = windowStart + Math.floor(rand() * (windowEnd - windowStart));
      const span = batch.length > 0 && rand() < 0.6 ? batch[Math.floor(rand() * batch.length)]! : null;
      writer.addLog({ timeUs: span ? span.startUs + Math.floor((span.endUs - span.startUs) / 2) : timeUs, level: rand() < 0.05 ? 'warn' : 'info', source: span ? 'otlp' : 'console', text: `request ${nextLog} handled in ${(rand() * 90).toFixed(1)} ms`, url: null, line: null, threadId: span?.thread ?? 0, traceId: span?.traceId ?? null, spanId: span?.spanId ?? null });
    }
    const events: Parameters<typeof store.traceEvents.insert>[1][] = [];
    for (const limit = Math.ceil((sizes.traceEvents * (windowEnd - START_US)) / durationUs); nextEvent < limit; nextEvent++) {
      const timeUs = windowStart + Math.floor(rand() * (windowEnd - windowStart));
      const threadId = Math.floor(rand() * threads.length);
      events.push(
        rand() < 0.7
          ? { threadId, timeUs, durationUs: 200 + Math.floor(rand() * 3000), ph: 'X', cat: 'v8', name: rand() < 0.85 ? 'MinorGC' : 'MajorGC', kind: 'gc', args: { usedHeapSizeBefore: 6e7, usedHeapSizeAfter: 5e7 } }
          : { threadId, timeUs, durationUs: null, ph: 'R', cat: 'blink.user_timing', name: `mark-${nextEvent % 50}`, kind: 'mark', args: null },
      );
    }
    writer.enqueue(() => events.forEach((event) => store.traceEvents.insert(sessionId, event)), { kind: 'traceEvents', n: events.length });
    writer.flush();
  }
  writer.close();
  const endUs = Math.max(...threadTime);
  store.sessions.finish(sessionId, 'completed', endUs, null);
  // As the engine does when a recording ends: derive what questions read once, now.
  new TimelineQueries(store).keepDigests(store.sessions.get(sessionId));
  if (profile && cpuprofilePath) await writeCpuprofile(cpuprofilePath, store, sessionId, profile.times.subarray(0, profile.n), profile.stacks.subarray(0, profile.n));
  const parents = new Set(spans.filter((s) => s.parentSpanId).map((s) => s.parentSpanId!));
  return { sessionId, startUs: START_US, endUs, threads, sampleSpanIds: [...parents].slice(0, 20), generationMs: performance.now() - startedMs };
}

type PlannedSpan = Parameters<Store['spans']['insert']>[1];

/** Traces of a server span with nested children, in start order. */
function planSpans(rand: () => number, count: number, threadCount: number, durationUs: number): PlannedSpan[] {
  const spans: PlannedSpan[] = [];
  while (spans.length < count) {
    const traceId = hex(rand, 32);
    const startUs = START_US + Math.floor(rand() * (durationUs - 1_000_000));
    const thread = Math.floor(rand() * threadCount);
    const root: PlannedSpan = { traceId, spanId: hex(rand, 16), parentSpanId: null, name: `GET /api/item/${spans.length % 40}`, kind: 2 as SpanKind, startUs, endUs: startUs + 5000 + Math.floor(rand() * 200_000), statusCode: rand() < 0.03 ? 2 : 0, statusMessage: null, thread, source: 'otlp', attributes: { 'http.method': 'GET' }, resource: { 'service.name': 'scale' } };
    spans.push(root);
    let parent = root;
    for (let c = 0, children = 2 + Math.floor(rand() * 7); c < children && spans.length < count; c++) {
      const from = parent.startUs + Math.floor(rand() * (parent.endUs - parent.startUs) * 0.5);
      const child: PlannedSpan = { ...root, spanId: hex(rand, 16), parentSpanId: parent.spanId, name: c % 2 ? 'db.query' : 'render', kind: (c % 2 ? 3 : 1) as SpanKind, startUs: from, endUs: from + Math.floor((parent.endUs - from) * (0.2 + rand() * 0.7)), statusCode: 0, attributes: { step: c } };
      spans.push(child);
      if (rand() < 0.5) parent = child;
    }
  }
  return spans.sort((a, b) => a.startUs - b.startUs);
}

/** The samples as V8's Profiler.Profile: node ids are stack id + 1, node 1 is the root. */
async function writeCpuprofile(path: string, store: Store, sessionId: string, times: Float64Array, stacks: Int32Array): Promise<void> {
  const functions = store.cpu.functions(sessionId);
  const table = store.cpu.stacks(sessionId);
  const children: number[][] = Array.from({ length: table.parent.length }, () => []);
  for (let id = 1; id < table.parent.length; id++) if (table.parent[id]! >= 0) children[table.parent[id]!]!.push(id + 1);
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"nodes":[');
  for (let id = 0; id < table.parent.length; id++) {
    const f = id === ROOT_STACK_ID ? { name: '(root)', url: '', line: -1, col: -1 } : functions[table.functionId[id]!]!;
    const callFrame = { functionName: f.name, scriptId: '0', url: f.url, lineNumber: f.line, columnNumber: f.col };
    await write(`${id ? ',' : ''}${JSON.stringify({ id: id + 1, callFrame, hitCount: 0, children: children[id] })}`);
  }
  const startTime = times.length ? times[0]! - INTERVAL_US : 0;
  await write(`],"startTime":${startTime},"endTime":${times.length ? times[times.length - 1]! : 0},"samples":[`);
  const step = 100_000;
  for (let i = 0; i < stacks.length; i += step) {
    const part: number[] = [];
    for (let j = i; j < Math.min(stacks.length, i + step); j++) part.push(stacks[j]! + 1);
    await write(`${i ? ',' : ''}${part.join(',')}`);
  }
  await write('],"timeDeltas":[');
  for (let i = 0; i < times.length; i += step) {
    const part: number[] = [];
    for (let j = i; j < Math.min(times.length, i + step); j++) part.push(times[j]! - (j ? times[j - 1]! : startTime));
    await write(`${i ? ',' : ''}${part.join(',')}`);
  }
  await write(']}');
  out.end();
  await once(out, 'finish');
}
