// Streams one recording into the store: queues rows and writes them in one transaction every
// 250 ms, so a crash loses at most that much and nothing waits for the end of the recording.
import { EMPTY_COUNTS, type SessionCounts } from '../../../shared/domain';
import type { SampleChunk } from './cpu-samples';
import { StackInterner } from './cpu-samples';
import type { NewLog } from './logs';
import type { MetricPoint } from './metrics';
import type { Store } from './store';

export const FLUSH_INTERVAL_MS = 250;

export class SessionWriter {
  readonly interner = new StackInterner();
  readonly counts: SessionCounts = { ...EMPTY_COUNTS };
  private deferred: (() => void)[] = [];
  private logs: NewLog[] = [];
  private points: MetricPoint[] = [];
  private chunks: SampleChunk[] = [];
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly store: Store,
    readonly sessionId: string,
    private readonly onError: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => this.flushSafely(), FLUSH_INTERVAL_MS);
  }

  addLog(log: NewLog): void {
    this.logs.push(log);
    this.counts.logs++;
  }

  addMetric(point: MetricPoint): void {
    this.points.push(point);
    this.counts.metricPoints++;
  }

  /**
   * Queues any other write (spans, trace events, heap data...) for the next batch; `counted`
   * adds to the progress counts. `write` runs inside the batch's transaction.
   */
  enqueue(write: () => void, counted?: { kind: keyof SessionCounts; n: number }): void {
    this.deferred.push(write);
    if (counted) this.counts[counted.kind] += counted.n;
  }

  /** Samples must use stack ids from this writer's interner. */
  addSamples(chunk: SampleChunk): void {
    this.chunks.push(chunk);
    this.counts.cpuSamples += chunk.timesUs.length;
  }

  flush(): void {
    const logs = this.logs;
    const points = this.points;
    const chunks = this.chunks;
    const deferred = this.deferred;
    const hasNewStacks = this.interner.newStacks.length > 0 || this.interner.newFunctions.length > 0;
    if (!logs.length && !points.length && !chunks.length && !deferred.length && !hasNewStacks) return;
    this.logs = [];
    this.points = [];
    this.chunks = [];
    this.deferred = [];
    const id = this.sessionId;
    this.store.transaction(() => {
      this.store.cpu.write(id, this.interner, null);
      for (const chunk of chunks) this.store.cpu.write(id, this.interner, chunk);
      for (const log of logs) this.store.logs.insert(id, log);
      for (const point of points) this.store.metrics.insert(id, point);
      for (const write of deferred) write();
    });
  }

  /** Writes what is queued and stops the timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.flush();
  }

  private flushSafely(): void {
    try {
      this.flush();
    } catch (error) {
      this.onError(error);
    }
  }
}
