// One recording: attaches, starts the captures asked for, streams them into the store, and ends
// cleanly however it ends (asked to stop, duration reached, target exited or crashed).
import { randomUUID } from 'node:crypto';
import type {
  RecordRequest,
  RecordingProgress,
  SessionInfo,
  SessionStatus,
  SignalName,
  TargetInfo,
  TargetSpec,
} from '../../shared/domain';
import { DEFAULT_SIGNALS, EMPTY_COUNTS } from '../../shared/domain';
import { ParallaxError, messageOf } from '../../shared/errors';
import type { Capture, RecordingCommands, RecordingContext, ThreadContext } from './capture/capture';
import { type ClockMapping, measureClock } from './capture/clock';
import { preLaunchCaptures, processCaptures, runningProcessCaptures } from './capture/process-captures';
import { startThreadCaptures } from './capture/thread-captures';
import { type ResolvedTarget, detachTarget, resolveTarget } from './inspector/attach';
import { InspectorConnection } from './inspector/connection';
import { type LaunchedTarget, launchTarget } from './inspector/launch';
import { collectSourceMaps } from './capture/source-maps/collect-source-maps';
import { SessionWriter } from './store/session-writer';
import type { Store } from './store/store';
import { MAIN_THREAD_ID } from './store/threads';

export const DEFAULT_INTERVAL_US = 1000;
const PROGRESS_EVERY_MS = 500;
const CLOCK_RESYNC_EVERY_MS = 30_000;

export interface RecordingHooks {
  onProgress(progress: RecordingProgress): void;
  /** Output of a launched target, for the face to show (the CLI forwards it to stderr). */
  onTargetOutput?(stream: 'stdout' | 'stderr', chunk: Buffer): void;
}

