// The trace signal's NodeTracing capture: GC, console.time/count, http, fs... events of the
// target, restarted every few seconds so they reach the store while recording.
import { messageOf } from '../../../../shared/errors';
import type { InspectorSession } from '../../inspector/connection';
import type { NewTraceEvent } from '../../store/trace-events';
import type { Capture, ProcessCaptureInput, RecordingContext } from '../capture';
import { categoryFilter, chooseTraceCategories } from './categories';
import { type AssembledEvent, TraceEventAssembler, traceEventKind } from './trace-event-kinds';
import { parseTraceEvent } from './trace-event-shape';

/**
 * NodeTracing only hands data over when its buffer holds ~65k events, or at stop
 * (research/inspector.md §5.4), so the capture stops and restarts it this often. Stop and start
 * go out back to back and the target dispatches them together with no JS in between: across
 * 10 restarts at ~40k console.count events/s (Node 20 and 22) not one main-thread event was
 * missing; the round trip, flush included, took 20-97 ms.
 */
export const TRACE_ROTATION_MS = 10_000;
/** After the last stop: the trailing metadata-only chunk ends the data; else this much quiet... */
const QUIET_AFTER_STOP_MS = 1000;
/** ...and never longer than this (the last chunk came up to ~390 ms after the stop reply). */
const MAX_WAIT_AFTER_STOP_MS = 5000;
const MAIN_THREAD_NAME = 'JavaScriptMainThread';

/** NodeTracing's commands and events are not in the connection's typed list; this is their shape. */
interface NodeTracingSession {
  send(method: string, params?: object): Promise<unknown>;
  on(event: string, listener: (params: unknown) => void): () => void;
}

export interface TraceCaptureOptions {
  categories: string[];
  rotationMs?: number;
}

