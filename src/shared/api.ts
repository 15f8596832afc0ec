// The one contract between the engine and every face (CLI, Electron IPC, web host).
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
  TraceEventKind,
  TraceEventRecord,
  LogPage,
  MetricSeries,
  NodeProcessInfo,
  RecordRequest,
  RecordingProgress,
  SessionInfo,
  SessionSummary,
  TimeRange,
} from './domain';
import type { TimelineAnswer, TimelineQuery } from './timeline';

/** Narrows a query to one thread, or to one span's time range on its thread. */
export interface Scope {
  threadId?: number;
  spanId?: string;
}

export interface Api {
  listProcesses(): Promise<NodeProcessInfo[]>;
  listSessions(): Promise<SessionInfo[]>;
  /** Accepts a full id or an unambiguous prefix of one. */
  getSummary(sessionId: string, range?: TimeRange, scope?: Scope): Promise<SessionSummary>;
  getFlameTree(sessionId: string, range?: TimeRange, scope?: Scope): Promise<FlameTree>;
  getMetrics(sessionId: string): Promise<MetricSeries[]>;
  getLogs(sessionId: string, query: LogQuery): Promise<LogPage>;
  listThreads(sessionId: string): Promise<ThreadInfo[]>;
  /** Bytes allocated per call stack, from sampling heap profiles. */
  getAllocationTree(sessionId: string, range?: TimeRange, scope?: Scope): Promise<AllocationTree>;
  listHeapSnapshots(sessionId: string): Promise<HeapSnapshotInfo[]>;
  /** Takes a heap snapshot of a thread of a running recording; the target freezes meanwhile. */
  takeHeapSnapshot(sessionId: string, threadId?: number): Promise<HeapSnapshotInfo>;
  getSnapshotClasses(snapshotId: number): Promise<SnapshotClass[]>;
  diffSnapshots(beforeSnapshotId: number, afterSnapshotId: number): Promise<SnapshotClassDiff[]>;
  getTraceEvents(sessionId: string, query: TraceEventQuery): Promise<TraceEventRecord[]>;
  getSpans(sessionId: string, query: SpanQuery): Promise<SpanRecord[]>;
  /** The spans in which a function was on the CPU stack most often (inside range), heaviest first. */
  getFunctionSpans(sessionId: string, fn: FunctionKey, range?: TimeRange): Promise<FunctionSpan[]>;
  /** Every track of the timeline for one window, sized by its pixel width rather than by records. */
  getTimeline(sessionId: string, query: TimelineQuery): Promise<TimelineAnswer>;
  /** Attaches and starts recording; resolves with the new session's id once samples flow. */
  startRecording(request: RecordRequest): Promise<{ sessionId: string }>;
  stopRecording(sessionId: string): Promise<SessionInfo>;
  deleteSession(sessionId: string): Promise<void>;
}

export interface LogQuery {
  offset: number;
  limit: number;
  /** Case-insensitive substring of the text. */
  text?: string;
  range?: TimeRange;
  threadId?: number;
  spanId?: string;
  traceId?: string;
}

export interface TraceEventQuery {
  range?: TimeRange;
  kinds?: TraceEventKind[];
  threadId?: number;
  limit?: number;
}

export interface SpanQuery {
  range?: TimeRange;
  traceId?: string;
  limit?: number;
}

/** Events the engine pushes to every face. */
export interface ApiEvents {
  recording: RecordingProgress;
  sessionsChanged: Record<string, never>;
}

export type ApiMethod = keyof Api;
export type ApiEventName = keyof ApiEvents;

/**
 * Formats a session can be saved as from the window, each as one file (folder formats zipped).
 * `redacts`: the format carries text that may hold secrets (logs, attributes, the command line).
 */
export const WINDOW_EXPORT_FORMATS = {
  bundle: { label: 'Parallax bundle (.parallax)', hint: 'Every signal, to open in Parallax', extension: '.parallax', redacts: true },
  'chrome-trace': { label: 'Chrome trace (.json)', hint: 'Samples, events, spans, logs, metrics: Perfetto, DevTools', extension: '.json', redacts: true },
  cpuprofile: { label: 'CPU profiles (.zip)', hint: 'A .cpuprofile per thread: DevTools, VS Code, speedscope', extension: '.zip', redacts: false },
  pprof: { label: 'pprof (.zip)', hint: 'CPU and heap, with span labels: Pyroscope, go tool pprof', extension: '.zip', redacts: true },
  'otlp-json': { label: 'OTLP JSON (.zip)', hint: 'Spans, logs and metrics: OpenTelemetry backends', extension: '.zip', redacts: true },
} as const;

export type ExportFormat = keyof typeof WINDOW_EXPORT_FORMATS;

export function isWindowExportFormat(name: string): name is ExportFormat {
  return Object.hasOwn(WINDOW_EXPORT_FORMATS, name);
}

export interface ExportRequest {
  format: ExportFormat;
  /** Redact secrets (environment, auth headers, tokens); on unless the person opts out. */
  redact: boolean;
}

/** A file the person picked or dropped on the window (a DOM File fits). */
export type PickedFile = Blob & { readonly name: string };

/**
 * Moving sessions in and out as files. Each face does it its own way (the desktop shell with
 * native dialogs, the web host over token-checked HTTP), so the renderer never sees a path.
 */
export interface SessionFiles {
  /** Saves a session as a file: a save dialog on the desktop, a download in a browser. False when cancelled. */
  exportSession(sessionId: string, request: ExportRequest): Promise<boolean>;
  /** Opens a picked or dropped file as a new session; resolves with its id. */
  importSessionFile(file: PickedFile): Promise<{ sessionId: string }>;
}

/** What a face hands to the renderer: the Api, session files, and a way to hear pushed events. */
export interface ApiClient extends Api, SessionFiles {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

// Wire envelope used by the WebSocket host (IPC uses Electron's own invoke/send framing). A result
// holding typed arrays (getTimeline's) is sent as a binary frame instead (binary-frame.ts).
export type WireRequest = { id: number; method: ApiMethod; params: unknown[] };
export type WireResponse =
  | { id: number; result: unknown }
  | { id: number; error: { message: string; code: string } };
export type WireEvent = { event: ApiEventName; payload: unknown };

// Every method name once; a Record keyed by the contract fails to compile when Api grows.
const apiMethodSet: Record<ApiMethod, true> = {
  listProcesses: true,
  listSessions: true,
  getSummary: true,
  getFlameTree: true,
  getMetrics: true,
  getLogs: true,
  listThreads: true,
  getAllocationTree: true,
  listHeapSnapshots: true,
  takeHeapSnapshot: true,
  getSnapshotClasses: true,
  diffSnapshots: true,
  getTraceEvents: true,
  getSpans: true,
  getFunctionSpans: true,
  getTimeline: true,
  startRecording: true,
  stopRecording: true,
  deleteSession: true,
};
export const API_METHODS = Object.keys(apiMethodSet) as ApiMethod[];
