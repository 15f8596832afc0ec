// Records that cross a process boundary (engine <-> window, CLI JSON). Times are integer
// microseconds since the Unix epoch unless a name says otherwise.

export type SessionStatus = 'recording' | 'completed' | 'target-exited' | 'interrupted' | 'failed';

/**
 * What a recording captures. cpu: V8 CPU profiles; logs: console API and uncaught exceptions;
 * metrics: runtime metrics every 250 ms; heap: sampling heap profiles (snapshots on demand);
 * trace: NodeTracing events (GC, console.time, http...) and performance marks/measures;
 * workers: every signal above for worker_threads too; otlp: a loopback OTLP/HTTP receiver;
 * stdout: stdout/stderr lines of a launched target (JSON log lines parsed);
 * prometheus: scrape a metrics URL; agent: spans from diagnostics_channel for uninstrumented code.
 */
export type SignalName = 'cpu' | 'logs' | 'metrics' | 'heap' | 'trace' | 'workers' | 'otlp' | 'stdout' | 'prometheus' | 'agent';
export const ALL_SIGNALS: readonly SignalName[] = ['cpu', 'logs', 'metrics', 'heap', 'trace', 'workers', 'otlp', 'stdout', 'prometheus', 'agent'];
/**
 * Recorded when --signals is not given: everything cheap. Opt-in: heap (sampling costs an
 * allocation-heavy target ~10% of its throughput), prometheus (needs a URL) and the agent.
 */
export const DEFAULT_SIGNALS: readonly SignalName[] = ['cpu', 'logs', 'metrics', 'trace', 'workers', 'otlp', 'stdout'];

/** A local process that runs Node.js, as `parallax ps` shows it. */
export interface NodeProcessInfo {
  pid: number;
  command: string;
  nodeVersion: string | null;
  /** Port of an open inspector on this process, when one is listening. */
  inspectorPort: number | null;
}

export interface TargetInfo {
  pid: number | null;
  nodeVersion: string | null;
  title: string | null;
  /** How it was reached: a PID, host:port, a ws URL, or a launched command line. */
  attachedVia: string;
}

export interface SessionInfo {
  id: string;
  name: string;
  startedAt: number;
  endedAt: number | null;
  status: SessionStatus;
  target: TargetInfo;
  signals: SignalName[];
  intervalUs: number;
  /** Why a session failed or ended early, in words for a person. */
  statusDetail: string | null;
  /** Facts a capture left for people: 'otlp.endpoint', 'trace.categories.available', ... */
  notes: Record<string, string>;
}

export interface SessionCounts {
  cpuSamples: number;
  logs: number;
  metricPoints: number;
  heapSamples: number;
  traceEvents: number;
  gcEvents: number;
  spans: number;
}

export const EMPTY_COUNTS: SessionCounts = {
  cpuSamples: 0,
  logs: 0,
  metricPoints: 0,
  heapSamples: 0,
  traceEvents: 0,
  gcEvents: 0,
  spans: 0,
};

/** Thread 0 is the main thread; workers use their NodeWorker workerId. */
export interface ThreadInfo {
  id: number;
  name: string;
}

export interface ThreadSummary extends ThreadInfo {
  cpuSamples: number;
  topFunctions: FunctionTiming[];
}

export interface FunctionTiming {
  name: string;
  url: string;
  /** 1-based line, as editors show it; 0 when unknown. */
  line: number;
  selfMs: number;
  totalMs: number;
  /** Where the running code was, when url and line come from a source map. */
  generated?: SourcePosition;
}

export interface SessionSummary extends SessionInfo {
  counts: SessionCounts;
  topFunctions: FunctionTiming[];
  threads: ThreadSummary[];
}

/** Restricts a query to one thread and/or one span's time range on its thread. */
export interface SignalFilter {
  range?: TimeRange;
  threadId?: number;
  spanId?: string;
}

export interface TimeRange {
  fromUs: number;
  toUs: number;
}

/**
 * A merged call tree in columns. Node 0 is the root; parent[i] < i for every other node,
 * so a single forward pass visits parents before children.
 */
export interface FlameTree {
  /** url/line/column are the original source's where a source map resolved them; `generated` keeps the running code's. */
  functions: { name: string; url: string; line: number; column: number; kind: FrameKind; generated?: SourcePosition }[];
  functionId: number[];
  parent: number[];
  selfUs: number[];
  totalUs: number[];
  sampleCount: number;
  range: TimeRange | null;
}

export type FrameKind = 'app' | 'library' | 'node' | 'runtime';

/** A merged allocation tree from sampling heap profiles, in the same column layout as FlameTree. */
export interface AllocationTree {
  functions: FlameTree['functions'];
  functionId: number[];
  parent: number[];
  selfBytes: number[];
  totalBytes: number[];
  sampleCount: number;
}

