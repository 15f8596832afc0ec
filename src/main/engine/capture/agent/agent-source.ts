// The code injected into the target: turns Node's diagnostics_channel HTTP events into spans and
// sends them in batches through a CDP binding. Written as real functions so the compiler checks
// them; their source text is what gets evaluated, so they may use nothing from outside themselves.
import type * as AsyncHooks from 'node:async_hooks';
import type * as Crypto from 'node:crypto';
import type * as DiagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { parseTraceparent } from './traceparent';

/** The global the agent lives on while installed (idempotence and uninstall go through it). */
export const AGENT_GLOBAL = '__parallaxAgent';
/** The CDP binding the agent sends its batches through. */
export const SPANS_BINDING = '__parallaxSpans';

export interface AgentConfig {
  /** Who holds the agent: each recording renews its own lease; the last one out uninstalls. */
  holderId: string;
  bindingName: string;
  batchIntervalMs: number;
  batchMaxSpans: number;
  /** Spans waiting beyond this are dropped and counted (nobody is reading them). */
  maxQueuedSpans: number;
  /** Without a renewal for this long, a holder is gone (Parallax crashed): the agent removes itself when none is left. */
  leaseMs: number;
}

/**
 * A span in flight in the target. It leaves as one line of the wire format (agent-wire.ts):
 * plain text, because JSON and the inspector's escaping of it cost the target far more per span.
 */
interface SpanInFlight {
  kind: 2 | 3;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  startUs: number;
  method: string;
  methodOriginal: string;
  path: string;
  address: string;
  port: string;
}

export interface AgentInstallResult {
  state: 'installed' | 'present';
  resource: Record<string, string | number>;
}

/** What renew() answers: the agent's own counts. */
export interface AgentStats {
  sent: number;
  dropped: number;
}

/** The agent as it sits on globalThis. */
export interface InstalledAgent {
  renew(holderId: string): AgentStats;
  /** Flushes, drops the holder, and uninstalls when it was the last one. */
  release(holderId: string): AgentStats;
  flush(): void;
  uninstall(): void;
}

type Loader = (name: string) => unknown;
type Parser = typeof parseTraceparent;

