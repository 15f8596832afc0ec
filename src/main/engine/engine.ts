// The engine: implements the Api contract over the store, the inspector and the recorder.
import { rmSync } from 'node:fs';
import type { Api, ApiEvents, LogQuery, Scope, SpanQuery, TraceEventQuery } from '../../shared/api';
import type {
  AllocationTree,
  FlameTree,
  FunctionKey,
  FunctionSpan,
  HeapSnapshotInfo,
  SnapshotClass,
  SnapshotClassDiff,
  SpanRecord,
  ThreadInfo,
  ThreadSummary,
  TraceEventRecord,
  LogPage,
  MetricSeries,
  NodeProcessInfo,
  RecordRequest,
  SessionInfo,
  SessionSummary,
  TimeRange,
} from '../../shared/domain';
import { ParallaxError } from '../../shared/errors';
import { type SampleWindow, allocationTreeForWindow, cpuSummariesForWindow, flameTreeForWindow } from './analysis/cpu-profile';
import { functionSpans } from './analysis/function-spans';
import { SourceMapCache, sourceMappedFlameTree, sourceMappedLogs, sourceMappedTimings } from './analysis/source-mapped';
import { countSamplesInSpans } from './analysis/span-samples';
import { TimelineQueries } from './analysis/timeline';
import { snapshotFolder } from './capture/heap';
import { type ExportFileOptions, exportSessionFile } from './export-file';
import { exportAsOneFile } from './export-one-file';
import type { WrittenFile } from './interop/export';
import { importSessionFile } from './import-file';
import { listNodeProcesses } from './inspector/processes';
import { Recording, type RecordingHooks } from './recorder';
import { defaultStorePath } from './store/location';
import { Store } from './store/store';
import { TypedEmitter } from './typed-emitter';
import type { TimelineAnswer, TimelineQuery } from '../../shared/timeline';

export interface EngineOptions {
  /** SQLite file; defaults to the per-user store (defaultStorePath). */
  storePath?: string;
  /** Output of launched targets; the window ignores it, the CLI forwards it to stderr. */
  onTargetOutput?: RecordingHooks['onTargetOutput'];
}

const TOP_FUNCTIONS = 20;
const FUNCTION_SPANS = 20;

export class Engine implements Api {
  readonly events = new TypedEmitter<ApiEvents>();
  private readonly recordings = new Map<string, Recording>();
  private readonly timeline: TimelineQueries;
  private readonly sourceMaps = new SourceMapCache();

  private constructor(
    readonly store: Store,
    private readonly options: EngineOptions,
  ) {
    this.timeline = new TimelineQueries(store);
  }

  /** Opens the store and marks recordings left open by a crashed recorder as interrupted. */
  static open(options: EngineOptions = {}): Engine {
    const store = Store.open(options.storePath ?? defaultStorePath());
    store.sessions.markOrphansInterrupted(isProcessAlive);
    return new Engine(store, options);
  }

  async listProcesses(): Promise<NodeProcessInfo[]> {
    return listNodeProcesses();
  }

  async listSessions(): Promise<SessionInfo[]> {
    return this.store.sessions.list();
  }

  async getSummary(sessionId: string, range?: TimeRange, scope?: Scope): Promise<SessionSummary> {
    const session = this.store.sessions.get(sessionId);
    const window = this.windowOf(session.id, range, scope);
    const r = window.range;
    const maps = this.sourceMaps.get(this.store, session.id);
    const listed = this.store.threads.list(session.id).filter((thread) => scope?.threadId === undefined || thread.id === scope.threadId);
    // One pass over the window's samples answers for every thread and for all of them.
    const cpu = cpuSummariesForWindow(this.store, session.id, session.intervalUs, TOP_FUNCTIONS, window, listed.map((t) => t.id));
    const threads: ThreadSummary[] = listed.map((thread) => {
      const summary = cpu.threads.get(thread.id) ?? { sampleCount: 0, topFunctions: [] };
      return { ...thread, cpuSamples: summary.sampleCount, topFunctions: sourceMappedTimings(summary.topFunctions, maps) };
    });
    const overall = cpu.overall;
    return {
      ...session,
      counts: {
        cpuSamples: overall.sampleCount,
        logs: this.store.logs.count(session.id, r),
        metricPoints: this.store.metrics.count(session.id, r),
        heapSamples: this.store.heap.sampleCount(session.id, r),
        traceEvents: this.store.traceEvents.count(session.id, r),
        gcEvents: this.store.traceEvents.count(session.id, r, 'gc'),
        spans: this.store.spans.count(session.id, r),
      },
      topFunctions: sourceMappedTimings(overall.topFunctions, maps),
      threads,
    };
  }

