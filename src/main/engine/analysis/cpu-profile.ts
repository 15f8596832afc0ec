// Aggregates stored CPU samples of a time window into a flame tree and per-function timings.
import type { AllocationTree, FlameTree, FunctionTiming, TimeRange } from '../../../shared/domain';
import type { CallTables } from '../store/cpu-sample-cache';
import { ROOT_STACK_ID } from '../store/cpu-samples';
import type { Store } from '../store/store';
import { keepWholeFlame, keepWholeSummary, keptWholeFlame, keptWholeSummary } from './cpu-whole-digest';
import { frameKind } from './frame-kind';

const IDLE = '(idle)';
/** A sample's weight is capped at this many sampling intervals (a paused target is not charged). */
export const CPU_GAP_CAP_INTERVALS = 10;

/** Which samples a question is about: a time window and/or one thread. */
export interface SampleWindow {
  range?: TimeRange;
  threadId?: number;
}

/** Self time per stack id over a window, each sample weighted by the time until the next one. */
export interface StackTimes {
  selfUs: Float64Array;
  sampleCount: number;
}

/**
 * A sample stands for the time until the next sample, capped so that a gap (a paused target,
 * a rotation hand-off) is not charged to one stack; the last sample gets the nominal interval.
 * Chunks wholly inside the window add their cached sums; only chunks at its edges are read sample
 * by sample.
 */
export function stackTimesForWindow(store: Store, sessionId: string, stackCount: number, intervalUs: number, window: SampleWindow = {}): StackTimes {
  const byThread = [...stackTimesByThread(store, sessionId, stackCount, intervalUs, window).values()];
  if (byThread.length === 1) return byThread[0]!;
  const selfUs = new Float64Array(stackCount);
  let sampleCount = 0;
  for (const times of byThread) {
    for (let id = 0; id < stackCount; id++) selfUs[id]! += times.selfUs[id]!;
    sampleCount += times.sampleCount;
  }
  return { selfUs, sampleCount };
}

/** Self time per stack id over a window, for each thread that has samples in it. */
export function stackTimesByThread(
  store: Store,
  sessionId: string,
  stackCount: number,
  intervalUs: number,
  window: SampleWindow = {},
  onlyThreads?: ReadonlySet<number>,
): Map<number, StackTimes> {
  const capUs = intervalUs * CPU_GAP_CAP_INTERVALS;
  const { range, threadId } = window;
  const cache = store.cpu.cache;
  const { chunks } = cache.session(sessionId);
  const byThread = new Map<number, StackTimes>();
  // Threads sample independently: each keeps its own previous sample.
  const previous = new Map<number, { time: number; stack: number }>();
  for (const chunk of chunks) {
    if (threadId !== undefined && chunk.threadId !== threadId) continue;
    if (onlyThreads && !onlyThreads.has(chunk.threadId)) continue;
    if (range && (chunk.endUs < range.fromUs || chunk.startUs > range.toUs)) continue;
    let times = byThread.get(chunk.threadId);
    if (!times) byThread.set(chunk.threadId, (times = { selfUs: new Float64Array(stackCount), sampleCount: 0 }));
    const selfUs = times.selfUs;
    const charge = (stack: number, weight: number): void => {
      if (stack >= 0 && stack < stackCount) selfUs[stack]! += weight;
    };
    let prev = previous.get(chunk.threadId);
    if (!range || (chunk.startUs >= range.fromUs && chunk.endUs <= range.toUs)) {
      const whole = cache.weights(sessionId, chunk, capUs, stackCount);
      if (prev) charge(prev.stack, Math.min(Math.max(whole.firstUs - prev.time, 0), capUs));
      const { stackIds, selfUs: weights } = whole;
      for (let k = 0; k < stackIds.length; k++) selfUs[stackIds[k]!]! += weights[k]!;
      prev = { time: whole.lastUs, stack: whole.lastStack };
      times.sampleCount += chunk.count;
    } else {
      const { timesUs, stackIds } = cache.samples(sessionId, chunk);
      for (let i = 0; i < timesUs.length; i++) {
        const t = timesUs[i]!;
        if (t < range.fromUs || t > range.toUs) continue;
        if (prev) charge(prev.stack, Math.min(Math.max(t - prev.time, 0), capUs));
        prev = { time: t, stack: stackIds[i]! };
        times.sampleCount++;
      }
    }
    if (prev) previous.set(chunk.threadId, prev);
  }
  for (const [thread, prev] of previous) {
    const selfUs = byThread.get(thread)!.selfUs;
    if (prev.stack >= 0 && prev.stack < stackCount) selfUs[prev.stack]! += intervalUs;
  }
  return byThread;
}
export function flameTreeForWindow(store: Store, sessionId: string, intervalUs: number, window: SampleWindow = {}): FlameTree {
  // All of an ended session: the kept tree, else derived and kept.
  const whole = window.range === undefined && window.threadId === undefined;
  const kept = whole ? keptWholeFlame(store, sessionId) : null;
  if (kept) return { ...kept, range: null };
  const { functions, stacks } = callTables(store, sessionId);
  const { selfUs, sampleCount } = stackTimesForWindow(store, sessionId, stacks.parent.length, intervalUs, window);
  const tree = mergedTree(functions, stacks, selfUs);
  const answer = { functions: tree.functions, functionId: tree.functionId, parent: tree.parent, selfUs: tree.self, totalUs: tree.total, sampleCount };
  if (whole) keepWholeFlame(store, sessionId, answer);
  return { ...answer, range: window.range ?? null };
}

