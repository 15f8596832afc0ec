// The order the host starts requests in. The engine answers a question in one synchronous stretch,
// so requests that arrived together (a window asking for everything one selection needs) are
// started quick ones first: a timeline that reads for a second does not hold up the flame graph
// and the counts that arrived beside it. A request that changes something (recording, deleting)
// keeps its place: what arrived before it starts before it, what arrived after it starts after.

/** How long a read usually takes, relative to the others: higher starts later among those waiting. */
const READ_WEIGHT: Record<string, number> = {
  listProcesses: 0,
  listSessions: 0,
  listThreads: 0,
  listHeapSnapshots: 0,
  getMetrics: 0,
  getLogs: 0,
  getTraceEvents: 0,
  getSpans: 0,
  getSnapshotClasses: 0,
  diffSnapshots: 0,
  getSummary: 1,
  getAllocationTree: 1,
  getFlameTree: 1,
  getFunctionSpans: 1,
  getTimeline: 2,
};

/** A read's weight, or null for a request that changes something (or is not a known read). */
export function readWeight(method: unknown): number | null {
  return typeof method === 'string' && Object.hasOwn(READ_WEIGHT, method) ? READ_WEIGHT[method]! : null;
}

/**
 * Requests waiting to start. Each start runs on its own turn of the event loop (setImmediate), so
 * requests that arrive while one is answered are queued before the next is chosen.
 */
export class RequestQueue<T extends { method: unknown }> {
  private readonly waiting: T[] = [];
  private scheduled = false;
  private closed = false;

  constructor(private readonly start: (request: T) => void) {}

  push(request: T): void {
    if (this.closed) return;
    this.waiting.push(request);
    this.schedule();
  }

  /** Drops what waits; nothing more starts. */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
  }

  /** Takes the next request to start: the lightest read ahead of the first change, else that change. */
  take(): T | undefined {
    let best = -1;
    let bestWeight = Infinity;
    for (let i = 0; i < this.waiting.length; i++) {
      const weight = readWeight(this.waiting[i]!.method);
      if (weight === null) {
        if (best < 0) best = i;
        break;
      }
      if (weight < bestWeight) {
        best = i;
        bestWeight = weight;
      }
    }
    return best < 0 ? undefined : this.waiting.splice(best, 1)[0];
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const next = this.closed ? undefined : this.take();
      if (next) this.start(next);
      if (this.waiting.length > 0) this.schedule();
    });
  }
}
