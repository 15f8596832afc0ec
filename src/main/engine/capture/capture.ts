// The contract between the recorder and each capture module: what a capture is given, and the
// one thing it must do (stop, saving what it has).
import type { HeapSnapshotInfo, RecordRequest, SignalName, TargetInfo, ThreadInfo } from '../../../shared/domain';
import type { InspectorSession } from '../inspector/connection';
import type { LaunchedTarget } from '../inspector/launch';
import type { SessionWriter } from '../store/session-writer';
import type { Store } from '../store/store';
import type { ClockMapping } from './clock';

export interface Capture {
  /** Stops capturing and queues what is pending on the writer. Must not throw once the target is gone. */
  stop(): Promise<void>;
}

/** What every capture of one recording shares. */
export interface RecordingContext {
  readonly sessionId: string;
  readonly request: RecordRequest;
  readonly signals: ReadonlySet<SignalName>;
  readonly intervalUs: number;
  readonly store: Store;
  readonly writer: SessionWriter;
  readonly target: TargetInfo;
  /** Maps the target's monotonic µs to epoch µs; re-measured during long recordings. */
  clock(): ClockMapping;
  /** Records a fact for people on the session (e.g. 'otlp.endpoint'). */
  note(key: string, value: string): void;
  /** Reports a failure that ends the recording as failed. */
  fail(error: unknown): void;
  /** Reports a problem worth a note but not worth ending the recording. */
  warn(message: string): void;
  /** Answers a request a face makes of the running recording (one handler per command). */
  handle<C extends keyof RecordingCommands>(command: C, handler: RecordingCommands[C]): void;
  /** Hears a launched target's stdout and stderr (nothing for an attached one). */
  onTargetOutput(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): void;
}

/** Requests a face can make of a running recording. */
export interface RecordingCommands {
  takeHeapSnapshot(threadId: number): Promise<HeapSnapshotInfo>;
}

/** One thread of the target: the main thread, or a worker. */
export interface ThreadContext {
  readonly thread: ThreadInfo;
  readonly session: InspectorSession;
  /** Another session on the same thread (CPU profile hand-off), or null where there is none. */
  openSecondSession(): Promise<InspectorSession | null>;
}

/** Started before the target runs, e.g. receivers whose address a launched target must be given. */
export interface PreLaunchCapture extends Capture {
  /** Environment for a launched target (OTEL_EXPORTER_OTLP_ENDPOINT ...). */
  readonly env: Record<string, string>;
}

export interface ProcessCaptureInput {
  context: RecordingContext;
  main: InspectorSession;
  launched: LaunchedTarget | null;
}