export interface HeapSnapshotInfo {
  id: number;
  threadId: number;
  startedUs: number;
  endedUs: number | null;
  sizeBytes: number;
  status: 'writing' | 'complete' | 'failed';
  detail: string | null;
}

/** One constructor's share of a heap snapshot. */
export interface SnapshotClass {
  name: string;
  count: number;
  selfSizeBytes: number;
}

export interface SnapshotClassDiff {
  name: string;
  countBefore: number;
  countAfter: number;
  selfSizeBytesBefore: number;
  selfSizeBytesAfter: number;
}

export type TraceEventKind = 'gc' | 'mark' | 'measure' | 'console' | 'http' | 'fs' | 'loop' | 'other';

export interface TraceEventRecord {
  id: number;
  threadId: number;
  timeUs: number;
  /** For complete events and matched begin/end pairs; null for instants. */
  durationUs: number | null;
  ph: string;
  cat: string;
  name: string;
  kind: TraceEventKind;
  args: Record<string, unknown> | null;
}

/** OpenTelemetry span kinds as OTLP numbers them: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
export type SpanKind = 0 | 1 | 2 | 3 | 4 | 5;

export interface SpanRecord {
  spanId: string;
  traceId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  startUs: number;
  endUs: number;
  /** OTLP status: 0 unset, 1 ok, 2 error. */
  statusCode: 0 | 1 | 2;
  statusMessage: string | null;
  thread: number | null;
  /** 'otlp' or 'agent'. */
  source: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  logCount: number;
  cpuSampleCount: number;
}

export type MetricKind = 'gauge' | 'counter' | 'histogram' | 'summary';

export interface MetricSeries {
  name: string;
  unit: string;
  kind: MetricKind;
  labels: Record<string, string>;
  /** 'runtime', 'otlp' or 'prometheus'. */
  source: string;
  threadId: number;
  timesUs: number[];
  values: number[];
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogRecord {
  id: number;
  timeUs: number;
  level: LogLevel;
  /** console, exception, stdout, stderr, otlp */
  source: string;
  text: string;
  url: string | null;
  /** 1-based line; null when unknown. */
  line: number | null;
  threadId: number;
  /** OpenTelemetry severity number (1..24); null when the source has none. */
  severityNumber: number | null;
  /** 32 lowercase hex digits, or null. */
  traceId: string | null;
  /** 16 lowercase hex digits, or null. */
  spanId: string | null;
  attributes: Record<string, unknown> | null;
}

export interface LogPage {
  total: number;
  offset: number;
  records: LogRecord[];
}

export type TargetSpec =
  | { kind: 'pid'; pid: number }
  | { kind: 'inspect'; host: string; port: number }
  | { kind: 'ws'; url: string }
  | { kind: 'launch'; command: string[]; cwd?: string };

export interface RecordRequest {
  target: TargetSpec;
  name?: string;
  /** DEFAULT_SIGNALS when absent. */
  signals?: SignalName[];
  intervalUs?: number;
  /** Stops by itself after this long; runs until stopped when absent. */
  durationSec?: number;
  /** NodeTracing categories; a safe default set when absent. Never the umbrella 'node'. */
  traceCategories?: string[];
  /** Average bytes between heap samples (V8's default 32768). */
  heapSamplingIntervalBytes?: number;
  /** The Prometheus text endpoint to scrape (enables the prometheus signal). */
  prometheusUrl?: string;
  /** Port of the OTLP/HTTP receiver on 127.0.0.1; a free one when absent. */
  otlpPort?: number;
}

export interface RecordingProgress {
  sessionId: string;
  status: SessionStatus;
  elapsedMs: number;
  counts: SessionCounts;
  statusDetail: string | null;
  notes: Record<string, string>;
}

/** A place in a script: 1-based line and column, as editors show them. */
export interface SourcePosition {
  url: string;
  line: number;
  column: number;
}

/** Names one function of a session's CPU profile by its running (generated) location. */
export interface FunctionKey {
  name: string;
  url: string;
  /** 1-based line. */
  line: number;
  /** 1-based column; absent matches any column on the line. */
  column?: number;
}

/** A span ranked by how often one function was on the CPU stack inside it. */
export interface FunctionSpan {
  /** cpuSampleCount is the span's samples (on its thread inside its range). */
  span: SpanRecord;
  /** Samples in the span with the function anywhere on the stack. */
  samples: number;
  /** Samples in the span with the function on top of the stack. */
  selfSamples: number;
  /** samples / span.cpuSampleCount. */
  share: number;
  /** samples × the sampling interval. */
  estimatedMs: number;
}
