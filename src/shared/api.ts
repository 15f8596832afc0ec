// The one contract between the engine and every face (CLI, Electron IPC, web host).
import type {
  FlameTree,
  LogPage,
  MetricSeries,
  NodeProcessInfo,
  RecordRequest,
  RecordingProgress,
  SessionInfo,
  SessionSummary,
  TimeRange,
} from './domain';

export interface Api {
  listProcesses(): Promise<NodeProcessInfo[]>;
  listSessions(): Promise<SessionInfo[]>;
  /** Accepts a full id or an unambiguous prefix of one. */
  getSummary(sessionId: string, range?: TimeRange): Promise<SessionSummary>;
  getFlameTree(sessionId: string, range?: TimeRange): Promise<FlameTree>;
  getMetrics(sessionId: string): Promise<MetricSeries[]>;
  getLogs(sessionId: string, query: LogQuery): Promise<LogPage>;
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
}

/** Events the engine pushes to every face. */
export interface ApiEvents {
  recording: RecordingProgress;
  sessionsChanged: Record<string, never>;
}

export type ApiMethod = keyof Api;
export type ApiEventName = keyof ApiEvents;

/** What a face hands to the renderer: the Api plus a way to hear pushed events. */
export interface ApiClient extends Api {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

// Wire envelope used by the WebSocket host (IPC uses Electron's own invoke/send framing).
export type WireRequest = { id: number; method: ApiMethod; params: unknown[] };
export type WireResponse =
  | { id: number; result: unknown }
  | { id: number; error: { message: string; code: string } };
export type WireEvent = { event: ApiEventName; payload: unknown };
