// Function to spans: the spans in which one function was on the CPU stack most often.
import type { FunctionKey, FunctionSpan, SpanRecord, TimeRange } from '../../../shared/domain';
import { ROOT_STACK_ID } from '../store/cpu-samples';
import type { Store } from '../store/store';
import { firstIndexAtOrAfter } from '../../../shared/sorted-search';

/** Spans considered per question; a recording with more ranks only the first ones by start time. */
const SPAN_LIMIT = 20_000;

/**
 * Stored function ids whose location (1-based line, as views show it) matches the key; the name
 * too unless a column pins the function down (a source map may have renamed it for display).
 */
function matchingFunctionIds(functions: { id: number; name: string; url: string; line: number; col: number }[], key: FunctionKey): Set<number> {
  const ids = new Set<number>();
  for (const f of functions) {
    if (f.url !== key.url || f.line + 1 !== key.line) continue;
    if (key.column !== undefined ? f.col + 1 !== key.column : (f.name || '(anonymous)') !== key.name) continue;
    ids.add(f.id);
  }
  return ids;
}

/**
 * Per stack id: 1 when the function is anywhere on the stack, 2 when it is the leaf as well.
 * Stack ids are interned parents first, so one forward pass sees each parent before its children.
 */
function stacksWithFunction(stacks: { parent: Int32Array; functionId: Int32Array }, ids: Set<number>): Uint8Array {
  const count = stacks.parent.length;
  const marks = new Uint8Array(count);
  for (let id = ROOT_STACK_ID + 1; id < count; id++) {
    const parent = stacks.parent[id]!;
    const here = ids.has(stacks.functionId[id]!);
    const below = parent >= 0 && parent < id && marks[parent]! > 0;
    marks[id] = here ? 2 : below ? 1 : 0;
  }
  return marks;
}

interface ThreadSamples {
  timesUs: Float64Array;
  marks: Uint8Array;
}

/** Samples of each thread in [fromUs, toUs], sorted by time, with the function's mark of their stack. */
function samplesByThread(store: Store, sessionId: string, range: TimeRange, stackMarks: Uint8Array): Map<number, ThreadSamples> {
  const collected = new Map<number, { times: number[]; marks: number[] }>();
  for (const chunk of store.cpu.chunks(sessionId, range)) {
    let into = collected.get(chunk.threadId);
    if (!into) collected.set(chunk.threadId, (into = { times: [], marks: [] }));
    for (let i = 0; i < chunk.timesUs.length; i++) {
      const t = chunk.timesUs[i]!;
      if (t < range.fromUs || t > range.toUs) continue;
      into.times.push(t);
      into.marks.push(stackMarks[chunk.stackIds[i]!] ?? 0);
    }
  }
  const result = new Map<number, ThreadSamples>();
  for (const [thread, { times, marks }] of collected) {
    const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]!);
    result.set(thread, { timesUs: Float64Array.from(order, (i) => times[i]!), marks: Uint8Array.from(order, (i) => marks[i]!) });
  }
  return result;
}

/**
 * The spans whose samples (taken on the span's thread inside its range; a span with no thread
 * counts the main thread, as span-samples does) most often had the function on the stack,
 * heaviest first. Samples of overlapping spans are counted for each of them.
 */
export function functionSpans(store: Store, sessionId: string, key: FunctionKey, range: TimeRange | undefined, limit: number): FunctionSpan[] {
  // The CPU cache's tables: read once per session and shared with the flame graph and timeline.
  const tables = store.cpu.cache.session(sessionId).tables;
  const ids = matchingFunctionIds(tables.functions, key);
  if (ids.size === 0) return [];
  const spans = store.spans.list(sessionId, { range, limit: SPAN_LIMIT });
  if (spans.length === 0) return [];
  const marks = stacksWithFunction(tables.stacks, ids);
  const window = { fromUs: Math.min(...spans.map((s) => s.startUs)), toUs: Math.max(...spans.map((s) => s.endUs)) };
  const threads = samplesByThread(store, sessionId, window, marks);

  const ranked: FunctionSpan[] = [];
  for (const span of spans) {
    const samples = threads.get(span.thread ?? 0);
    if (!samples) continue;
    const from = firstIndexAtOrAfter(samples.timesUs, span.startUs);
    const to = firstIndexAtOrAfter(samples.timesUs, span.endUs + 1);
    let onStack = 0;
    let self = 0;
    for (let i = from; i < to; i++) {
      const mark = samples.marks[i]!;
      if (mark > 0) onStack++;
      if (mark === 2) self++;
    }
    if (onStack === 0) continue;
    ranked.push(rankedSpan(span, to - from, onStack, self));
  }
  ranked.sort((a, b) => b.samples - a.samples || b.share - a.share || a.span.startUs - b.span.startUs);
  return ranked.slice(0, limit);
}

// Samples come less often than the nominal interval on a busy process: the time is the span's
// duration times the share of its samples, not samples times the interval.
function rankedSpan(span: SpanRecord, spanSamples: number, samples: number, selfSamples: number): FunctionSpan {
  const share = samples / spanSamples;
  return {
    span: { ...span, cpuSampleCount: spanSamples },
    samples,
    selfSamples,
    share,
    estimatedMs: Math.round(((span.endUs - span.startUs) * share) / 10) / 100,
  };
}
