// Streams one recording into the store: queues rows and writes them in one transaction every
// 250 ms, so a crash loses at most that much and nothing waits for the end of the recording.
import { EMPTY_COUNTS, type SessionCounts } from '../../../shared/domain';
import type { SampleChunk } from './cpu-samples';
import { StackInterner } from './cpu-samples';
import type { NewLog } from './logs';
import type { MetricPoint } from './metrics';
import type { Store } from './store';

export const FLUSH_INTERVAL_MS = 250;
const CONSOLE_LINES_KEPT = 10_000;

export class SessionWriter {
  readonly interner = new StackInterner();
  readonly counts: SessionCounts = { ...EMPTY_COUNTS };
  private deferred: (() => void)[] = [];
  /** Recent console lines (each line of a console record), kept only while stdout is captured. */
  private consoleLines: Map<string, number[]> | null = null;
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
    if (this.consoleLines && log.source === 'console') this.rememberConsoleLines(this.consoleLines, log.text, log.timeUs);
  }

  /** Starts remembering console lines, so takeConsoleEcho can recognise them on stdout. */
  trackConsoleEchoes(): void {
    this.consoleLines ??= new Map();
  }

  /**
   * True when a console record printed this line within windowUs of timeUs: a launched target's
   * console.log reaches both the console API and stdout, and is kept once. Forgets the match.
   */
  takeConsoleEcho(line: string, timeUs: number, windowUs: number): boolean {
    const times = this.consoleLines?.get(line);
    const i = times?.findIndex((t) => Math.abs(t - timeUs) <= windowUs) ?? -1;
    if (!times || i < 0) return false;
    times.splice(i, 1);
    if (times.length === 0) this.consoleLines!.delete(line);
    return true;
  }

  private rememberConsoleLines(lines: Map<string, number[]>, text: string, timeUs: number): void {
    // Bounded: the oldest lines go first (a Map iterates in insertion order).
    while (lines.size > CONSOLE_LINES_KEPT) lines.delete(lines.keys().next().value!);
    for (const line of text.split('\n')) {
      const times = lines.get(line);
      if (times) times.push(timeUs);
      else lines.set(line, [timeUs]);
    }
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