export class TraceCapture implements Capture {
  private readonly tracing: NodeTracingSession;
  private readonly assembler = new TraceEventAssembler();
  private readonly wanted: (cat: string) => boolean;
  private readonly skipped = new Map<string, number>();
  private readonly unsubscribe: (() => void)[] = [];
  /** Chunks that came before the target's clock was read (a launched target's first moments). */
  private held: unknown[][] = [];
  private mainTid: number | null = null;
  private stopsSent = 0;
  private endMarks = 0;
  private lastChunkAtMs = 0;
  private rotationTimer: NodeJS.Timeout | null = null;
  private work: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly session: InspectorSession,
    private readonly context: RecordingContext,
    private readonly options: TraceCaptureOptions,
  ) {
    // InspectorConnection.send and on take any method name; only their declared types are narrower.
    this.tracing = session as unknown as NodeTracingSession;
    this.wanted = categoryFilter(options.categories);
  }

  async start(): Promise<void> {
    const offered = await this.session.send('NodeTracing.getCategories');
    this.context.note('trace.categories.available', offered.categories.join(','));
    this.unsubscribe.push(this.tracing.on('NodeTracing.dataCollected', (params) => this.onChunk(params)));
    await this.startTracing();
    this.context.note('trace.categories.recorded', this.options.categories.join(','));
    const unknown = this.options.categories.filter((c) => !offered.categories.includes(c) && !c.includes('*') && !c.startsWith('disabled-by-default-'));
    if (unknown.length) this.context.warn(`The target does not list the trace categories ${unknown.join(', ')}; they may record nothing.`);
    this.rotationTimer = setInterval(() => {
      this.work = this.work.then(() => this.rotate()).catch((error: unknown) => this.context.warn(`Trace restart failed: ${messageOf(error)}`));
    }, this.options.rotationMs ?? TRACE_ROTATION_MS);
  }

  /** Stops tracing and stores everything the target still sends. Safe once the target is exiting. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.rotationTimer) clearInterval(this.rotationTimer);
    await this.work.catch(() => undefined);
    try {
      if (!this.session.isClosed) {
        this.stopsSent++;
        await this.tracing.send('NodeTracing.stop');
        this.lastChunkAtMs = Date.now();
        await this.trailingChunks();
      }
    } finally {
      for (const off of this.unsubscribe.splice(0)) off();
      this.releaseHeld(true);
      this.store(this.assembler.drainOpen());
      this.noteSkipped();
    }
  }

  private startTracing(): Promise<unknown> {
    return this.tracing.send('NodeTracing.start', {
      traceConfig: { includedCategories: this.options.categories, recordMode: 'recordContinuously' },
    });
  }

  private async rotate(): Promise<void> {
    if (this.stopped || this.session.isClosed) return;
    this.stopsSent++;
    await Promise.all([this.tracing.send('NodeTracing.stop'), this.startTracing()]);
  }

  /**
   * The stop reply comes before the last chunks (research §5.4): wait for the metadata-only chunk
   * that closes each stop, or for quiet, within a bound.
   */
  private async trailingChunks(): Promise<void> {
    const deadline = Date.now() + MAX_WAIT_AFTER_STOP_MS;
    while (this.endMarks < this.stopsSent && !this.session.isClosed && Date.now() < deadline) {
      if (Date.now() - this.lastChunkAtMs > QUIET_AFTER_STOP_MS) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private onChunk(params: unknown): void {
    this.lastChunkAtMs = Date.now();
    const value = typeof params === 'object' && params !== null ? (params as { value?: unknown }).value : undefined;
    if (!Array.isArray(value)) {
      this.skip('a chunk that is not a list');
      return;
    }
    if (value.length > 0 && value.every((e) => isMetadata(e))) this.endMarks++;
    this.held.push(value);
    this.releaseHeld(false);
  }

  /** Maps held chunks once the clock is known (at the end: now, or never). */
  private releaseHeld(final: boolean): void {
    if (this.context.clock().measuredAtUs === 0) {
      if (!final) return;
      const n = this.held.reduce((sum, chunk) => sum + chunk.length, 0);
      if (n) this.context.warn(`${n} trace events were dropped: the target's clock could not be read.`);
      this.held = [];
      return;
    }
    const chunks = this.held;
    this.held = [];
    for (const chunk of chunks) this.ingest(chunk);
  }

  private ingest(chunk: unknown[]): void {
    this.learnMainThread(chunk);
    const ready: AssembledEvent[] = [];
    for (const raw of chunk) {
      const parsed = parseTraceEvent(raw);
      if (!parsed.ok) {
        this.skip(parsed.reason);
        continue;
      }
      const event = parsed.event;
      if (event.ph === 'M' || !this.wanted(event.cat)) continue;
      for (const assembled of this.assembler.add(event)) ready.push(assembled);
    }
    this.store(ready);
  }

  /** Metadata names the main thread (its tid is the pid on Linux, but not everywhere). */
  private learnMainThread(chunk: unknown[]): void {
    if (this.mainTid !== null) return;
    for (const raw of chunk) {
      if (!isMetadata(raw)) continue;
      const e = raw as { name?: unknown; tid?: unknown; args?: { name?: unknown } };
      if (e.name === 'thread_name' && e.args?.name === MAIN_THREAD_NAME && typeof e.tid === 'number') this.mainTid = e.tid;
    }
  }

  private store(events: AssembledEvent[]): void {
    if (events.length === 0) return;
    const { offsetUs } = this.context.clock();
    const rows: NewTraceEvent[] = [];
    const mainTid = this.mainTid ?? this.context.target.pid;
    let gc = 0;
    for (const e of events) {
      const kind = traceEventKind(e.cat, e.name);
      if (kind === 'gc') gc++;
      // Worker and V8 platform threads have OS thread ids the trace cannot tie to a worker:
      // they are stored on the main thread with their OS id kept in args.
      const main = mainTid === null || e.tid === mainTid;
      rows.push({
        threadId: 0,
        timeUs: e.tsUs + offsetUs,
        durationUs: e.durationUs,
        ph: e.ph,
        cat: e.cat,
        name: e.name,
        kind,
        args: main ? e.args : { ...e.args, osThreadId: e.tid },
      });
    }
    const { store, sessionId, writer } = this.context;
    writer.enqueue(() => {
      for (const row of rows) store.traceEvents.insert(sessionId, row);
    }, { kind: 'traceEvents', n: rows.length });
    // Counted apart: GC events are a share of the trace events, shown on their own.
    writer.counts.gcEvents += gc;
  }

  private skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }

  private noteSkipped(): void {
    const parts = [...this.skipped].map(([reason, n]) => `${n} (${reason})`);
    if (this.assembler.unmatchedEnds) parts.push(`${this.assembler.unmatchedEnds} end halves kept without their begin`);
    if (parts.length) this.context.note('trace.skipped', parts.join(', '));
  }
}

function isMetadata(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { ph?: unknown }).ph === 'M';
}

/** Starts NodeTracing when the recording asks for the trace signal; before a launched target runs. */
export async function startTraceCapture({ context, main }: ProcessCaptureInput): Promise<Capture | null> {
  if (!context.signals.has('trace')) return null;
  const { categories, warnings } = chooseTraceCategories(context.request.traceCategories);
  for (const warning of warnings) context.warn(warning);
  const capture = new TraceCapture(main, context, { categories });
  try {
    await capture.start();
  } catch (error) {
    await capture.stop().catch(() => undefined);
    context.warn(`Trace events are not available from this target: ${messageOf(error)}`);
    return null;
  }
  return capture;
}