export class Recording {
  readonly done: Promise<SessionInfo>;
  private resolveDone!: (info: SessionInfo) => void;
  private readonly startedAtMs = Date.now();
  private readonly captures: Capture[] = [];
  private readonly connections: InspectorConnection[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private writer: SessionWriter | null = null;
  private clock: ClockMapping = { offsetUs: 0, measuredAtUs: 0 };
  private finishing: Promise<SessionInfo> | null = null;
  private target: ResolvedTarget | null = null;
  private launched: LaunchedTarget | null = null;
  private statusDetail: string | null = null;
  private created = false;
  private readonly notes: Record<string, string> = {};
  private readonly warnings: string[] = [];
  private readonly outputListeners: ((stream: 'stdout' | 'stderr', chunk: Buffer) => void)[] = [];
  private readonly commands: Partial<RecordingCommands> = {};

  private constructor(
    private readonly store: Store,
    readonly sessionId: string,
    private readonly hooks: RecordingHooks,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Attaches and starts every capture; resolves once data flows. Throws ParallaxError on failure. */
  static async start(store: Store, request: RecordRequest, hooks: RecordingHooks): Promise<Recording> {
    const recording = new Recording(store, randomUUID(), hooks);
    try {
      await recording.begin(request);
      return recording;
    } catch (error) {
      await recording.abandon(error);
      throw error instanceof ParallaxError ? error : new ParallaxError('attach-failed', messageOf(error));
    }
  }

  /** Runs a request a capture of this recording answers (e.g. a heap snapshot). */
  command<C extends keyof RecordingCommands>(command: C, ...args: Parameters<RecordingCommands[C]>): ReturnType<RecordingCommands[C]> {
    const handler = this.commands[command] as ((...a: Parameters<RecordingCommands[C]>) => ReturnType<RecordingCommands[C]>) | undefined;
    if (!handler || this.finishing) {
      throw new ParallaxError('bad-request', `This recording cannot ${command === 'takeHeapSnapshot' ? 'take heap snapshots (record with the heap signal)' : command}`);
    }
    return handler(...args);
  }

  /** Stops the recording and saves everything; the status says how it ended. */
  stop(status: SessionStatus = 'completed', detail: string | null = null): Promise<SessionInfo> {
    this.finishing ??= this.finish(status, detail);
    return this.finishing;
  }

  private async begin(request: RecordRequest): Promise<void> {
    const signals = new Set<SignalName>(request.signals ?? DEFAULT_SIGNALS);
    if (request.prometheusUrl) signals.add('prometheus');
    const intervalUs = request.intervalUs ?? DEFAULT_INTERVAL_US;
    const launch = request.target.kind === 'launch' ? request.target : null;
    const targetInfo: TargetInfo = launch
      ? { pid: null, nodeVersion: null, title: launch.command.join(' '), attachedVia: `launch ${launch.command.join(' ')}` }
      : { pid: null, nodeVersion: null, title: null, attachedVia: describeSpec(request.target) };

    // The session exists from the start, so receivers started before the target can store.
    this.store.sessions.create({
      id: this.sessionId,
      name: request.name ?? 'recording',
      startedUs: Date.now() * 1000,
      target: targetInfo,
      signals: [...signals],
      intervalUs,
    });
    this.created = true;
    this.writer = new SessionWriter(this.store, this.sessionId, (error) => this.fail(error));
    const context = this.makeContext(request, signals, intervalUs, targetInfo);

    const env: Record<string, string> = {};
    for (const start of preLaunchCaptures) {
      const capture = await start(context);
      if (capture) {
        this.captures.push(capture);
        Object.assign(env, capture.env);
      }
    }

    if (launch) {
      this.launched = await launchTarget(launch.command, {
        cwd: launch.cwd,
        env: { ...process.env, ...env },
        onOutput: (stream, chunk) => {
          this.hooks.onTargetOutput?.(stream, chunk);
          for (const listener of this.outputListeners) listener(stream, chunk);
        },
      });
      targetInfo.pid = this.launched.pid;
    } else {
      this.target = await resolveTarget(request.target);
      Object.assign(targetInfo, {
        pid: this.target.pid,
        nodeVersion: this.target.nodeVersion,
        title: this.target.title,
        attachedVia: this.target.attachedVia,
      });
    }
    const wsUrl = this.launched?.wsUrl ?? this.target!.wsUrl;
    const main = await this.connect(wsUrl);
    // A launched target waits for the debugger, and evaluations hang until it runs: identify it
    // and read its clock after the captures that must see its first moments have started.
    const waiting = this.launched !== null;
    let startedUs = Date.now() * 1000;
    if (!waiting) {
      await this.identify(main, targetInfo);
      startedUs = Math.round(this.clock.measuredAtUs);
    }
    this.store.sessions.start(this.sessionId, request.name ?? defaultName(targetInfo), startedUs, targetInfo);

    // A connected client keeps an exiting target alive: collect what is pending, then let go.
    main.on('NodeRuntime.waitingForDisconnect', () => void this.stop('target-exited', 'The target exited.'));
    main.onClose(() => void this.stop('target-exited', 'The connection to the target closed (it exited or was killed).'));
    await main.send('NodeRuntime.enable');
    await main.send('NodeRuntime.notifyWhenWaitingForDisconnect', { enabled: true });

    const mainThread: ThreadContext = {
      thread: { id: MAIN_THREAD_ID, name: 'main' },
      session: main,
      openSecondSession: () => this.connect(wsUrl),
    };
    this.captures.push(...(await startThreadCaptures(context, mainThread, waiting ? 0 : startedUs)));
    for (const start of processCaptures) {
      const capture = await start({ context, main, launched: this.launched });
      if (capture) this.captures.push(capture);
    }
    const paused = waiting ? await runUntilFirstLine(main) : false;
    if (waiting) {
      await this.identify(main, targetInfo);
      this.store.sessions.updateTarget(this.sessionId, targetInfo);
    }
    for (const start of runningProcessCaptures) {
      const capture = await start({ context, main, launched: this.launched });
      if (capture) this.captures.push(capture);
    }
    if (paused) {
      await main.send('Debugger.resume');
      await main.send('Debugger.disable');
    }

    this.timers.push(setInterval(() => this.hooks.onProgress(this.progress('recording')), PROGRESS_EVERY_MS));
    this.timers.push(
      setInterval(() => {
        measureClock(main).then((clock) => (this.clock = clock), () => undefined);
      }, CLOCK_RESYNC_EVERY_MS),
    );
    if (request.durationSec) {
      this.timers.push(setTimeout(() => void this.stop('completed'), request.durationSec * 1000));
    }
    this.hooks.onProgress(this.progress('recording'));
  }

  private makeContext(request: RecordRequest, signals: Set<SignalName>, intervalUs: number, target: TargetInfo): RecordingContext {
    return {
      sessionId: this.sessionId,
      request,
      signals,
      intervalUs,
      store: this.store,
      writer: this.writer!,
      target,
      clock: () => this.clock,
      note: (key, value) => {
        this.notes[key] = value;
        this.store.sessions.setNote(this.sessionId, key, value);
      },
      fail: (error) => this.fail(error),
      onTargetOutput: (listener) => this.outputListeners.push(listener),
      handle: (command, handler) => {
        this.commands[command] = handler;
      },
      warn: (message) => {
        this.warnings.push(message);
        this.store.sessions.setNote(this.sessionId, 'warnings', this.warnings.slice(-20).join('\n'));
      },
    };
  }

  /** Fills in what the target says of itself (the inspector's title does not always carry the PID) and reads its clock. */
  private async identify(main: InspectorConnection, target: TargetInfo): Promise<void> {
    const self = await main
      .evaluate<{ pid: number; node: string }>('({ pid: process.pid, node: process.versions.node })')
      .catch(() => null);
    target.pid ??= self?.pid ?? null;
    target.nodeVersion ??= self?.node ?? null;
    this.clock = await measureClock(main);
  }

  private async connect(wsUrl: string): Promise<InspectorConnection> {
    const connection = await InspectorConnection.open(wsUrl);
    this.connections.push(connection);
    return connection;
  }

  private fail(error: unknown): void {
    void this.stop('failed', `Recording failed: ${messageOf(error)}`);
  }

  private async finish(status: SessionStatus, detail: string | null): Promise<SessionInfo> {
    for (const timer of this.timers) clearTimeout(timer);
    this.statusDetail = detail;
    // Captures stop one by one: on an exiting target each still answers (research §10.1);
    // on a dropped connection they fail fast and what was stored stays.
    for (const capture of this.captures.reverse()) {
      await capture.stop().catch((error: unknown) => {
        if (status === 'completed') this.statusDetail ??= `Part of the data could not be collected: ${messageOf(error)}`;
      });
    }
    let endedUs = Date.now() * 1000;
    try {
      this.writer?.close();
    } catch (error) {
      status = 'failed';
      this.statusDetail = `Could not write to the store: ${messageOf(error)}`;
    }
    if (this.writer && status !== 'failed') {
      try {
        collectSourceMaps(this.store, this.sessionId);
      } catch (error) {
        this.statusDetail ??= `Source maps could not be stored: ${messageOf(error)}`;
      }
    }
    // Our sessions go before the inspector we opened is closed: closing it under live sessions
    // is a path Node handles poorly.
    for (const connection of this.connections) await connection.close();
    if (this.target?.openedBySignal) await detachTarget(this.target);
    if (this.launched) {
      // A target that is exiting by itself gets a moment to finish before it is asked to stop.
      const exit = await stopLaunched(this.launched, status === 'target-exited' ? 2000 : 0);
      if (status === 'target-exited') this.statusDetail = describeExit(exit);
    }
    endedUs = Math.max(endedUs, Math.round(this.clock.measuredAtUs));
    this.store.sessions.finish(this.sessionId, status, endedUs, this.statusDetail);
    this.hooks.onProgress(this.progress(status));
    const info = this.store.sessions.get(this.sessionId);
    this.resolveDone(info);
    return info;
  }

  /** Cleans up after a failed start, before or after the session row exists. */
  private async abandon(error: unknown): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const capture of this.captures.reverse()) await capture.stop().catch(() => undefined);
    this.writer?.close();
    for (const connection of this.connections) await connection.close();
    if (this.target?.openedBySignal) await detachTarget(this.target);
    if (this.launched) await stopLaunched(this.launched);
    if (!this.created) return;
    // A target never reached leaves no session behind; one that failed later keeps what it stored.
    if (this.connections.length === 0) this.store.sessions.delete(this.sessionId);
    else this.store.sessions.finish(this.sessionId, 'failed', Date.now() * 1000, messageOf(error));
  }

