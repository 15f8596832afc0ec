// A worker thread's inspector session, tunnelled through its process's session by NodeWorker messages.
import { z } from 'zod';
import { ParallaxError, messageOf } from '../../../shared/errors';
import { type EvaluateOptions, type InspectorSession, evaluateIn } from './connection';

// The NodeWorker domain as Node serves it (research/inspector.md §2.2); devtools-protocol lacks it.
declare module './connection' {
  interface NodeCommands {
    'NodeWorker.sendMessageToWorker': { params: { sessionId: string; message: string }; result: Record<string, never> };
    'NodeWorker.detach': { params: { sessionId: string }; result: Record<string, never> };
    'NodeWorker.disable': { params: undefined; result: Record<string, never> };
  }
  interface NodeEvents {
    'NodeWorker.attachedToWorker': unknown;
    'NodeWorker.detachedFromWorker': unknown;
    'NodeWorker.receivedMessageFromWorker': unknown;
  }
}

/** What NodeWorker.attachedToWorker says of a worker, checked. */
export interface AttachedWorker {
  sessionId: string;
  /** The inspector's id: a counter per inspector session, in the order workers were reported. */
  workerId: number;
  /** worker_threads' threadId, from the title "[worker N] name"; the same on every connection. */
  threadId: number | null;
  title: string;
  url: string;
  waitingForDebugger: boolean;
}

const attachedSchema = z.object({
  sessionId: z.string().min(1).max(64),
  workerInfo: z.object({
    workerId: z.string().regex(/^\d{1,9}$/),
    title: z.string(),
    url: z.string(),
  }),
  waitingForDebugger: z.boolean(),
});
const detachedSchema = z.object({ sessionId: z.string() });
const envelopeSchema = z.object({ sessionId: z.string(), message: z.string() });
const replySchema = z.object({
  id: z.number().int(),
  result: z.unknown().optional(),
  error: z.object({ code: z.number().optional(), message: z.string() }).optional(),
});
const eventSchema = z.object({ method: z.string(), params: z.unknown().optional() });

/** Parses an attachedToWorker event from the target; null when it does not have the documented shape. */
export function parseAttachedWorker(params: unknown): AttachedWorker | null {
  const parsed = attachedSchema.safeParse(params);
  if (!parsed.success) return null;
  const { sessionId, workerInfo, waitingForDebugger } = parsed.data;
  const threadId = /^\[worker (\d{1,9})\]/.exec(workerInfo.title)?.[1];
  return {
    sessionId,
    workerId: Number(workerInfo.workerId),
    threadId: threadId === undefined ? null : Number(threadId),
    title: workerInfo.title,
    url: workerInfo.url,
    waitingForDebugger,
  };
}

/** The sessionId of a detachedFromWorker event, or null. */
export function detachedSessionId(params: unknown): string | null {
  const parsed = detachedSchema.safeParse(params);
  return parsed.success ? parsed.data.sessionId : null;
}

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

type Listener = (params: unknown) => void;

export class WorkerSession implements InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly closeListeners = new Set<() => void>();
  private readonly unsubscribe: (() => void)[];
  private closed = false;
  private workerGone = false;
  /** Messages from the worker that were not JSON or not a reply/event: dropped, counted here. */
  droppedMessages = 0;

  /** `parent` is the session that received attachedToWorker for `worker`; it must outlive this one. */
  constructor(
    private readonly parent: InspectorSession,
    readonly worker: AttachedWorker,
  ) {
    this.unsubscribe = [
      parent.on('NodeWorker.receivedMessageFromWorker', (params) => this.onEnvelope(params)),
      parent.on('NodeWorker.detachedFromWorker', (params) => {
        if (detachedSessionId(params) !== worker.sessionId) return;
        this.workerGone = true;
        this.shut('The worker thread exited');
      }),
      parent.onClose(() => this.shut('The connection to the target closed')),
    ];
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** True once the worker itself went away (it exited), as opposed to being let go of by close(). */
  get exited(): boolean {
    return this.workerGone;
  }

  readonly send = ((method: string, params?: object): Promise<unknown> => this.request(method, params)) as InspectorSession['send'];

  readonly on = ((event: string, listener: Listener): (() => void) => {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }) as InspectorSession['on'];

  /** Called once when the session ends: the worker exited, close() was called, or the parent dropped. */
  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Evaluates an expression in the worker, by value. `require` is not defined in a worker started
   * from a file: use process.getBuiltinModule there.
   */
  evaluate<T>(expression: string, options: EvaluateOptions = {}): Promise<T> {
    return evaluateIn<T>(this, this.describe(), expression, options);
  }

  /** Lets go of the worker (NodeWorker.detach); the worker runs on. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.shut(`The session with ${this.describe()} was closed`);
    if (!this.parent.isClosed) await this.parent.send('NodeWorker.detach', { sessionId: this.worker.sessionId }).catch(() => undefined);
  }

  private request(method: string, params: object | undefined): Promise<unknown> {
    if (this.closed) return Promise.reject(new ParallaxError('attach-failed', `${this.describe()} is gone: ${method} was not sent`));
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params: params ?? {} });
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      // Node accepts a message for a worker that has gone without a word (no reply ever comes),
      // so every pending request is also rejected when the worker detaches (shut).
      this.parent.send('NodeWorker.sendMessageToWorker', { sessionId: this.worker.sessionId, message }).catch((error: unknown) => {
        if (!this.pending.delete(id)) return;
        reject(new ParallaxError('attach-failed', `Could not reach ${this.describe()}: ${messageOf(error)}`));
      });
    });
  }

  private onEnvelope(params: unknown): void {
    const envelope = envelopeSchema.safeParse(params);
    if (!envelope.success || envelope.data.sessionId !== this.worker.sessionId || this.closed) return;
    let body: unknown;
    try {
      body = JSON.parse(envelope.data.message);
    } catch {
      this.droppedMessages++;
      return;
    }
    const reply = replySchema.safeParse(body);
    if (reply.success) {
      const waiting = this.pending.get(reply.data.id);
      if (!waiting) return;
      this.pending.delete(reply.data.id);
      if (reply.data.error) {
        waiting.reject(new ParallaxError('attach-failed', `${waiting.method} failed in ${this.describe()}: ${reply.data.error.message}`));
      } else waiting.resolve(reply.data.result ?? {});
      return;
    }
    const event = eventSchema.safeParse(body);
    if (!event.success) {
      this.droppedMessages++;
      return;
    }
    for (const listener of this.listeners.get(event.data.method) ?? []) listener(event.data.params ?? {});
  }

  private shut(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.unsubscribe) off();
    for (const waiting of this.pending.values()) waiting.reject(new ParallaxError('attach-failed', `${reason}: ${waiting.method} got no answer`));
    this.pending.clear();
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
  }

  private describe(): string {
    return `worker thread ${this.worker.threadId ?? this.worker.workerId}`;
  }
}
