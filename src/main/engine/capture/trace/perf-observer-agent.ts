// performance.mark/measure (and GC entries when NodeTracing records no GC) from a small agent
// injected in the target: NodeTracing emits no events for them (research/inspector.md §5.2, §9).
import type Protocol from 'devtools-protocol';
import { messageOf } from '../../../../shared/errors';
import type { InspectorSession } from '../../inspector/connection';
import type { Capture, ProcessCaptureInput, RecordingContext } from '../capture';
import { chooseTraceCategories } from './categories';
import { parsePerfBatch } from './perf-entries';

/** Runtime.addBinding's function in the target; it works without Runtime.enable (~5 µs a call). */
export const PERF_BINDING = '__parallaxPerfReport';

// Idempotent (a second install finds globalThis.__parallaxPerf), holds nothing of the app's, and
// uninstall() hands over what is pending and leaves the target as it was. It reports in batches
// every 100 ms on an unref'd timer so it never keeps a target alive; `buffered` also hands over
// marks made before it was installed (a launched target's first moments), filtered by sinceMs.
function agentSource(observeGc: boolean, sinceEpochMs: number): string {
  return `((bindingName, observeGc, sinceMs) => {
  if (globalThis.__parallaxPerf) return 'present';
  const MAX_PENDING = 10000;
  const origin = performance.timeOrigin;
  let pending = [];
  let dropped = 0;
  let timer = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0 && dropped === 0) return;
    const batch = JSON.stringify({ entries: pending, dropped });
    pending = [];
    dropped = 0;
    const send = globalThis[bindingName];
    if (typeof send === 'function') { try { send(batch); } catch {} }
  };
  const detailOf = (detail) => {
    if (detail === undefined || detail === null) return undefined;
    try { const text = JSON.stringify(detail); return text !== undefined && text.length <= 1024 ? text : undefined; } catch { return undefined; }
  };
  const take = (entries) => {
    for (const e of entries) {
      const startMs = origin + e.startTime;
      if (startMs < sinceMs) continue;
      if (pending.length >= MAX_PENDING) { dropped++; continue; }
      const entry = { type: e.entryType, name: String(e.name).slice(0, 1000), startMs, durationMs: e.duration };
      if (e.entryType === 'gc') entry.gcKind = e.detail ? e.detail.kind : e.kind;
      else { const detail = detailOf(e.detail); if (detail !== undefined) entry.detail = detail; }
      pending.push(entry);
    }
    if (timer === null && pending.length > 0) { timer = setTimeout(flush, 100); timer.unref(); }
  };
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ type: 'mark', buffered: true });
  observer.observe({ type: 'measure', buffered: true });
  if (observeGc) observer.observe({ type: 'gc' });
  globalThis.__parallaxPerf = {
    uninstall() {
      take(observer.takeRecords());
      observer.disconnect();
      flush();
      delete globalThis.__parallaxPerf;
    },
  };
  return 'installed';
})(${JSON.stringify(PERF_BINDING)}, ${observeGc}, ${sinceEpochMs})`;
}

const UNINSTALL = `globalThis.__parallaxPerf ? (globalThis.__parallaxPerf.uninstall(), 'removed') : 'absent'`;

export class PerfObserverCapture implements Capture {
  private unsubscribe: (() => void) | null = null;
  private droppedInTarget = 0;
  private readonly skipped = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly session: InspectorSession,
    private readonly context: RecordingContext,
    private readonly options: { observeGc: boolean; sinceEpochMs: number; threadId?: number },
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = this.session.on('Runtime.bindingCalled', (event) => this.onBinding(event));
    await this.session.send('Runtime.addBinding', { name: PERF_BINDING });
    await this.session.evaluate<string>(agentSource(this.options.observeGc, this.options.sinceEpochMs));
  }

  /** Collects what the agent holds, removes it and the binding. Safe once the target is exiting. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      if (!this.session.isClosed) {
        // The agent's last batch is a bindingCalled event sent before this evaluation's reply.
        await this.session.evaluate<string>(UNINSTALL);
        await this.session.send('Runtime.removeBinding', { name: PERF_BINDING });
      }
    } finally {
      this.unsubscribe?.();
      const parts = [...this.skipped].map(([reason, n]) => `${n} (${reason})`);
      if (this.droppedInTarget) parts.push(`${this.droppedInTarget} dropped in the target (more than 10k between reports)`);
      if (parts.length) this.context.note('trace.perf.skipped', parts.join(', '));
    }
  }

  private onBinding(event: Protocol.Runtime.BindingCalledEvent): void {
    if (event.name !== PERF_BINDING) return;
    const batch = parsePerfBatch(event.payload, this.options.threadId ?? 0);
    if (!batch) {
      this.skipped.set('unreadable report', (this.skipped.get('unreadable report') ?? 0) + 1);
      return;
    }
    this.droppedInTarget += batch.droppedInTarget;
    for (const [reason, n] of batch.skipped) this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + n);
    const events = batch.events;
    if (events.length === 0) return;
    const gc = events.filter((e) => e.kind === 'gc').length;
    const { store, sessionId, writer } = this.context;
    writer.enqueue(() => {
      for (const row of events) store.traceEvents.insert(sessionId, row);
    }, { kind: 'traceEvents', n: events.length });
    writer.counts.gcEvents += gc;
  }
}

/**
 * Installs the agent once the target runs (it evaluates). GC entries are asked of it only when
 * the recorded categories cannot give GC events (no v8 category).
 */
export async function startPerfObserverCapture({ context, main, launched }: ProcessCaptureInput): Promise<Capture | null> {
  if (!context.signals.has('trace')) return null;
  const { categories } = chooseTraceCategories(context.request.traceCategories);
  const observeGc = !categories.some((c) => c === 'v8' || c.startsWith('disabled-by-default-v8') || c === '*');
  // A launched target's marks all belong to the recording; an attached one's older marks do not.
  const sinceEpochMs = launched ? 0 : context.clock().measuredAtUs / 1000;
  const capture = new PerfObserverCapture(main, context, { observeGc, sinceEpochMs });
  try {
    await capture.start();
  } catch (error) {
    await capture.stop().catch(() => undefined);
    context.warn(`performance marks and measures are not available from this target: ${messageOf(error)}`);
    return null;
  }
  return capture;
}