  async getFlameTree(sessionId: string, range?: TimeRange, scope?: Scope): Promise<FlameTree> {
    const session = this.store.sessions.get(sessionId);
    const tree = flameTreeForWindow(this.store, session.id, session.intervalUs, this.windowOf(session.id, range, scope));
    return sourceMappedFlameTree(tree, this.sourceMaps.get(this.store, session.id));
  }

  async getAllocationTree(sessionId: string, range?: TimeRange, scope?: Scope): Promise<AllocationTree> {
    const session = this.store.sessions.get(sessionId);
    return allocationTreeForWindow(this.store, session.id, this.windowOf(session.id, range, scope));
  }

  async listThreads(sessionId: string): Promise<ThreadInfo[]> {
    return this.store.threads.list(this.store.sessions.get(sessionId).id);
  }

  async listHeapSnapshots(sessionId: string): Promise<HeapSnapshotInfo[]> {
    const session = this.store.sessions.get(sessionId);
    return this.store.heap.snapshots(session.id).map(({ file: _file, ...info }) => info);
  }

  async takeHeapSnapshot(sessionId: string, threadId = 0): Promise<HeapSnapshotInfo> {
    const session = this.store.sessions.get(sessionId);
    const recording = this.recordings.get(session.id);
    if (!recording) throw new ParallaxError('bad-request', 'A heap snapshot needs a running recording of the target');
    return recording.command('takeHeapSnapshot', threadId);
  }

  async getSnapshotClasses(snapshotId: number): Promise<SnapshotClass[]> {
    if (!this.store.heap.snapshotSession(snapshotId)) throw new ParallaxError('not-found', `No heap snapshot ${snapshotId}`);
    return this.store.heap.snapshotClasses(snapshotId);
  }

  async diffSnapshots(beforeSnapshotId: number, afterSnapshotId: number): Promise<SnapshotClassDiff[]> {
    for (const id of [beforeSnapshotId, afterSnapshotId]) {
      if (!this.store.heap.snapshotSession(id)) throw new ParallaxError('not-found', `No heap snapshot ${id}`);
    }
    return this.store.heap.diffSnapshots(beforeSnapshotId, afterSnapshotId);
  }

  async getTraceEvents(sessionId: string, query: TraceEventQuery): Promise<TraceEventRecord[]> {
    const session = this.store.sessions.get(sessionId);
    checkRange(query.range);
    return this.store.traceEvents.list(session.id, query);
  }

  async getSpans(sessionId: string, query: SpanQuery): Promise<SpanRecord[]> {
    const session = this.store.sessions.get(sessionId);
    checkRange(query.range);
    return countSamplesInSpans(this.store, session.id, this.store.spans.list(session.id, query));
  }

  async getFunctionSpans(sessionId: string, fn: FunctionKey, range?: TimeRange): Promise<FunctionSpan[]> {
    const session = this.store.sessions.get(sessionId);
    checkRange(range);
    return functionSpans(this.store, session.id, fn, range, FUNCTION_SPANS);
  }

  async getTimeline(sessionId: string, query: TimelineQuery): Promise<TimelineAnswer> {
    const session = this.store.sessions.get(sessionId);
    return this.timeline.answer(session, query);
  }

  /** A range and thread for a question; a span scope narrows both to the span. */
  private windowOf(sessionId: string, range: TimeRange | undefined, scope: Scope | undefined): SampleWindow {
    checkRange(range);
    const window: SampleWindow = { range, threadId: scope?.threadId };
    if (scope?.spanId) {
      const [span] = this.store.spans.list(sessionId, { spanId: scope.spanId, limit: 1 });
      if (!span) throw new ParallaxError('not-found', `No span ${scope.spanId} in this session`);
      const from = Math.max(span.startUs, range?.fromUs ?? -Infinity);
      const to = Math.min(span.endUs, range?.toUs ?? Infinity);
      window.range = { fromUs: from, toUs: Math.max(from, to) };
      if (span.thread !== null) window.threadId ??= span.thread;
    }
    return window;
  }

  async getMetrics(sessionId: string): Promise<MetricSeries[]> {
    const session = this.store.sessions.get(sessionId);
    return this.store.metrics.series(session.id);
  }

