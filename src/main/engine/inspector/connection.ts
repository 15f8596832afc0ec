// One WebSocket session with a target's V8 inspector: typed send/on over chrome-remote-interface.
import CDP from 'chrome-remote-interface';
import type { ProtocolMapping } from 'devtools-protocol/types/protocol-mapping';
import { ParallaxError, messageOf } from '../../../shared/errors';

/** Node-only domains, which devtools-protocol does not describe (research/inspector.md §2). */
export interface NodeCommands {
  'NodeRuntime.enable': { params: undefined; result: Record<string, never> };
  'NodeRuntime.notifyWhenWaitingForDisconnect': { params: { enabled: boolean }; result: Record<string, never> };
  'NodeTracing.getCategories': { params: undefined; result: { categories: string[] } };
  'NodeWorker.enable': { params: { waitForDebuggerOnStart: boolean }; result: Record<string, never> };
}
export interface NodeEvents {
  'NodeRuntime.waitingForDisconnect': Record<string, never>;
  'NodeRuntime.waitingForDebugger': Record<string, never>;
}

type CdpCommands = ProtocolMapping.Commands;
type CdpEvents = ProtocolMapping.Events;
type CommandName = keyof CdpCommands | keyof NodeCommands;
type ParamsOf<M extends CommandName> = M extends keyof NodeCommands
  ? NodeCommands[M]['params']
  : M extends keyof CdpCommands
    ? CdpCommands[M]['paramsType'][0]
    : never;
type ResultOf<M extends CommandName> = M extends keyof NodeCommands
  ? NodeCommands[M]['result']
  : M extends keyof CdpCommands
    ? CdpCommands[M]['returnType']
    : never;
type EventName = keyof CdpEvents | keyof NodeEvents;
type EventOf<E extends EventName> = E extends keyof NodeEvents
  ? NodeEvents[E]
  : E extends keyof CdpEvents
    ? CdpEvents[E][0]
    : never;

interface RawClient {
  send(method: string, params?: object): Promise<unknown>;
  on(event: string, listener: (params: unknown) => void): void;
  removeListener(event: string, listener: (params: unknown) => void): void;
  close(): Promise<void>;
}

/**
 * What a capture needs of an inspector session: the top-level WebSocket session, or a worker
 * thread's session tunnelled through it (NodeWorker), which behaves the same.
 */
export interface InspectorSession {
  readonly isClosed: boolean;
  send: InspectorConnection['send'];
  on: InspectorConnection['on'];
  onClose(listener: () => void): () => void;
  evaluate<T>(expression: string, options?: EvaluateOptions): Promise<T>;
  close(): Promise<void>;
}

export interface EvaluateOptions {
  includeCommandLineAPI?: boolean;
  awaitPromise?: boolean;
}

/** Runtime.evaluate by value on any session; an exception in the target becomes a ParallaxError naming `where`. */
export async function evaluateIn<T>(session: Pick<InspectorSession, 'send'>, where: string, expression: string, options: EvaluateOptions = {}): Promise<T> {
  const reply = await session.send('Runtime.evaluate', {
    expression,
    returnByValue: true,
    awaitPromise: options.awaitPromise ?? false,
    silent: true,
    includeCommandLineAPI: options.includeCommandLineAPI ?? false,
  });
  if (reply.exceptionDetails) {
    const detail = reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text;
    throw new ParallaxError('attach-failed', `Evaluation in ${where} failed: ${detail}`);
  }
  return reply.result.value as T;
}

export class InspectorConnection implements InspectorSession {
  private closed = false;
  private readonly closeListeners = new Set<() => void>();

  private constructor(
    private readonly client: RawClient,
    readonly wsUrl: string,
  ) {
    client.on('disconnect', () => {
      this.closed = true;
      for (const listener of this.closeListeners) listener();
    });
  }

  /** Opens a session; throws ParallaxError('connection-refused') when nothing answers. */
  static async open(wsUrl: string): Promise<InspectorConnection> {
    try {
      // local: use the bundled protocol instead of fetching it; Node domains go through send/on by name.
      const client = (await CDP({ target: wsUrl, local: true })) as unknown as RawClient;
      return new InspectorConnection(client, wsUrl);
    } catch (error) {
      throw new ParallaxError('connection-refused', `Could not connect to the inspector at ${wsUrl}: ${messageOf(error)}`);
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send<M extends CommandName>(method: M, ...params: keyof ParamsOf<M> extends never ? [ParamsOf<M>?] : [ParamsOf<M>]): Promise<ResultOf<M>> {
    if (this.closed) return Promise.reject(new ParallaxError('attach-failed', 'The inspector connection is closed'));
    return this.client.send(method, params[0] ?? {}) as Promise<ResultOf<M>>;
  }

  on<E extends EventName>(event: E, listener: (params: EventOf<E>) => void): () => void {
    const raw = listener as (params: unknown) => void;
    this.client.on(event, raw);
    return () => this.client.removeListener(event, raw);
  }

  /** Called once when the socket drops, whoever closed it. */
  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Evaluates an expression in the target and returns its value (by value). Throws on exceptions.
   * awaitPromise is off by default: it never answers once a target waits to exit, because no
   * microtask runs there any more.
   */
  evaluate<T>(expression: string, options: EvaluateOptions = {}): Promise<T> {
    return evaluateIn<T>(this, 'the target', expression, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close().catch(() => undefined);
  }
}
