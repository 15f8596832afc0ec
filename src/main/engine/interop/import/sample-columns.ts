// Growable number columns for profile arrays read one number at a time (samples, timeDeltas),
// from which the front is taken as soon as both columns have it, so memory holds only the lag.
import { formatCount, refuse } from './refusal';

export const MAX_SAMPLES = 500_000_000;

export class NumberColumn {
  private data = new Float64Array(1024);
  private start = 0;
  private end = 0;
  /** Numbers pushed in all. */
  total = 0;

  constructor(private readonly what: string) {}

  get available(): number {
    return this.end - this.start;
  }

  push(value: number): void {
    if (this.end === this.data.length) this.grow();
    this.data[this.end++] = value;
    if (++this.total > MAX_SAMPLES) refuse(`its ${this.what} holds more than ${formatCount(MAX_SAMPLES)} values`);
  }

  /** Removes and returns the first `n` numbers (a view valid until the next push). */
  take(n: number): Float64Array {
    const view = this.data.subarray(this.start, this.start + n);
    this.start += n;
    return view;
  }

  private grow(): void {
    const live = this.end - this.start;
    // Reuse the space already taken from the front before growing.
    const size = live * 2 <= this.data.length ? this.data.length : this.data.length * 2;
    const next = size === this.data.length ? this.data : new Float64Array(size);
    next.set(this.data.subarray(this.start, this.end), 0);
    this.data = next;
    this.start = 0;
    this.end = live;
  }
}
