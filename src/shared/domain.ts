// Records that cross a process boundary (engine <-> window, CLI JSON). Times are integer
// microseconds since the Unix epoch unless a name says otherwise.

export type SessionStatus = 'recording' | 'completed' | 'target-exited' | 'interrupted' | 'failed';

export type SignalName = 'cpu' | 'logs' | 'metrics';
export const ALL_SIGNALS: readonly SignalName[] = ['cpu', 'logs', 'metrics'];

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
}

export interface SessionCounts {
  cpuSamples: number;
  logs: number;
  metricPoints: number;
}

export interface FunctionTiming {
  name: string;
  url: string;
  /** 1-based line, as editors show it; 0 when unknown. */
  line: number;
  selfMs: number;
  totalMs: number;
}

export interface SessionSummary extends SessionInfo {
  counts: SessionCounts;
  topFunctions: FunctionTiming[];
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
  functions: { name: string; url: string; line: number; column: number; kind: FrameKind }[];
  functionId: number[];
  parent: number[];
  selfUs: number[];
  totalUs: number[];
  sampleCount: number;
  range: TimeRange | null;
}

export type FrameKind = 'app' | 'library' | 'node' | 'runtime';

export interface MetricSeries {
  name: string;
  unit: string;
  timesUs: number[];
  values: number[];
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogRecord {
  id: number;
  timeUs: number;
  level: LogLevel;
  /** console, exception, ... */
  source: string;
  text: string;
  url: string | null;
  /** 1-based line; null when unknown. */
  line: number | null;
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
  signals?: SignalName[];
  intervalUs?: number;
  /** Stops by itself after this long; runs until stopped when absent. */
  durationSec?: number;
}

export interface RecordingProgress {
  sessionId: string;
  status: SessionStatus;
  elapsedMs: number;
  counts: SessionCounts;
  statusDetail: string | null;
}
