// The engine: implements the Api contract over the store, the inspector and the recorder.
import type { Api, ApiEvents, LogQuery } from '../../shared/api';
import type {
  FlameTree,
  LogPage,
  MetricSeries,
  NodeProcessInfo,
  RecordRequest,
  SessionInfo,
  SessionSummary,
  TimeRange,
} from '../../shared/domain';
import { ParallaxError } from '../../shared/errors';
import { TypedEmitter } from './typed-emitter';

export interface EngineOptions {
  /** SQLite file; defaults to the per-user store (defaultStorePath). */
  storePath?: string;
}

export class Engine implements Api {
  readonly events = new TypedEmitter<ApiEvents>();

  static open(_options: EngineOptions = {}): Engine {
    return new Engine();
  }

  async listProcesses(): Promise<NodeProcessInfo[]> {
    throw new ParallaxError('internal', 'not built yet');
  }
  async listSessions(): Promise<SessionInfo[]> {
    throw new ParallaxError('internal', 'not built yet');
  }
  async getSummary(_sessionId: string, _range?: TimeRange): Promise<SessionSummary> {
    throw new ParallaxError('internal', 'not built yet');
  }
  async getFlameTree(_sessionId: string, _range?: TimeRange): Promise<FlameTree> {
    throw new ParallaxError('internal', 'not built yet');
  }
  async getMetrics(_sessionId: string): Promise<MetricSeries[]> {
    throw new ParallaxError('internal', 'not built yet');
  }
  async getLogs(_sessionId: string, _query: LogQuery): Promise<LogPage> {
    throw new ParallaxError('internal', 'not built yet');
  }
  async startRecording(_request: RecordRequest): Promise<{ sessionId: string }> {
    throw new ParallaxError('internal', 'not built yet');
  }
  async stopRecording(_sessionId: string): Promise<SessionInfo> {
    throw new ParallaxError('internal', 'not built yet');
  }
  async deleteSession(_sessionId: string): Promise<void> {
    throw new ParallaxError('internal', 'not built yet');
  }

  /** Stops every recording (saving what it has) and closes the store. */
  async close(): Promise<void> {}
}