  private progress(status: SessionStatus): RecordingProgress {
    return {
      sessionId: this.sessionId,
      status,
      elapsedMs: Date.now() - this.startedAtMs,
      counts: { ...(this.writer?.counts ?? EMPTY_COUNTS) },
      statusDetail: this.statusDetail,
      notes: { ...this.notes },
    };
  }
}

/** "server.js (pid 42)": the program's file name, not its whole path or command line. */
function defaultName(target: TargetInfo): string {
  const title = target.title?.replace(/\[\d+\]$/, '').trim() ?? '';
  const words = title.split(/\s+/).filter((w) => w && !w.startsWith('-'));
  const program = words.find((w, i) => i > 0 || !/(^|\/)node(js)?$/.test(w)) ?? words[0];
  const what = program?.split('/').pop() || 'node';
  return target.pid ? `${what} (pid ${target.pid})` : what;
}

/** A target Parallax launched ends with its recording: ask it to stop, then insist. */
async function stopLaunched(launched: LaunchedTarget, graceMs = 0): Promise<{ code: number | null; signal: string | null }> {
  const { child } = launched;
  if (graceMs > 0) {
    await Promise.race([launched.exited, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  }
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  try {
    return await launched.exited;
  } finally {
    clearTimeout(timer);
  }
}

function describeExit(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `The target was ended by ${exit.signal}.` : `The target exited with code ${exit.code}.`;
}

const FIRST_LINE_TIMEOUT_MS = 10_000;

/**
 * Lets a launched target (started with --inspect-brk) run, and returns once it is paused on the
 * first line of its program, with Node's bootstrap complete. Evaluating any earlier interrupts
 * the bootstrap itself: seen failing with "testEnabled is not a function" and "setDispatchBufferFull
 * is not a function", and a probe timer created then kept the event loop alive for good. The
 * caller resumes the target. Returns false if no pause came (the target went on by itself).
 */
async function runUntilFirstLine(main: InspectorConnection): Promise<boolean> {
  let offPaused = (): void => undefined;
  const pausedOnStart = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), FIRST_LINE_TIMEOUT_MS);
    offPaused = main.on('Debugger.paused', () => {
      clearTimeout(timer);
      resolve(true);
    });
    main.onClose(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  try {
    await main.send('Debugger.enable', {});
    await main.send('Runtime.runIfWaitingForDebugger');
    const paused = await pausedOnStart;
    if (!paused) await main.send('Debugger.disable').catch(() => undefined);
    return paused;
  } finally {
    offPaused();
  }
}

function describeSpec(spec: TargetSpec): string {
  switch (spec.kind) {
    case 'pid':
      return `pid ${spec.pid}`;
    case 'inspect':
      return `inspect ${spec.host}:${spec.port}`;
    case 'ws':
      return `ws ${spec.url}`;
    case 'launch':
      return `launch ${spec.command.join(' ')}`;
  }
}
