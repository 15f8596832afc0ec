// Which span a CPU sample belongs to, by the engine's rule (analysis/span-samples.ts): a sample
// taken on the span's thread (a span without a thread is the main thread's) inside its time range,
// ends included. Where spans overlap, the innermost (latest started) one gets the sample.
import type { Redactor } from '../../bundle/redaction';
import type { Store } from '../../store/store';
import { type ExportSpan, spanRows } from './session-rows';

export type SpanRef = Pick<ExportSpan, 'traceId' | 'spanId' | 'name' | 'startUs' | 'endUs'>;

/** Spans of each thread, by start time (names redacted when a redactor is given). */
export function spansByThread(store: Store, sessionId: string, redactor: Redactor | null = null): Map<number, SpanRef[]> {
  const byThread = new Map<number, SpanRef[]>();
  for (const span of spanRows(store, sessionId, undefined, redactor)) {
    const thread = span.threadId ?? 0;
    let list = byThread.get(thread);
    if (!list) byThread.set(thread, (list = []));
    list.push({ traceId: span.traceId, spanId: span.spanId, name: span.name, startUs: span.startUs, endUs: span.endUs });
  }
  return byThread;
}

/** Walks one thread's samples in time order and answers the span of each. */
export class SpanSweep {
  private next = 0;
  private active: SpanRef[] = [];
  private lastUs = -Infinity;

  constructor(private readonly spans: readonly SpanRef[]) {}

  /** The innermost span containing `timeUs`, or null. Fastest when called with rising times. */
  at(timeUs: number): SpanRef | null {
    if (this.spans.length === 0) return null;
    if (timeUs < this.lastUs) {
      this.next = 0;
      this.active = [];
    }
    this.lastUs = timeUs;
    while (this.next < this.spans.length && this.spans[this.next]!.startUs <= timeUs) this.active.push(this.spans[this.next++]!);
    if (this.active.some((s) => s.endUs < timeUs)) this.active = this.active.filter((s) => s.endUs >= timeUs);
    return this.active.length > 0 ? this.active[this.active.length - 1]! : null;
  }
}
