// The `workers` signal: follows the target's worker threads and runs every per-thread capture on each.
import type { ThreadInfo } from '../../../shared/domain';
import { messageOf } from '../../../shared/errors';
import { InspectorConnection, type InspectorSession } from '../inspector/connection';
import { type AttachedWorker, WorkerSession, parseAttachedWorker } from '../inspector/worker-session';
import type { Capture, ProcessCaptureInput, RecordingContext, ThreadContext } from './capture';
import { startThreadCaptures } from './thread-captures';

/** How long a worker's second session (for the CPU hand-off) may lag behind its first. */
const STANDBY_WAIT_MS = 1000;
const MAX_NAME_LENGTH = 120;

/** Starts the workers capture when the recording asks for the `workers` signal. */
export async function startWorkersCapture({ context, main }: ProcessCaptureInput): Promise<Capture | null> {
  if (!context.signals.has('workers')) return null;
  const wsUrl = main instanceof InspectorConnection && context.signals.has('cpu') ? main.wsUrl : null;
  const workers = new WorkersCapture(context, main, wsUrl ? () => StandbyWorkers.open(wsUrl) : null);
  try {
    await workers.start();
  } catch (error) {
    await workers.stop();
    throw error;
  }
  return workers;
}

interface FollowedWorker {
  readonly session: WorkerSession;
  captures: Capture[];
}

export class WorkersCapture implements Capture {
  private readonly workers = new Map<string, FollowedWorker>();
  private readonly starting = new Set<Promise<void>>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly sinceUs = Date.now() * 1000;
  private stopping = false;
  private standby: Promise<StandbyWorkers | null> | null = null;

  /**
   * `openStandby` opens a second connection to the same target, used only for the workers' second
   * sessions (a gap-free CPU hand-off); without it each worker's profile restarts on one session.
   * It is opened with the first worker, so a process without workers costs no extra connection.
   */
  constructor(
    private readonly context: RecordingContext,
    private readonly main: InspectorSession,
    private readonly openStandby: (() => Promise<StandbyWorkers | null>) | null,
  ) {}

  /** Sends no evaluation, so it may start before a launched target runs. */
  async start(): Promise<void> {
    this.unsubscribe.push(this.main.on('NodeWorker.attachedToWorker', (params) => this.onAttached(params)));
    // Workers already running are reported on enable; new ones wait for us before their first line.
    await this.main.send('NodeWorker.enable', { waitForDebuggerOnStart: true });
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const off of this.unsubscribe.splice(0)) off();
    await Promise.all(this.starting);
    for (const [sessionId, worker] of this.workers) {
      this.workers.delete(sessionId);
      await this.release(worker);
    }
    if (!this.main.isClosed) await this.main.send('NodeWorker.disable').catch(() => undefined);
    await (await this.standby)?.close();
  }

  private onAttached(params: unknown): void {
    const worker = parseAttachedWorker(params);
    if (!worker) {
      this.context.warn('A worker thread was reported in a shape Parallax does not know; it is not followed');
      return;
    }
    if (this.stopping || this.workers.has(worker.sessionId)) return;
    const following = this.follow(worker).catch((error: unknown) => {
      this.context.warn(`Worker thread ${worker.threadId ?? worker.workerId} could not be followed: ${messageOf(error)}`);
    });
    this.starting.add(following);
    void following.finally(() => this.starting.delete(following));
  }

  private async follow(attached: AttachedWorker): Promise<void> {
    const session = new WorkerSession(this.main, attached);
    const worker: FollowedWorker = { session, captures: [] };
    this.workers.set(attached.sessionId, worker);
    // The workerId is only the order this session heard of the worker: the threadId is stable.
    const thread: ThreadInfo = { id: attached.threadId ?? attached.workerId, name: threadName(attached) };
    // A waiting worker has run nothing yet, so nothing of it predates now.
    const sinceUs = attached.waitingForDebugger ? Date.now() * 1000 : this.sinceUs;
    session.onClose(() => {
      if (session.exited) void this.onExited(attached.sessionId, thread.id);
    });
    const threadContext: ThreadContext = {
      thread,
      session,
      openSecondSession: async () =>
        attached.threadId === null ? null : ((await this.standbyConnection())?.sessionFor(attached.threadId, STANDBY_WAIT_MS) ?? null),
    };
    try {
      worker.captures = await startThreadCaptures(this.contextFor(session), threadContext, sinceUs);
    } finally {
      // Let a waiting worker run even when its captures failed to start.
      if (attached.waitingForDebugger && !session.isClosed) await session.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
    }
    // Stopped (or gone) while its captures were starting: let go of it here.
    if ((this.stopping || session.isClosed) && this.workers.get(attached.sessionId) === worker) {
      this.workers.delete(attached.sessionId);
      await this.release(worker);
    }
  }

  private standbyConnection(): Promise<StandbyWorkers | null> {
    this.standby ??= this.openStandby?.() ?? Promise.resolve(null);
    return this.standby;
  }

  /**
   * The worker exited. It answers nothing any more, so its CPU samples since the last profile
   * rotation are lost (a worker does not wait for the debugger the way an exiting process does).
   */
  private async onExited(sessionId: string, threadId: number): Promise<void> {
    this.context.store.threads.end(this.context.sessionId, threadId, Date.now() * 1000);
    const worker = this.workers.get(sessionId);
    if (!worker || this.stopping) return;
    this.workers.delete(sessionId);
    await this.release(worker);
  }

  private async release(worker: FollowedWorker): Promise<void> {
    for (const capture of worker.captures.splice(0).reverse()) await capture.stop().catch(() => undefined);
    await worker.session.close();
  }

  /** A worker's troubles are not the recording's: the main thread and other workers go on. */
  private contextFor(session: WorkerSession): RecordingContext {
    return {
      ...this.context,
      fail: (error) => {
        if (session.isClosed) return;
        this.context.warn(`Worker thread ${session.worker.threadId ?? session.worker.workerId}: ${messageOf(error)}`);
      },
    };
  }
}

