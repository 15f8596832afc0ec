// Read side of CPU samples kept in memory: per session the chunk index and the call tables (grown as
// a recording appends, never re-read), per chunk its decoded samples and its self time by stack.
// A window's question then reads only the chunks at its edges; whole chunks inside it add their
// sums. Chunks and table rows are append-only while a session exists, so nothing goes stale.
import type { Db } from './database';
import { type Digest, SessionDigests } from './session-digests';

export interface ChunkInfo {
  rowId: number;
  threadId: number;
  /** floor of the first sample's time. */
  startUs: number;
  /** ceil of the last sample's time. */
  endUs: number;
  count: number;
}

export interface FunctionRow {
  id: number;
  name: string;
  url: string;
  line: number;
  col: number;
}

/** A session's function and stack tables, as columns indexed by id. */
export interface CallTables {
  functions: FunctionRow[];
  stacks: { parent: Int32Array; functionId: Int32Array };
  /** 1 where a stack's function also appears among its ancestors (recursion), so it is counted once. */
  repeated: Uint8Array;
}

export interface ChunkSamples {
  timesUs: Float64Array;
  stackIds: Int32Array;
  /** The times in ascending order (the same array when they already are). */
  sortedTimesUs: Float64Array;
}

/**
 * Self time by stack of the samples inside one chunk: sample i is weighted by the gap to sample
 * i+1, capped; the last sample is left to the caller, which knows the next chunk of the thread.
 */
export interface ChunkWeights {
  capUs: number;
  firstUs: number;
  lastUs: number;
  lastStack: number;
  stackIds: Int32Array;
  selfUs: Float64Array;
}

/** Decoded chunks and chunk weights kept across questions, least recently used first out. */
export const CPU_CACHE_BYTES = 384 * 1024 * 1024;
const SESSIONS_KEPT = 8;
/** Digest kinds (see SessionDigests): stack columns, and every chunk's self time by stack. */
const STACKS_DIGEST = 'cpu-stacks';
const WEIGHTS_DIGEST = 'cpu-weights';
/** Both are append-only facts about immutable rows: any kept copy holds whatever it covers. */
const DIGEST_BASIS = '1';

interface SessionEntry {
  chunks: ChunkInfo[];
  lastRowId: number;
  tables: CallTables;
}

interface ChunkEntry {
  samples?: ChunkSamples;
  weights?: ChunkWeights;
  bytes: number;
}

export class CpuSampleCache {
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly entries = new Map<string, ChunkEntry>();
  private bytes = 0;
  private readonly newChunks;
  private readonly maxStack;
  private readonly newStacks;
  private readonly maxFunction;
  private readonly newFunctions;
  private readonly chunkBlobs;
  /** Self time by stack id while a chunk is summed, with the ids it touched. */
  private scratch = new Float64Array(0);
  private readonly digests: SessionDigests;

  constructor(
    db: Db,
    private readonly maxBytes = CPU_CACHE_BYTES,
  ) {
    this.digests = new SessionDigests(db);
    this.newChunks = db
      .prepare(`SELECT id, thread_id, start_us, end_us, sample_count FROM cpu_chunks WHERE session_id = ? AND id > ? ORDER BY id`)
      .raw();
    this.maxStack = db.prepare(`SELECT max(id) FROM stacks WHERE session_id = ?`).pluck();
    this.newStacks = db.prepare(`SELECT id, parent_id, function_id FROM stacks WHERE session_id = ? AND id >= ?`).raw();
    this.maxFunction = db.prepare(`SELECT max(id) FROM functions WHERE session_id = ?`).pluck();
    this.newFunctions = db.prepare(`SELECT id, name, url, line, col FROM functions WHERE session_id = ? AND id >= ? ORDER BY id`);
    this.chunkBlobs = db.prepare(`SELECT times, stacks FROM cpu_chunks WHERE id = ?`);
  }

  /**
   * The session's chunks in time order and its call tables, brought up to date with what was
   * written since the last call (chunks first, so the tables cover every stack they use).
   */
  session(sessionId: string): { chunks: readonly ChunkInfo[]; tables: CallTables } {
    let entry = this.sessions.get(sessionId);
    if (entry) this.sessions.delete(sessionId);
    const opened = !entry;
    entry ??= { chunks: [], lastRowId: 0, tables: { functions: [], stacks: { parent: new Int32Array(0), functionId: new Int32Array(0) }, repeated: new Uint8Array(0) } };
    this.sessions.set(sessionId, entry);
    if (this.sessions.size > SESSIONS_KEPT) this.forget(this.sessions.keys().next().value!);
    if (opened) this.readStacksDigest(sessionId, entry.tables);
    this.refreshChunks(sessionId, entry);
    this.refreshTables(sessionId, entry.tables);
    if (opened) this.readWeightsDigest(sessionId, entry.chunks);
    return entry;
  }