/** Installs the agent unless one is there already (then only adds the holder). Runs in the target. */
export function httpSpansAgent(load: Loader, config: AgentConfig, parse: Parser): AgentInstallResult {
  const scope = globalThis as unknown as Record<string, unknown>;
  const proc = process;
  const resource: Record<string, string | number> = {
    'service.name': (() => {
      const title = proc.title;
      if (title && !/(^|[\\/])node(\.exe)?$/i.test(title)) return title;
      const script = proc.argv[1];
      if (script) return (script.split(/[\\/]/).pop() ?? script).replace(/\.[cm]?[jt]s$/, '');
      return 'node';
    })(),
    'process.pid': proc.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': proc.versions.node,
  };
  const existing = scope['__parallaxAgent'] as InstalledAgent | undefined;
  if (existing) {
    existing.renew(config.holderId);
    return { state: 'present', resource };
  }

  const dc = load('node:diagnostics_channel') as typeof DiagnosticsChannel;
  const crypto = load('node:crypto') as typeof Crypto;
  const { AsyncLocalStorage } = load('node:async_hooks') as typeof AsyncHooks;
  // The server span a piece of async work belongs to: the only way to parent outgoing calls.
  const activeSpan = new AsyncLocalStorage<SpanInFlight>();
  const originMs = performance.timeOrigin;
  const nowUs = (): number => Math.round((originMs + performance.now()) * 1000);
  const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

  // Random ids from a refilled pool: one randomBytes call per few hundred ids.
  let pool = crypto.randomBytes(4096);
  let poolAt = 0;
  const newId = (bytes: number): string => {
    for (;;) {
      if (poolAt + bytes > pool.length) {
        pool = crypto.randomBytes(4096);
        poolAt = 0;
      }
      const id = pool.toString('hex', poolAt, poolAt + bytes);
      poolAt += bytes;
      if (!/^0+$/.test(id)) return id;
    }
  };

  let queue: string[] = [];
  let dropped = 0;
  let sent = 0;
  const holders = new Map<string, number>();

  const flush = (): void => {
    if (queue.length === 0) return;
    const lines = queue;
    queue = [];
    const send = scope[config.bindingName];
    if (typeof send !== 'function') {
      dropped += lines.length;
      return;
    }
    try {
      (send as (payload: string) => void)(`v1|${dropped}\n${lines.join('\n')}`);
      sent += lines.length;
    } catch {
      dropped += lines.length;
    }
  };

  // Separators and line breaks cannot appear inside a field: they are percent-encoded.
  const field = (text: string, maxLength: number): string => text.slice(0, maxLength).replace(/[|\r\n]/g, encodeURIComponent);

  const finish = (span: SpanInFlight, status: number, errorType: string): void => {
    if (queue.length >= config.maxQueuedSpans) {
      dropped++;
      return;
    }
    const { kind, traceId, spanId, parentSpanId, startUs, method, methodOriginal, path, address, port } = span;
    queue.push(`${kind}|${traceId}|${spanId}|${parentSpanId}|${startUs}|${nowUs()}|${method}|${methodOriginal}|${path}|${status > 0 ? status : ''}|${errorType}|${address}|${port}`);
    if (queue.length >= config.batchMaxSpans) flush();
  };

  const startSpan = (kind: 2 | 3, method: unknown, url: unknown, parent: { traceId: string; spanId: string } | null): SpanInFlight => {
    const upper = typeof method === 'string' ? method.toUpperCase() : '';
    const known = KNOWN_METHODS.has(upper);
    const text = typeof url === 'string' ? url : '/';
    const query = text.indexOf('?');
    return {
      kind,
      traceId: parent ? parent.traceId : newId(16),
      spanId: newId(8),
      parentSpanId: parent ? parent.spanId : '',
      startUs: nowUs(),
      method: known ? upper : '_OTHER',
      methodOriginal: known || typeof method !== 'string' ? '' : field(method, 64),
      path: field(query === -1 ? text : text.slice(0, query), 1024) || '/',
      address: '',
      port: '',
    };
  };

  // rawHeaders, not headers: reading `headers` would make Node build the object the app may never ask for.
  // A header sent twice is invalid for traceparent, so the join makes it fail to parse, as it should.
  const headerOf = (raw: string[], name: string): string | undefined => {
    let found: string | undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const key = raw[i]!;
      if (key.length === name.length && key.toLowerCase() === name) found = found === undefined ? raw[i + 1] : `${found}, ${raw[i + 1]}`;
    }
    return found;
  };

  const setServerAddress = (span: SpanInFlight, host: unknown, fallbackPort: number): void => {
    if (typeof host !== 'string' || host.length === 0 || host.length > 300) return;
    const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host);
    if (!match) return;
    span.address = field((match[1] ?? '').replace(/^\[|\]$/g, ''), 300);
    span.port = match[2] ?? String(fallbackPort);
  };

  // Spans in flight, keyed by the objects the start and end events share; weak so that an
  // exchange that never ends (aborted, errored without an event) leaves nothing behind.
  const serverSpans = new WeakMap<object, SpanInFlight>();
  const clientSpans = new WeakMap<object, SpanInFlight>();
  const fetchSpans = new WeakMap<object, SpanInFlight>();

  // A subscriber that throws would surface as an uncaught exception in the app: none may throw.
  const handlers: Record<string, (message: unknown) => void> = {
    'http.server.request.start': (message) => {
      const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
      const incoming = parse(headerOf(request.rawHeaders, 'traceparent'));
      const span = startSpan(2, request.method, request.url, incoming && { traceId: incoming.traceId, spanId: incoming.parentSpanId });
      serverSpans.set(response, span);
      // Everything the handler does from here on (in this tick and what it schedules) runs under it.
      activeSpan.enterWith(span);
    },
    'http.server.response.finish': (message) => {
      const { response } = message as { response: ServerResponse };
      const span = serverSpans.get(response);
      if (!span) return;
      serverSpans.delete(response);
      finish(span, response.statusCode, response.statusCode >= 500 ? String(response.statusCode) : '');
    },
    'http.client.request.start': (message) => {
      const { request } = message as { request: ClientRequest };
      const span = startSpan(3, request.method, request.path, activeSpan.getStore() ?? null);
      const https = request.protocol === 'https:';
      setServerAddress(span, request.getHeader('host') ?? request.host, https ? 443 : 80);
      clientSpans.set(request, span);
    },
    'http.client.response.finish': (message) => {
      const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
      const span = clientSpans.get(request);
      if (!span) return;
      clientSpans.delete(request);
      const status = response.statusCode ?? 0;
      finish(span, status, status >= 400 ? String(status) : '');
    },
    'http.client.request.error': (message) => {
      const { request, error } = message as { request: ClientRequest; error: unknown };
      const span = clientSpans.get(request);
      if (!span) return;
      clientSpans.delete(request);
      finish(span, 0, error instanceof Error ? field(error.name, 64) || 'Error' : 'Error');
    },
    'undici:request:create': (message) => {
      const { request } = message as { request: { method?: unknown; path?: unknown; origin?: unknown } };
      const span = startSpan(3, request.method, request.path, activeSpan.getStore() ?? null);
      try {
        const origin = new URL(String(request.origin));
        setServerAddress(span, origin.host, origin.protocol === 'https:' ? 443 : 80);
      } catch {
        // An origin we cannot read leaves the address out.
      }
      fetchSpans.set(request, span);
    },
    'undici:request:headers': (message) => {
      const { request, response } = message as { request: object; response: { statusCode?: unknown } };
      const span = fetchSpans.get(request);
      if (!span) return;
      fetchSpans.delete(request);
      const status = typeof response.statusCode === 'number' ? response.statusCode : 0;
      finish(span, status, status >= 400 ? String(status) : '');
    },
    'undici:request:error': (message) => {
      const { request, error } = message as { request: object; error: unknown };
      const span = fetchSpans.get(request);
      if (!span) return;
      fetchSpans.delete(request);
      finish(span, 0, error instanceof Error ? field(error.name, 64) || 'Error' : 'Error');
    },
  };

  const subscribed: [string, (message: unknown) => void][] = [];
  for (const [channel, handle] of Object.entries(handlers)) {
    const guarded = (message: unknown): void => {
      try {
        handle(message);
      } catch {
        dropped++;
      }
    };
    dc.subscribe(channel, guarded);
    subscribed.push([channel, guarded]);
  }

  const uninstall = (): void => {
    clearInterval(timer);
    for (const [channel, guarded] of subscribed) dc.unsubscribe(channel, guarded);
    subscribed.length = 0;
    activeSpan.disable();
    queue = [];
    holders.clear();
    delete scope['__parallaxAgent'];
    delete scope[config.bindingName];
  };

  const timer = setInterval(() => {
    flush();
    const now = Date.now();
    for (const [holder, deadline] of holders) if (deadline < now) holders.delete(holder);
    if (holders.size === 0) uninstall();
  }, config.batchIntervalMs);
  timer.unref();

  const agent: InstalledAgent = {
    renew(holderId) {
      holders.set(holderId, Date.now() + config.leaseMs);
      return { sent, dropped };
    },
    release(holderId) {
      flush();
      holders.delete(holderId);
      const stats = { sent, dropped };
      if (holders.size === 0) uninstall();
      return stats;
    },
    flush,
    uninstall,
  };
  agent.renew(config.holderId);
  scope['__parallaxAgent'] = agent;
  return { state: 'installed', resource };
}

/**
 * The expression that installs the agent. Modules come from process.getBuiltinModule, or from
 * the command-line API's require on Node versions without it (evaluate with includeCommandLineAPI).
 * `__name` stands in for the helper some compilers insert to keep function names.
 */
export function agentInstallExpression(config: AgentConfig): string {
  const loader = `(typeof process.getBuiltinModule === 'function' ? (n) => process.getBuiltinModule(n) : require)`;
  return `(() => { const __name = (f) => f; return (${httpSpansAgent.toString()})(${loader}, ${JSON.stringify(config)}, (${parseTraceparent.toString()})); })()`;
}

/** Renews a holder's lease; null when no agent is installed (it removed itself, or never was). */
export function agentRenewExpression(holderId: string): string {
  return `globalThis.${AGENT_GLOBAL}?.renew(${JSON.stringify(holderId)}) ?? null`;
}

/** Flushes and lets go of the agent; the last holder out uninstalls it. */
export function agentReleaseExpression(holderId: string): string {
  return `globalThis.${AGENT_GLOBAL}?.release(${JSON.stringify(holderId)}) ?? null`;
}
