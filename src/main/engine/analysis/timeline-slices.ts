// Flame-chart slices of a window: time-ordered call stacks per thread, merged below the resolution.
import type { TimeRange } from '../../../shared/domain';
import type { TimelineThreadSlices } from '../../../shared/timeline';
import { ROOT_STACK_ID } from '../store/cpu-samples';
import type { SampleChunk } from '../store/cpu-samples';

/** A session's stack table as columns indexed by stack id; depth 0 is the root. */
export interface StackColumns {
  parent: Int32Array;
  functionId: Int32Array;
  depth: Int32Array;
}

export function stackColumns(stacks: { parent: Int32Array; functionId: Int32Array }): StackColumns {
  const { parent, functionId } = stacks;
  const depth = new Int32Array(parent.length);
  // Ids are interned parent-first, so one forward pass sees each parent before its children.
  for (let id = 1; id < parent.length; id++) {
    const p = parent[id]!;
    depth[id] = p >= 0 && p < id ? depth[p]! + 1 : 0;
  }
  return { parent, functionId, depth };
}

export interface SliceOptions {
  range: TimeRange;
  /** Slices narrower than this merge with narrow neighbours at their depth. */
  resolutionUs: number;
  /** The nominal sampling interval: a sample stands for the time to the next, capped at 10 intervals. */
  intervalUs: number;
  /** Functions whose frames are not drawn ((idle)). */
  hiddenFunctions: ReadonlySet<number>;
}

/**
 * Samples to step over when reading a window: every one while a pixel holds few samples, else
 * enough that a pixel still gets two. A frame at least a pixel wide then keeps its place within
 * half a pixel, and the work follows pixels instead of samples.
 */
export function sampleStride(resolutionUs: number, intervalUs: number): number {
  // A power of two (a pixel then gets two to four samples), so every stride is a multiple of the
  // strides the session's sample digest keeps (see timeline-sample-digest.ts).
  const most = Math.floor(resolutionUs / (2 * intervalUs));
  let stride = 1;
  while (stride * 2 <= most) stride *= 2;
  return stride;
}

/**
 * Builds one thread's slices from its samples in time order. Open frames are kept as the path of
 * stack nodes; a new sample closes only the frames below its common ancestor with the previous
 * one, so a run of samples on one stack costs one comparison each.
 */
export class ThreadSliceBuilder {
  // Grown as plain arrays, handed out as typed columns by finish().
  private readonly depth: number[] = [];
  private readonly startUs: number[] = [];
  private readonly endUs: number[] = [];
  private readonly functionId: number[] = [];
  private readonly merged: number[] = [];
  private maxDepth = 0;
  private sampleCount = 0;
  private path = new Int32Array(64);
  private openStartUs = new Float64Array(64);
  private openLength = 0;
  private previousUs = -Infinity;
  private previousStack = ROOT_STACK_ID;
  // Narrow slices waiting to merge with the next narrow one, per depth.
  private pendingStart: number[] = [];
  private pendingEnd: number[] = [];
  private pendingFn: number[] = [];
  private pendingLongest: number[] = [];
  private pendingCount: number[] = [];

  private readonly stride: number;

  constructor(
    private readonly threadId: number,
    private readonly stacks: StackColumns,
    private readonly options: SliceOptions,
  ) {
    this.stride = sampleStride(options.resolutionUs, options.intervalUs);
  }

  /** Takes the next sample read (every stride-th one taken), standing for `count` samples. */
  add(timeUs: number, stackId: number, count = 1): void {
    const { stacks } = this;
    const stack = stackId > 0 && stackId < stacks.parent.length && stacks.parent[stackId]! >= 0 ? stackId : ROOT_STACK_ID;
    this.sampleCount += count;
    const capUs = this.options.intervalUs * 10 * this.stride;
    if (timeUs - this.previousUs > capUs) {
      // A gap (paused target, rotation hand-off): the previous stack ends one cap after its sample.
      this.closeTo(0, this.previousUs + capUs);
      this.openPath(stack, ROOT_STACK_ID, timeUs);
    } else if (stack !== this.previousStack) {
      const common = this.commonAncestor(this.previousStack, stack);
      this.closeTo(stacks.depth[common]!, timeUs);
      this.openPath(stack, common, timeUs);
    }
    this.previousUs = timeUs;
    this.previousStack = stack;
  }

  /** Closes what is open and returns the slices; the builder is spent afterwards. */
  finish(): TimelineThreadSlices {
    if (this.previousUs > -Infinity) this.closeTo(0, Math.min(this.previousUs + this.options.intervalUs * this.stride, this.options.range.toUs));
    for (let d = 0; d < this.pendingCount.length; d++) this.flush(d);
    return {
      threadId: this.threadId,
      depth: Int32Array.from(this.depth),
      startUs: Float64Array.from(this.startUs),
      endUs: Float64Array.from(this.endUs),
      functionId: Int32Array.from(this.functionId),
      merged: Int32Array.from(this.merged),
      maxDepth: this.maxDepth,
      sampleCount: this.sampleCount,
      sampleStride: this.stride,
    };
  }

  private commonAncestor(a: number, b: number): number {
    const { depth, parent } = this.stacks;
    while (depth[a]! > depth[b]!) a = parent[a]!;
    while (depth[b]! > depth[a]!) b = parent[b]!;
    while (a !== b) {
      a = parent[a]!;
      b = parent[b]!;
    }
    return a;
  }

