// CPU samples: interned functions and call stacks per session, samples in packed chunks
// (Float64 epoch-µs times + Int32 stack ids), which measured ~10x faster than a row per sample.
import { CpuSampleCache } from './cpu-sample-cache';
import type { Db } from './database';

export interface CallFrameKey {
  functionName: string;
  url: string;
  /** 0-based, as the inspector reports it. */
  lineNumber: number;
  columnNumber: number;
}

export interface SampleChunk {
  threadId: number;
  timesUs: Float64Array;
  stackIds: Int32Array;
}

/** Stack id 0 is the root of every session's call tree. */
export const ROOT_STACK_ID = 0;

/**
 * Interns call frames and stacks for one session. New rows are returned to the caller, which
 * writes them in the same transaction as the samples that use them.
 */
export class StackInterner {
  private readonly functionIds = new Map<string, number>();
  private readonly stackIds = new Map<string, number>();
  private nextFunctionId = 0;
  private nextStackId = 1;
  readonly newFunctions: { id: number; frame: CallFrameKey }[] = [];
  readonly newStacks: { id: number; parentId: number; functionId: number }[] = [];

  functionId(frame: CallFrameKey): number {
    const key = `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber}`;
    let id = this.functionIds.get(key);
    if (id === undefined) {
      id = this.nextFunctionId++;
      this.functionIds.set(key, id);
      this.newFunctions.push({ id, frame });
    }
    return id;
  }

  stackId(parentId: number, functionId: number): number {
    const key = `${parentId}:${functionId}`;
    let id = this.stackIds.get(key);
    if (id === undefined) {
      id = this.nextStackId++;
      this.stackIds.set(key, id);
      this.newStacks.push({ id, parentId, functionId });
    }
    return id;
  }

  takeNew(): { functions: { id: number; frame: CallFrameKey }[]; stacks: { id: number; parentId: number; functionId: number }[] } {
    const taken = { functions: this.newFunctions.splice(0), stacks: this.newStacks.splice(0) };
    return taken;
  }
}

export class CpuSampleTable {
  /** What windowed questions read: chunk index, call tables, decoded chunks, kept in memory. */
  readonly cache: CpuSampleCache;
  private readonly insertFunction;
  private readonly insertStack;
  private readonly insertChunk;

  constructor(private readonly db: Db) {
    this.cache = new CpuSampleCache(db);
    this.insertFunction = db.prepare(
      `INSERT INTO functions (session_id, id, name, url, line, col) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.insertStack = db.prepare(`INSERT INTO stacks (session_id, id, parent_id, function_id) VALUES (?, ?, ?, ?)`);
    this.insertChunk = db.prepare(
      `INSERT INTO cpu_chunks (session_id, thread_id, start_us, end_us, sample_count, times, stacks)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Writes interned rows and one chunk; call inside a transaction. */
  write(sessionId: string, interner: StackInterner, chunk: SampleChunk | null): void {
    const fresh = interner.takeNew();
    for (const { id, frame } of fresh.functions) {
      this.insertFunction.run(sessionId, id, frame.functionName, frame.url, frame.lineNumber, frame.columnNumber);
    }
    for (const stack of fresh.stacks) this.insertStack.run(sessionId, stack.id, stack.parentId, stack.functionId);
    if (!chunk || chunk.timesUs.length === 0) return;
    const n = chunk.timesUs.length;
    this.insertChunk.run(
      sessionId,
      chunk.threadId,
      Math.floor(chunk.timesUs[0]!),
      Math.ceil(chunk.timesUs[n - 1]!),
      n,
      Buffer.from(chunk.timesUs.buffer, chunk.timesUs.byteOffset, chunk.timesUs.byteLength),
      Buffer.from(chunk.stackIds.buffer, chunk.stackIds.byteOffset, chunk.stackIds.byteLength),
    );
  }

  functions(sessionId: string): { id: number; name: string; url: string; line: number; col: number }[] {
    return this.db
      .prepare(`SELECT id, name, url, line, col FROM functions WHERE session_id = ? ORDER BY id`)
      .all(sessionId) as { id: number; name: string; url: string; line: number; col: number }[];
  }

  /** Stacks as columns indexed by stack id (parent and function of each). */
  stacks(sessionId: string): { parent: Int32Array; functionId: Int32Array } {
    const rows = this.db
      .prepare(`SELECT id, parent_id, function_id FROM stacks WHERE session_id = ?`)
      .raw()
      .all(sessionId) as [number, number, number][];
    let size = 1;
    for (const [id] of rows) size = Math.max(size, id + 1);
    const parent = new Int32Array(size).fill(-1);
    const functionId = new Int32Array(size).fill(-1);
    for (const [id, p, f] of rows) {
      parent[id] = p;
      functionId[id] = f;
    }
    return { parent, functionId };
  }

  /**
   * Sample chunks overlapping [fromUs, toUs] (all when no range), in time order, decoded once and
   * kept (see CpuSampleCache): read them, never write to them.
   */
  *chunks(sessionId: string, range?: { fromUs: number; toUs: number }): Generator<SampleChunk> {
    for (const chunk of this.cache.session(sessionId).chunks) {
      if (range && (chunk.endUs < range.fromUs || chunk.startUs > range.toUs)) continue;
      const { timesUs, stackIds } = this.cache.samples(sessionId, chunk);
      yield { threadId: chunk.threadId, timesUs, stackIds };
    }
  }
}