/** Bytes allocated per call stack from sampling heap profiles, merged like a flame tree. */
export function allocationTreeForWindow(store: Store, sessionId: string, window: SampleWindow = {}): AllocationTree {
  const { functions, stacks } = callTables(store, sessionId);
  const selfBytes = new Float64Array(stacks.parent.length);
  let sampleCount = 0;
  for (const [stack, { bytes, samples }] of store.heap.bytesByStack(sessionId, window)) {
    if (stack >= 0 && stack < selfBytes.length) selfBytes[stack]! += bytes;
    sampleCount += samples;
  }
  const tree = mergedTree(functions, stacks, selfBytes);
  return {
    functions: tree.functions,
    functionId: tree.functionId,
    parent: tree.parent,
    selfBytes: tree.self,
    totalBytes: tree.total,
    sampleCount,
  };
}

interface MergedTree {
  functions: FlameTree['functions'];
  functionId: number[];
  parent: number[];
  self: number[];
  total: number[];
}

/** The stacks with any weight, as columns; parents before children. */
function mergedTree(
  functions: { name: string; url: string; line: number; col: number }[],
  stacks: { parent: Int32Array; functionId: Int32Array },
  selfUs: Float64Array,
): MergedTree {
  const stackCount = stacks.parent.length;

  // A child stack is always interned after its parent, so ids are a topological order.
  const totalUs = Float64Array.from(selfUs);
  for (let id = stackCount - 1; id > ROOT_STACK_ID; id--) {
    const parent = stacks.parent[id]!;
    if (parent >= 0) totalUs[parent]! += totalUs[id]!;
  }

  const index = new Int32Array(stackCount).fill(-1);
  const tree: MergedTree = { functions: [], functionId: [], parent: [], self: [], total: [] };
  const functionIndex = new Map<number, number>();
  for (let id = 0; id < stackCount; id++) {
    if (id !== ROOT_STACK_ID && (totalUs[id]! <= 0 || stacks.parent[id]! < 0)) continue;
    const parentIndex = id === ROOT_STACK_ID ? -1 : index[stacks.parent[id]!]!;
    if (id !== ROOT_STACK_ID && parentIndex < 0) continue;
    let fn = -1;
    if (id !== ROOT_STACK_ID) {
      const stored = stacks.functionId[id]!;
      fn = functionIndex.get(stored) ?? -1;
      if (fn < 0) {
        const f = functions[stored]!;
        fn = tree.functions.length;
        functionIndex.set(stored, fn);
        tree.functions.push({ name: f.name || '(anonymous)', url: f.url, line: f.line + 1, column: f.col + 1, kind: frameKind(f.url) });
      }
    }
    index[id] = tree.parent.length;
    tree.parent.push(parentIndex);
    tree.functionId.push(fn);
    tree.self.push(selfUs[id]!);
    tree.total.push(totalUs[id]!);
  }
  return tree;
}

/** A session's function and stack tables, kept in memory and grown as a recording adds to them. */
export function callTables(store: Store, sessionId: string): CallTables {
  return store.cpu.cache.session(sessionId).tables;
}

export interface CpuWindowSummary {
  sampleCount: number;
  topFunctions: FunctionTiming[];
}

/** Functions by self time, each counted once per sample however deep it recurses. */
export function topFunctions(store: Store, sessionId: string, intervalUs: number, limit: number, window: SampleWindow = {}): FunctionTiming[] {
  return cpuSummaryForWindow(store, sessionId, intervalUs, limit, window).topFunctions;
}

