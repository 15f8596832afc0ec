// Number columns for profile arrays read one number at a time (samples, then timeDeltas), from
// which the front is taken as soon as both columns have it. A .cpuprofile holds all its samples
// before the first time delta, so what waits beyond a window of ~1M values is spilled to a
// temporary file and read back in order: memory stays the same whatever the file's size.
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCount, refuse } from './refusal';

export const MAX_SAMPLES = 500_000_000;
const WINDOW = 1 << 20;
const FIRST_SIZE = 4096;

type Column = Float64Array | Int32Array;

export class NumberColumn {
  private memory: Column;
  private start = 0;
  private end = 0;
  // Values beyond the window: written to the spill file in blocks, then read back in order.
  private pending: Column;
  private pendingCount = 0;
  private spill: { fd: number; path: string } | null = null;
  private spilledValues = 0;
  private readBackValues = 0;
  /** Numbers pushed in all. */
  total = 0;

  /** `int32` halves the bytes of a column of ids (refusing ids beyond 32 bits). */
  constructor(
    private readonly what: string,
    private readonly kind: 'int32' | 'float64' = 'float64',
  ) {
    // Small at first: most profiles are small, and a fresh 1M-value window per import is garbage.
    this.memory = this.make(FIRST_SIZE);
    this.pending = this.make(0);
  }

  get available(): number {
    return this.end - this.start + (this.spilledValues - this.readBackValues) + this.pendingCount;
  }

  push(value: number): void {
    if (this.kind === 'int32' && (value | 0) !== value) refuse(`its ${this.what} hold ${value}, beyond a 32-bit id`);
    if (++this.total > MAX_SAMPLES) refuse(`its ${this.what} holds more than ${formatCount(MAX_SAMPLES)} values`);
    if (this.end < WINDOW && this.spilledValues === this.readBackValues && this.pendingCount === 0) {
      if (this.end === this.memory.length) this.memory = this.grown(this.memory, this.end);
      this.memory[this.end++] = value;
      return;
    }
    if (this.pending.length === 0) this.pending = this.make(WINDOW);
    this.pending[this.pendingCount++] = value;
    if (this.pendingCount === WINDOW) this.writePending();
  }

  /** Removes and returns the first `n` (at most the window) numbers: a view valid until the next call. */
  take(n: number): Column {
    if (this.end - this.start < n) this.refill();
    const view = this.memory.subarray(this.start, this.start + n);
    this.start += n;
    return view;
  }

  /** Removes the spill file. */
  dispose(): void {
    if (!this.spill) return;
    closeSync(this.spill.fd);
    rmSync(this.spill.path, { force: true });
    this.spill = null;
  }

  private refill(): void {
    if (this.memory.length < WINDOW && this.available > this.end - this.start) this.memory = this.grown(this.memory, this.end, WINDOW);
    const live = this.end - this.start;
    this.memory.copyWithin(0, this.start, this.end);
    this.start = 0;
    this.end = live;
    const bytesPer = this.memory.BYTES_PER_ELEMENT;
    const fromFile = Math.min(WINDOW - this.end, this.spilledValues - this.readBackValues);
    if (fromFile > 0 && this.spill) {
      const target = new Uint8Array(this.memory.buffer, this.end * bytesPer, fromFile * bytesPer);
      for (let at = 0; at < target.length; ) {
        const read = readSync(this.spill.fd, target, at, target.length - at, this.readBackValues * bytesPer + at);
        if (read === 0) throw new Error(`The spill file of ${this.what} ended early`);
        at += read;
      }
      this.readBackValues += fromFile;
      this.end += fromFile;
    }
    if (this.spilledValues === this.readBackValues && this.pendingCount > 0) {
      const moved = Math.min(WINDOW - this.end, this.pendingCount);
      this.memory.set(this.pending.subarray(0, moved), this.end);
      this.end += moved;
      this.pending.copyWithin(0, moved, this.pendingCount);
      this.pendingCount -= moved;
    }
  }

  private writePending(): void {
    if (!this.spill) {
      const path = join(tmpdir(), `parallax-import-${process.pid}-${Math.random().toString(36).slice(2)}.${this.what}`);
      this.spill = { fd: openSync(path, 'w+'), path };
    }
    const bytes = new Uint8Array(this.pending.buffer, 0, this.pendingCount * this.pending.BYTES_PER_ELEMENT);
    for (let at = 0; at < bytes.length; ) at += writeSync(this.spill.fd, bytes, at, bytes.length - at, this.spilledValues * this.pending.BYTES_PER_ELEMENT + at);
    this.spilledValues += this.pendingCount;
    this.pendingCount = 0;
  }

  private grown(column: Column, used: number, size = Math.min(WINDOW, column.length * 2)): Column {
    const next = this.make(size);
    next.set(column.subarray(0, used));
    return next;
  }

  private make(size: number): Column {
    return this.kind === 'int32' ? new Int32Array(size) : new Float64Array(size);
  }
}