  /**
   * Keeps the session's stack columns and every chunk's self time for `capUs` as digests, so the
   * next process to open the store reads two blobs instead of every stack row and sample.
   */
  storeDigests(sessionId: string, capUs: number): void {
    const { chunks, tables } = this.session(sessionId);
    const { parent, functionId } = tables.stacks;
    this.digests.put(sessionId, STACKS_DIGEST, DIGEST_BASIS, { meta: null, columns: [parent, functionId, tables.repeated] });
    const stackCount = parent.length;
    const all = chunks.map((chunk) => ({ chunk, weights: this.weights(sessionId, chunk, capUs, stackCount) }));
    const offsets = new Int32Array(all.length + 1);
    all.forEach(({ weights }, i) => (offsets[i + 1] = offsets[i]! + weights.stackIds.length));
    const stackIds = new Int32Array(offsets[all.length]!);
    const selfUs = new Float64Array(offsets[all.length]!);
    all.forEach(({ weights }, i) => {
      stackIds.set(weights.stackIds, offsets[i]!);
      selfUs.set(weights.selfUs, offsets[i]!);
    });
    const digest: Digest = {
      meta: { capUs },
      columns: [
        Int32Array.from(all, ({ chunk }) => chunk.rowId),
        Float64Array.from(all, ({ weights }) => weights.firstUs),
        Float64Array.from(all, ({ weights }) => weights.lastUs),
        Int32Array.from(all, ({ weights }) => weights.lastStack),
        offsets,
        stackIds,
        selfUs,
      ],
    };
    this.digests.put(sessionId, WEIGHTS_DIGEST, DIGEST_BASIS, digest);
  }

  private readStacksDigest(sessionId: string, tables: CallTables): void {
    const digest = this.digests.get(sessionId, STACKS_DIGEST, DIGEST_BASIS);
    const [parent, functionId, repeated] = digest?.columns ?? [];
    if (!(parent instanceof Int32Array && functionId instanceof Int32Array && repeated instanceof Uint8Array)) return;
    if (functionId.length !== parent.length || repeated.length !== parent.length) return;
    tables.stacks = { parent, functionId };
    tables.repeated = repeated;
  }

  private readWeightsDigest(sessionId: string, chunks: readonly ChunkInfo[]): void {
    const digest = this.digests.get(sessionId, WEIGHTS_DIGEST, DIGEST_BASIS);
    if (!digest || digest.columns.length !== 7) return;
    const capUs = (digest.meta as { capUs?: unknown } | null)?.capUs;
    const [rowIds, firstUs, lastUs, lastStack, offsets, stackIds, selfUs] = digest.columns as [Int32Array, Float64Array, Float64Array, Int32Array, Int32Array, Int32Array, Float64Array];
    const n = rowIds.length;
    if (typeof capUs !== 'number' || firstUs.length !== n || lastUs.length !== n || lastStack.length !== n || offsets.length !== n + 1) return;
    if (offsets[n] !== stackIds.length || selfUs.length !== stackIds.length) return;
    const known = new Set(chunks.map((chunk) => chunk.rowId));
    for (let i = 0; i < n; i++) {
      if (!known.has(rowIds[i]!)) continue;
      const entry = this.entry(sessionId, rowIds[i]!);
      if (entry.weights) continue;
      const ids = stackIds.subarray(offsets[i]!, offsets[i + 1]!);
      const weights = selfUs.subarray(offsets[i]!, offsets[i + 1]!);
      entry.weights = { capUs, firstUs: firstUs[i]!, lastUs: lastUs[i]!, lastStack: lastStack[i]!, stackIds: ids, selfUs: weights };
      this.grow(entry, ids.byteLength + weights.byteLength);
    }
  }

  private refreshChunks(sessionId: string, entry: SessionEntry): void {
    const rows = this.newChunks.all(sessionId, entry.lastRowId) as [number, number, number, number, number][];
    if (rows.length === 0) return;
    for (const [rowId, threadId, startUs, endUs, count] of rows) entry.chunks.push({ rowId, threadId, startUs, endUs, count });
    entry.lastRowId = rows[rows.length - 1]![0];
    entry.chunks.sort((a, b) => a.startUs - b.startUs || a.rowId - b.rowId);
  }

  private refreshTables(sessionId: string, tables: CallTables): void {
    const functionCount = ((this.maxFunction.get(sessionId) as number | null) ?? -1) + 1;
    if (functionCount > tables.functions.length) {
      tables.functions.push(...(this.newFunctions.all(sessionId, tables.functions.length) as FunctionRow[]));
    }
    const size = Math.max(1, ((this.maxStack.get(sessionId) as number | null) ?? -1) + 1);
    const known = tables.stacks.parent.length;
    if (size <= known) return;
    const parent = new Int32Array(size).fill(-1);
    const functionId = new Int32Array(size).fill(-1);
    const repeated = new Uint8Array(size);
    parent.set(tables.stacks.parent);
    functionId.set(tables.stacks.functionId);
    repeated.set(tables.repeated);
    for (const [id, p, f] of this.newStacks.all(sessionId, known) as [number, number, number][]) {
      parent[id] = p;
      functionId[id] = f;
    }
    // A parent is always interned before its children, so its ancestors are already known.
    for (let id = Math.max(known, 1); id < size; id++) {
      const fn = functionId[id]!;
      for (let s = parent[id]!; s > 0; s = parent[s]!) {
        if (functionId[s] === fn) {
          repeated[id] = 1;
          break;
        }
      }
    }
    tables.stacks = { parent, functionId };
    tables.repeated = repeated;
  }