/** "[worker 1] crunch" -> "crunch (worker 1)"; "[worker 2]" -> "worker 2". */
export function threadName(worker: Pick<AttachedWorker, 'workerId' | 'threadId' | 'title'>): string {
  // eslint-disable-next-line no-control-regex
  const title = worker.title.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  const match = /^\[worker (\d+)\]\s*(.*)$/.exec(title);
  const label = match ? match[2]!.trim() : title;
  const id = worker.threadId ?? worker.workerId;
  const name = label ? `${label} (worker ${id})` : `worker ${id}`;
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 1)}…` : name;
}

/**
 * A second connection to the target that also attaches to every worker (without making new ones
 * wait): each worker then has two sessions, so its CPU profile hands off without a gap.
 */
export class StandbyWorkers {
  private readonly sessions = new Map<number, WorkerSession>();
  private readonly waiters = new Map<number, ((session: WorkerSession) => void)[]>();

  private constructor(private readonly connection: InspectorConnection) {
    connection.on('NodeWorker.attachedToWorker', (params) => {
      // Paired by threadId: each connection numbers its workers (workerId) in its own order.
      const worker = parseAttachedWorker(params);
      if (!worker || worker.threadId === null) return;
      const threadId = worker.threadId;
      const session = new WorkerSession(connection, worker);
      this.sessions.set(threadId, session);
      session.onClose(() => {
        if (this.sessions.get(threadId) === session) this.sessions.delete(threadId);
      });
      for (const wake of this.waiters.get(threadId) ?? []) wake(session);
      this.waiters.delete(threadId);
    });
  }

  /** Opens the connection; null when it cannot (the workers then use one session each). */
  static async open(wsUrl: string): Promise<StandbyWorkers | null> {
    const connection = await InspectorConnection.open(wsUrl).catch(() => null);
    if (!connection) return null;
    try {
      const standby = new StandbyWorkers(connection);
      await connection.send('NodeWorker.enable', { waitForDebuggerOnStart: false });
      return standby;
    } catch {
      await connection.close();
      return null;
    }
  }

  /** The worker's session on this connection, once it is attached; null after `timeoutMs`. */
  sessionFor(threadId: number, timeoutMs: number): Promise<InspectorSession | null> {
    const known = this.sessions.get(threadId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(threadId) ?? [];
        this.waiters.set(
          threadId,
          list.filter((w) => w !== wake),
        );
        resolve(null);
      }, timeoutMs);
      const wake = (session: WorkerSession): void => {
        clearTimeout(timer);
        resolve(session);
      };
      this.waiters.set(threadId, [...(this.waiters.get(threadId) ?? []), wake]);
    });
  }

  async close(): Promise<void> {
    for (const session of this.sessions.values()) await session.close();
    if (!this.connection.isClosed) await this.connection.send('NodeWorker.disable').catch(() => undefined);
    await this.connection.close();
  }
}
