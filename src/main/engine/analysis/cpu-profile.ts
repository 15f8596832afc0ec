// Aggregates stored CPU samples of a time window into a flame tree and per-function timings.
import type { AllocationTree, FlameTree, FunctionTiming, TimeRange } from '../../../shared/domain';
import { ROOT_STACK_ID } from '../store/cpu-samples';
import type { Store } from '../store/store';
import { frameKind } from './frame-kind';

const IDLE = '(idle)';

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
 */
export function stackTimesForWindow(store: Store, sessionId: string, stackCount: number, intervalUs: number, window: SampleWindow = {}): StackTimes {
  const selfUs = new Float64Array(stackCount);
  const capUs = intervalUs * 10;
  const { range, threadId } = window;
  let sampleCount = 0;
  // Threads sample independently: each keeps its own previous sample.
  const previous = new Map<number, { time: number; stack: number }>();
  const charge = (stack: number, weight: number): void => {
    if (stack >= 0 && stack < stackCount) selfUs[stack]! += weight;
  };
  for (const chunk of store.cpu.chunks(sessionId, range)) {
    if (threadId !== undefined && chunk.threadId !== threadId) continue;
    const { timesUs, stackIds } = chunk;
    let prev = previous.get(chunk.threadId);
    for (let i = 0; i < timesUs.length; i++) {
      const t = timesUs[i]!;
      if (range && (t < range.fromUs || t > range.toUs)) continue;
      if (prev) charge(prev.stack, Math.min(Math.max(t - prev.time, 0), capUs));
      prev = { time: t, stack: stackIds[i]! };
      sampleCount++;
    }
    if (prev) previous.set(chunk.threadId, prev);
  }
  for (const prev of previous.values()) charge(prev.stack, intervalUs);
  return { selfUs, sampleCount };
}

export function flameTreeForWindow(store: Store, sessionId: string, intervalUs: number, window: SampleWindow = {}): FlameTree {
  const stacks = store.cpu.stacks(sessionId);
  const { selfUs, sampleCount } = stackTimesForWindow(store, sessionId, stacks.parent.length, intervalUs, window);
  const tree = mergedTree(store.cpu.functions(sessionId), stacks, selfUs);
  return {
    functions: tree.functions,
    functionId: tree.functionId,
    parent: tree.parent,
    selfUs: tree.self,
    totalUs: tree.total,
    sampleCount,
    range: window.range ?? null,
  };
}

/** Bytes allocated per call stack from sampling heap profiles, merged like a flame tree. */
export function allocationTreeForWindow(store: Store, sessionId: string, window: SampleWindow = {}): AllocationTree {
  const stacks = store.cpu.stacks(sessionId);
  const selfBytes = new Float64Array(stacks.parent.length);
  let sampleCount = 0;
  for (const [stack, { bytes, samples }] of store.heap.bytesByStack(sessionId, window)) {
    if (stack >= 0 && stack < selfBytes.length) selfBytes[stack]! += bytes;
    sampleCount += samples;
  }
  const tree = mergedTree(store.cpu.functions(sessionId), stacks, selfBytes);
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

/** A session's function and stack tables, read once for several questions about it. */
export interface CallTables {
  functions: { id: number; name: string; url: string; line: number; col: number }[];
  stacks: { parent: Int32Array; functionId: Int32Array };
}

export function callTables(store: Store, sessionId: string): CallTables {
  return { functions: store.cpu.functions(sessionId), stacks: store.cpu.stacks(sessionId) };
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
  const { functions, stacks } = tables;
  const { selfUs, sampleCount } = stackTimesForWindow(store, sessionId, stacks.parent.length, intervalUs, window);
  const selfByFn = new Float64Array(functions.length);
  const totalByFn = new Float64Array(functions.length);
  const seen = new Int32Array(functions.length).fill(-1);
  for (let id = 1; id < selfUs.length; id++) {
    const weight = selfUs[id]!;
    if (weight <= 0) continue;
    selfByFn[stacks.functionId[id]!]! += weight;
    for (let s = id; s > ROOT_STACK_ID && s >= 0; s = stacks.parent[s]!) {
      const fn = stacks.functionId[s]!;
      if (seen[fn] === id) continue;
      seen[fn] = id;
      totalByFn[fn]! += weight;
    }
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