  /** The chunk's samples, decoded once. */
  samples(sessionId: string, chunk: ChunkInfo): ChunkSamples {
    const entry = this.entry(sessionId, chunk.rowId);
    if (!entry.samples) {
      const row = this.chunkBlobs.get(chunk.rowId) as { times: Buffer; stacks: Buffer };
      const timesUs = float64s(row.times);
      const stackIds = int32s(row.stacks);
      let sorted = true;
      for (let i = 1; i < timesUs.length && sorted; i++) sorted = timesUs[i - 1]! <= timesUs[i]!;
      entry.samples = { timesUs, stackIds, sortedTimesUs: sorted ? timesUs : Float64Array.from(timesUs).sort() };
      this.grow(entry, timesUs.byteLength * (sorted ? 1 : 2) + stackIds.byteLength);
    }
    return entry.samples;
  }

  /** The chunk's self time by stack for a gap cap, summed once per cap. */
  weights(sessionId: string, chunk: ChunkInfo, capUs: number, stackCount: number): ChunkWeights {
    const entry = this.entry(sessionId, chunk.rowId);
    if (entry.weights?.capUs === capUs) return entry.weights;
    const { timesUs, stackIds } = this.samples(sessionId, chunk);
    if (this.scratch.length < stackCount) this.scratch = new Float64Array(stackCount);
    const scratch = this.scratch;
    const touched: number[] = [];
    const n = timesUs.length;
    for (let i = 0; i + 1 < n; i++) {
      const stack = stackIds[i]!;
      if (stack < 0 || stack >= stackCount) continue;
      const weight = Math.min(Math.max(timesUs[i + 1]! - timesUs[i]!, 0), capUs);
      if (scratch[stack] === 0 && weight > 0) touched.push(stack);
      scratch[stack]! += weight;
    }
    const ids = Int32Array.from(touched);
    const selfUs = new Float64Array(ids.length);
    for (let k = 0; k < ids.length; k++) {
      selfUs[k] = scratch[ids[k]!]!;
      scratch[ids[k]!] = 0;
    }
    if (entry.weights) this.grow(entry, -(entry.weights.stackIds.byteLength + entry.weights.selfUs.byteLength));
    entry.weights = { capUs, firstUs: timesUs[0]!, lastUs: timesUs[n - 1]!, lastStack: stackIds[n - 1]!, stackIds: ids, selfUs };
    this.grow(entry, ids.byteLength + selfUs.byteLength);
    return entry.weights;
  }

  /** Drops what is kept for a deleted session. */
  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
    const prefix = `${sessionId}/`;
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      this.bytes -= entry.bytes;
      this.entries.delete(key);
    }
  }

  private entry(sessionId: string, rowId: number): ChunkEntry {
    const key = `${sessionId}/${rowId}`;
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    entry ??= { bytes: 0 };
    this.entries.set(key, entry);
    return entry;
  }

  private grow(entry: ChunkEntry, bytes: number): void {
    entry.bytes += bytes;
    this.bytes += bytes;
    // The newest entry (the one being filled) is last, so it survives.
    for (const [key, old] of this.entries) {
      if (this.bytes <= this.maxBytes || old === entry) break;
      this.bytes -= old.bytes;
      this.entries.delete(key);
    }
  }
}

/**
 * A blob's values. SQLite hands back a Buffer of its own (a copy), usually at an aligned offset:
 * then a view of it; else an aligned copy.
 */
function float64s(buffer: Buffer): Float64Array {
  const n = Math.floor(buffer.byteLength / 8);
  return buffer.byteOffset % 8 === 0 ? new Float64Array(buffer.buffer, buffer.byteOffset, n) : new Float64Array(alignedCopy(buffer, n * 8));
}

function int32s(buffer: Buffer): Int32Array {
  const n = Math.floor(buffer.byteLength / 4);
  return buffer.byteOffset % 4 === 0 ? new Int32Array(buffer.buffer, buffer.byteOffset, n) : new Int32Array(alignedCopy(buffer, n * 4));
}

function alignedCopy(buffer: Buffer, bytes: number): ArrayBuffer {
  const copy = new ArrayBuffer(bytes);
  new Uint8Array(copy).set(buffer.subarray(0, bytes));
  return copy;
}
