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
import { flameTreeForWindow, topFunctions } from './analysis/cpu-profile';
import { listNodeProcesses } from './inspector/processes';
import { Recording, type RecordingHooks } from './recorder';
import { defaultStorePath } from './store/location';
import { Store } from './store/store';
import { TypedEmitter } from './typed-emitter';

export interface EngineOptions {
  /** SQLite file; defaults to the per-user store (defaultStorePath). */
  storePath?: string;
  /** Output of launched targets; the window ignores it, the CLI forwards it to stderr. */
  onTargetOutput?: RecordingHooks['onTargetOutput'];
}

const TOP_FUNCTIONS = 20;

export class Engine implements Api {
  readonly events = new TypedEmitter<ApiEvents>();
  private readonly recordings = new Map<string, Recording>();

  private constructor(
    readonly store: Store,
    private readonly options: EngineOptions,
  ) {}

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

  async getSummary(sessionId: string, range?: TimeRange): Promise<SessionSummary> {
    const session = this.store.sessions.get(sessionId);
    checkRange(range);
    return {
      ...session,
      counts: {
        cpuSamples: range
          ? flameTreeForWindow(this.store, session.id, session.intervalUs, range).sampleCount
          : this.store.cpu.sampleCount(session.id),
        logs: this.store.logs.count(session.id, range),
        metricPoints: this.store.metrics.count(session.id, range),
      },
      topFunctions: topFunctions(this.store, session.id, session.intervalUs, TOP_FUNCTIONS, range),
    };
  }

  async getFlameTree(sessionId: string, range?: TimeRange): Promise<FlameTree> {
    const session = this.store.sessions.get(sessionId);
    checkRange(range);
    return flameTreeForWindow(this.store, session.id, session.intervalUs, range);
  }

  async getMetrics(sessionId: string): Promise<MetricSeries[]> {
    const session = this.store.sessions.get(sessionId);
    return this.store.metrics.series(session.id);
  }

  async getLogs(sessionId: string, query: LogQuery): Promise<LogPage> {
    const session = this.store.sessions.get(sessionId);
    checkRange(query.range);
    return this.store.logs.page(session.id, query);
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
    this.events.emit('sessionsChanged', {});
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