/** Sample count and top functions of a window, from one pass over its samples. */
export function cpuSummaryForWindow(
  store: Store,
  sessionId: string,
  intervalUs: number,
  limit: number,
  window: SampleWindow = {},
  tables: CallTables = callTables(store, sessionId),
): CpuWindowSummary {
  return rankFunctions(tables, stackTimesForWindow(store, sessionId, tables.stacks.parent.length, intervalUs, window), limit);
}

/**
 * The summary of a window overall (of its thread when it names one) and of each of threadIds over
 * the window's range, from one pass over its samples.
 */
export function cpuSummariesForWindow(
  store: Store,
  sessionId: string,
  intervalUs: number,
  limit: number,
  window: SampleWindow,
  threadIds: readonly number[],
  tables?: CallTables,
): { overall: CpuWindowSummary; threads: Map<number, CpuWindowSummary> } {
  // All of an ended session: the kept summaries, else derived and kept. The call tables are read
  // only when deriving: a kept summary needs none of the session's chunks or stacks.
  const whole = window.range === undefined && window.threadId === undefined;
  const kept = whole ? keptWholeSummary(store, sessionId, limit, threadIds) : null;
  if (kept) return kept;
  const summaries = summariesOfWindow(store, sessionId, intervalUs, limit, window, threadIds, tables ?? callTables(store, sessionId));
  if (whole) keepWholeSummary(store, sessionId, limit, threadIds, summaries);
  return summaries;
}

function summariesOfWindow(
  store: Store,
  sessionId: string,
  intervalUs: number,
  limit: number,
  window: SampleWindow,
  threadIds: readonly number[],
  tables: CallTables,
): { overall: CpuWindowSummary; threads: Map<number, CpuWindowSummary> } {
  const stackCount = tables.stacks.parent.length;
  // Without a thread in the window, every thread's samples make the overall summary.
  const only = window.threadId === undefined ? undefined : new Set([...threadIds, window.threadId]);
  const byThread = stackTimesByThread(store, sessionId, stackCount, intervalUs, { range: window.range }, only);
  const all: StackTimes = { selfUs: new Float64Array(stackCount), sampleCount: 0 };
  const threads = new Map<number, CpuWindowSummary>();
  for (const [thread, times] of byThread) {
    const summary = rankFunctions(tables, times, limit);
    threads.set(thread, summary);
    if (window.threadId !== undefined) continue;
    for (let id = 0; id < stackCount; id++) all.selfUs[id]! += times.selfUs[id]!;
    all.sampleCount += times.sampleCount;
  }
  if (window.threadId === undefined) return { overall: rankFunctions(tables, all, limit), threads };
  const own = byThread.get(window.threadId);
  return { overall: own ? (threads.get(window.threadId) ?? rankFunctions(tables, own, limit)) : { sampleCount: 0, topFunctions: [] }, threads };
}

function rankFunctions(tables: CallTables, times: StackTimes, limit: number): CpuWindowSummary {
  const { functions, stacks, repeated } = tables;
  const { selfUs, sampleCount } = times;
  // A stack's total is its subtree's; a function's total adds the stacks where it is outermost.
  const totalUs = Float64Array.from(selfUs);
  for (let id = totalUs.length - 1; id > ROOT_STACK_ID; id--) {
    const parent = stacks.parent[id]!;
    if (parent >= 0) totalUs[parent]! += totalUs[id]!;
  }
  const selfByFn = new Float64Array(functions.length);
  const totalByFn = new Float64Array(functions.length);
  for (let id = ROOT_STACK_ID + 1; id < totalUs.length; id++) {
    const fn = stacks.functionId[id]!;
    if (fn < 0 || totalUs[id]! <= 0) continue;
    selfByFn[fn]! += selfUs[id]!;
    if (!repeated[id]) totalByFn[fn]! += totalUs[id]!;
  }
  const ranked: FunctionTiming[] = [];
  functions.forEach((f, i) => {
    if (f.name === IDLE || f.name === '(root)' || totalByFn[i]! <= 0) return;
    ranked.push({
      name: f.name || '(anonymous)',
      url: f.url,
      line: f.line + 1,
      selfMs: round3(selfByFn[i]! / 1000),
      totalMs: round3(totalByFn[i]! / 1000),
    });
  });
  ranked.sort((a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs);
  return { sampleCount, topFunctions: ranked.slice(0, limit) };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