  /** Closes open frames deeper than `keepDepth` (root depth 0 keeps none) at `endUs`. */
  private closeTo(keepDepth: number, endUs: number): void {
    for (let i = this.openLength - 1; i >= keepDepth; i--) this.emit(i, this.path[i]!, this.openStartUs[i]!, endUs);
    this.openLength = Math.min(this.openLength, keepDepth);
  }

  /** Opens the frames of `stack` below `ancestor`, all starting at `startUs`. */
  private openPath(stack: number, ancestor: number, startUs: number): void {
    const { depth, parent } = this.stacks;
    const length = depth[stack]!;
    if (length > this.path.length) this.grow(length * 2);
    for (let s = stack; s !== ancestor && s > ROOT_STACK_ID; s = parent[s]!) {
      // Slice depth 0 is a child of the root.
      const i = depth[s]! - 1;
      this.path[i] = s;
      this.openStartUs[i] = startUs;
    }
    this.openLength = length;
  }

  private grow(size: number): void {
    const path = new Int32Array(size);
    path.set(this.path);
    const starts = new Float64Array(size);
    starts.set(this.openStartUs);
    this.path = path;
    this.openStartUs = starts;
  }

  private emit(depth: number, stack: number, startUs: number, endUs: number): void {
    const fn = this.stacks.functionId[stack]!;
    if (this.options.hiddenFunctions.has(fn) || endUs <= startUs) return;
    const durationUs = endUs - startUs;
    const resolution = this.options.resolutionUs;
    while (this.pendingCount.length <= depth) {
      this.pendingStart.push(0);
      this.pendingEnd.push(0);
      this.pendingFn.push(-1);
      this.pendingLongest.push(0);
      this.pendingCount.push(0);
    }
    if (durationUs >= resolution) {
      this.flush(depth);
      this.push(depth, startUs, endUs, fn, 1);
      return;
    }
    if (this.pendingCount[depth]! > 0 && startUs - this.pendingEnd[depth]! <= resolution) {
      this.pendingEnd[depth] = endUs;
      this.pendingCount[depth]!++;
      if (durationUs > this.pendingLongest[depth]!) {
        this.pendingLongest[depth] = durationUs;
        this.pendingFn[depth] = fn;
      }
      return;
    }
    this.flush(depth);
    this.pendingStart[depth] = startUs;
    this.pendingEnd[depth] = endUs;
    this.pendingFn[depth] = fn;
    this.pendingLongest[depth] = durationUs;
    this.pendingCount[depth] = 1;
  }

  private flush(depth: number): void {
    const count = this.pendingCount[depth] ?? 0;
    if (count === 0) return;
    this.push(depth, this.pendingStart[depth]!, this.pendingEnd[depth]!, this.pendingFn[depth]!, count);
    this.pendingCount[depth] = 0;
  }

  private push(depth: number, startUs: number, endUs: number, fn: number, merged: number): void {
    this.depth.push(depth);
    // Whole microseconds: finer than any pixel.
    this.startUs.push(Math.round(startUs));
    this.endUs.push(Math.max(Math.round(endUs), Math.round(startUs) + 1));
    this.functionId.push(fn);
    this.merged.push(merged);
    if (depth + 1 > this.maxDepth) this.maxDepth = depth + 1;
  }
}

/**
 * Samples 0, every, 2·every… of a chunk of `count` samples in ascending time order, all inside the
 * window: what a stride that is a multiple of `every` reads of the whole chunk.
 */
export interface StridedChunk extends SampleChunk {
  every: number;
  count: number;
}

/**
 * Slices of every wanted thread from sample chunks in time order. Samples outside the range are
 * skipped; a frame open at the range's edges is cut there. A strided chunk gives the same slices
 * as its whole chunk when the stride is a multiple of its `every`.
 */
export function slicesOfChunks(
  chunks: Iterable<SampleChunk | StridedChunk>,
  stacks: StackColumns,
  options: SliceOptions,
  threadIds: ReadonlySet<number> | null,
): TimelineThreadSlices[] {
  const builders = new Map<number, ThreadSliceBuilder>();
  const { fromUs, toUs } = options.range;
  const stride = sampleStride(options.resolutionUs, options.intervalUs);
  for (const chunk of chunks) {
    if (threadIds && !threadIds.has(chunk.threadId)) continue;
    let builder = builders.get(chunk.threadId);
    if (!builder) {
      builder = new ThreadSliceBuilder(chunk.threadId, stacks, options);
      builders.set(chunk.threadId, builder);
    }
    const { timesUs, stackIds } = chunk;
    if ('every' in chunk) {
      const step = stride / chunk.every;
      for (let j = 0; j < timesUs.length; j += step) builder.add(timesUs[j]!, stackIds[j]!, Math.min(stride, chunk.count - j * chunk.every));
      continue;
    }
    const first = firstIndexPast(timesUs, fromUs, false);
    const end = firstIndexPast(timesUs, toUs, true);
    for (let i = first; i < end; i += stride) builder.add(timesUs[i]!, stackIds[i]!, Math.min(stride, end - i));
  }
  return [...builders.values()].map((builder) => builder.finish()).sort((a, b) => a.threadId - b.threadId);
}

/** Index of the first ascending time after `timeUs` (or at it, unless `strictly`); length when none. */
function firstIndexPast(timesUs: Float64Array, timeUs: number, strictly: boolean): number {
  let low = 0;
  let high = timesUs.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const t = timesUs[mid]!;
    if (t < timeUs || (strictly && t === timeUs)) low = mid + 1;
    else high = mid;
  }
  return low;
}
