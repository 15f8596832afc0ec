// The session's interned call tree (stack id -> parent and function) and its samples per thread,
// as the exporters walk them. Stack 0 is the root; its frame is the synthetic "(root)".
import type { CallFrameKey, SampleChunk } from '../../store/cpu-samples';
import type { Store } from '../../store/store';

export const ROOT_FRAME: CallFrameKey = { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 };

export interface CallTree {
  /** By function id; a hole reads as an unknown frame. */
  functions: CallFrameKey[];
  /** By stack id: parent stack id (-1 for the root or an unknown id) and function id. */
  parent: Int32Array;
  functionId: Int32Array;
}

export function sessionCallTree(store: Store, sessionId: string): CallTree {
  const functions: CallFrameKey[] = [];
  for (const f of store.cpu.functions(sessionId)) {
    functions[f.id] = { functionName: f.name, url: f.url, lineNumber: f.line, columnNumber: f.col };
  }
  const { parent, functionId } = store.cpu.stacks(sessionId);
  breakCycles(parent);
  return { functions, parent, functionId };
}

/** A corrupt table may make a stack its own ancestor: such a loop is cut where it closes (hung off the root). */
function breakCycles(parent: Int32Array): void {
  const state = new Uint8Array(parent.length); // 0 unseen, 1 on the current path, 2 done
  const path: number[] = [];
  for (let start = 1; start < parent.length; start++) {
    if (state[start] !== 0) continue;
    path.length = 0;
    let s = start;
    while (s > 0 && s < parent.length && state[s] === 0) {
      state[s] = 1;
      path.push(s);
      s = parent[s]!;
    }
    if (s > 0 && s < parent.length && state[s] === 1) parent[path[path.length - 1]!] = 0;
    for (const p of path) state[p] = 2;
  }
}

/** The frame of a stack; the root (and any id outside the table) is "(root)". */
export function frameOf(tree: CallTree, stackId: number): CallFrameKey {
  if (stackId <= 0 || stackId >= tree.functionId.length) return ROOT_FRAME;
  return tree.functions[tree.functionId[stackId]!] ?? { functionName: '(unknown)', url: '', lineNumber: -1, columnNumber: -1 };
}

/** Parent of a stack, or -1 at the root; ids outside the table hang off the root. */
export function parentOf(tree: CallTree, stackId: number): number {
  if (stackId <= 0) return -1;
  if (stackId >= tree.parent.length) return 0;
  const parent = tree.parent[stackId]!;
  return parent < 0 || parent === stackId ? 0 : parent;
}

/**
 * A thread's sample chunks in time order, read by thread (the exporters pass over each thread's
 * samples several times). Columns whose lengths differ are cut to the shorter; a trailing partial
 * element of a damaged blob is dropped.
 */
export function* threadChunks(store: Store, sessionId: string, threadId: number): Generator<SampleChunk> {
  const rows = store.db
    .prepare(`SELECT times, stacks FROM cpu_chunks WHERE session_id = ? AND thread_id = ? ORDER BY start_us, id`)
    .iterate(sessionId, threadId) as Iterable<{ times: Buffer; stacks: Buffer }>;
  for (const row of rows) {
    const n = Math.min(Math.floor(row.times.byteLength / 8), Math.floor(row.stacks.byteLength / 4));
    yield { threadId, timesUs: new Float64Array(aligned(row.times, n * 8)), stackIds: new Int32Array(aligned(row.stacks, n * 4)) };
  }
}

/** SQLite hands back Buffers at any byte offset; typed arrays need an aligned copy. */
function aligned(buffer: Buffer, byteLength: number): ArrayBuffer {
  const copy = new ArrayBuffer(byteLength);
  new Uint8Array(copy).set(buffer.subarray(0, byteLength));
  return copy;
}

/**
 * Sample times as whole microseconds that never go back (overlapping rotation hand-offs can
 * interleave a few samples): a sample earlier than the one before is given the earlier's time.
 */
export class MonotonicClock {
  private last = -Infinity;

  next(timeUs: number): number {
    const t = Math.round(timeUs);
    this.last = Number.isFinite(t) ? Math.max(t, this.last) : this.last === -Infinity ? 0 : this.last;
    return this.last;
  }
}