  async getLogs(sessionId: string, query: LogQuery): Promise<LogPage> {
    const session = this.store.sessions.get(sessionId);
    checkRange(query.range);
    return sourceMappedLogs(this.store.logs.page(session.id, query), this.sourceMaps.get(this.store, session.id));
  }

  async startRecording(request: RecordRequest): Promise<{ sessionId: string }> {
    const recording = await Recording.start(this.store, request, {
      onProgress: (progress) => this.events.emit('recording', progress),
      onTargetOutput: this.options.onTargetOutput,
    });
    this.recordings.set(recording.sessionId, recording);
    void recording.done.then(() => {
      this.recordings.delete(recording.sessionId);
      this.events.emit('sessionsChanged', {});
      // After the stop is answered. Deleted or closed meanwhile: the digests are a shortcut, the
      // first question derives them.
      setImmediate(() => {
        if (!this.store.db.open) return;
        try {
          this.keepDigests(recording.sessionId);
        } catch {
          // Nothing lost.
        }
      });
    });
    this.events.emit('sessionsChanged', {});
    return { sessionId: recording.sessionId };
  }

  /** Resolves when the recording has ended and everything is stored. */
  async stopRecording(sessionId: string): Promise<SessionInfo> {
    const session = this.store.sessions.get(sessionId);
    const recording = this.recordings.get(session.id);
    if (!recording) return session;
    return recording.stop('completed');
  }

  /** The ended-session record of a recording this engine runs, once it ends by itself or is stopped. */
  whenRecordingEnds(sessionId: string): Promise<SessionInfo> {
    const recording = this.recordings.get(sessionId);
    if (!recording) return Promise.resolve(this.store.sessions.get(sessionId));
    return recording.done;
  }

  async deleteSession(sessionId: string): Promise<void> {
    const session = this.store.sessions.get(sessionId);
    if (this.recordings.has(session.id)) {
      throw new ParallaxError('bad-request', 'Stop the recording before deleting its session');
    }
    this.store.sessions.delete(session.id);
    this.store.metrics.forget(session.id);
    this.timeline.forget(session.id);
    this.store.cpu.cache.forget(session.id);
    this.store.logs.forget(session.id);
    this.store.traceEvents.forget(session.id);
    // Heap snapshot files live beside the store, outside the database.
    rmSync(snapshotFolder(this.store.path, session.id), { recursive: true, force: true });
    this.events.emit('sessionsChanged', {});
  }

  /** Writes a session to `outPath` as `format` (see EXPORT_FORMATS); a running recording is refused. */
  async exportSession(sessionId: string, format: string, outPath: string, options: ExportFileOptions = {}): Promise<WrittenFile[]> {
    const session = this.store.sessions.get(sessionId);
    if (this.recordings.has(session.id)) throw new ParallaxError('bad-request', 'Stop the recording before exporting its session');
    return exportSessionFile(this.store, session.id, format, outPath, options);
  }

  /** Saves a session as one file, the folder formats zipped: what the window saves. */
  async exportSessionAsOneFile(sessionId: string, format: string, outFile: string, options: ExportFileOptions = {}): Promise<WrittenFile[]> {
    return exportAsOneFile((name, outPath) => this.exportSession(sessionId, name, outPath, options), format, outFile);
  }

  /** Imports a file (a bundle, or any format import-file knows) as a new session. */
  async importFile(path: string): Promise<{ sessionId: string }> {
    const { sessionId } = await importSessionFile(this.store, path);
    this.keepDigests(sessionId);
    this.events.emit('sessionsChanged', {});
    return { sessionId };
  }

  /** Derives what questions about an ended session read (see TimelineQueries.keepDigests) once, now. */
  keepDigests(sessionId: string): void {
    const session = this.store.sessions.get(sessionId);
    this.timeline.keepDigests(session);
    // Answering the whole session's summary keeps its CPU part (see cpuSummariesForWindow).
    if (session.status !== 'recording') void this.getSummary(sessionId).catch(() => undefined);
  }

  /** Stops every recording (saving what it has) and closes the store. */
  async close(): Promise<void> {
    await Promise.all([...this.recordings.values()].map((r) => r.stop('completed')));
    this.store.close();
  }
}

function checkRange(range: TimeRange | undefined): void {
  if (range && !(range.toUs >= range.fromUs)) {
    throw new ParallaxError('bad-request', 'The time range ends before it starts');
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
