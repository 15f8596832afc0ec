// Turns a TargetSpec (PID, host:port, ws URL) into an inspector WebSocket URL, opening one by SIGUSR1 if needed.
import net from 'node:net';
import type { TargetSpec } from '../../../shared/domain';
import { ParallaxError, messageOf } from '../../../shared/errors';
import { InspectorConnection } from './connection';
import {
  type InspectorTarget,
  formatAddress,
  hostOfUrl,
  inspectorVersion,
  listInspectorTargets,
  pidFromTitle,
} from './http-endpoints';
import { type ListeningPort, commandLine, describeProcess, findListeningPorts, listeningSockets, socketOwners } from './processes';

export interface ResolvedTarget {
  wsUrl: string;
  pid: number | null;
  nodeVersion: string | null;
  title: string | null;
  /** 'pid 1234' | 'inspect 127.0.0.1:9229' | 'ws ws://...' */
  attachedVia: string;
  /** True when Parallax opened the inspector (SIGUSR1); detachTarget() then closes it again. */
  openedBySignal: boolean;
}

export interface ResolveOptions {
  signal?: AbortSignal;
  /** How long to wait for an inspector opened by SIGUSR1 to appear; default 5000. */
  timeoutMs?: number;
}

/** The port SIGUSR1 makes Node listen on (research/inspector.md §1.2). */
export const SIGNAL_PORT = 9229;
const DEFAULT_TIMEOUT_MS = 5000;
const POLL_INTERVAL_MS = 50;
const PROBE_TIMEOUT_MS = 1000;
const DROP_TIMEOUT_MS = 3000;

/**
 * Finds the inspector for a target. For a PID without an open inspector this sends SIGUSR1 and
 * then moves the new inspector off 9229; the result then has openedBySignal, and the caller
 * should call detachTarget() when done so the target does not keep an open debug port.
 */
export async function resolveTarget(spec: TargetSpec, options: ResolveOptions = {}): Promise<ResolvedTarget> {
  switch (spec.kind) {
    case 'pid':
      return attachByPid(spec.pid, options);
    case 'inspect':
      return attachByAddress(spec.host, spec.port);
    case 'ws':
      return attachByWsUrl(spec.url);
    case 'launch':
      throw new ParallaxError('bad-request', 'A command to launch is started with launchTarget, not attached to');
  }
}

/**
 * Closes an inspector that Parallax opened by SIGUSR1; this drops every session on it, so call it
 * after the captures have stopped. Best effort: the target may be gone, so it never throws.
 */
export async function detachTarget(target: ResolvedTarget): Promise<void> {
  if (!target.openedBySignal) return;
  try {
    await closeInspector(target.wsUrl);
    if (target.pid !== null) {
      const pid = target.pid;
      const port = Number(new URL(target.wsUrl).port);
      await pollUntil(async () => !(await findListeningPorts(pid)).some((p) => p.port === port), 2000);
    }
  } catch {
    // Nothing to report: the target exited, or someone else closed its inspector already.
  }
}

async function attachByPid(pid: number, options: ResolveOptions): Promise<ResolvedTarget> {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new ParallaxError('bad-request', `${pid} is not a valid PID`);
  if (pid === process.pid) throw new ParallaxError('bad-request', `PID ${pid} is Parallax itself`);
  const description = await describeProcess(pid);
  if (!description) throw new ParallaxError('not-found', `No process with PID ${pid}`);
  // SIGUSR1's default action terminates a process, so only ever signal Node.
  if (!description.isNode) throw new ParallaxError('not-node', `PID ${pid} is not a Node.js process`);

  const existing = await findOwnInspector(pid);
  if (existing) return describeFound(pid, existing, false);

  // --inspect-port moves where SIGUSR1 listens, so 9229 only matters without it.
  const customPort = description.argv.some((arg) => arg.startsWith('--inspect-port'));
  if (!customPort) {
    const blocker = await signalPortBlocker(pid);
    if (blocker) throw await portHeldError(blocker);
  }
  sendSigusr1(pid);

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Another attach may take 9229 between our check and the signal; then the target fails to
  // listen without a word. Signal again once that holder has moved off (SIGUSR1 on an open
  // inspector only repeats its announcement, so a second one is harmless).
  let sawOtherHolder = false;
  const waitForInspector = async (): Promise<FoundInspector | null> => {
    const own = await findOwnInspector(pid);
    if (own || customPort) return own;
    if (await signalPortBlocker(pid)) sawOtherHolder = true;
    else if (sawOtherHolder) {
      sawOtherHolder = false;
      sendSigusr1(pid);
    }
    return null;
  };
  let opened: FoundInspector | null;
  try {
    opened = await pollUntil(waitForInspector, timeoutMs, options.signal);
  } catch (error) {
    // Cancelled after the signal: close the inspector if it opened meanwhile.
    const late = await findOwnInspector(pid).catch(() => null);
    if (late) await closeInspector(late.target.webSocketDebuggerUrl).catch(() => undefined);
    throw error;
  }
  if (!opened) {
    if (!(await describeProcess(pid))) throw new ParallaxError('attach-failed', `PID ${pid} exited after SIGUSR1`);
    const blocker = customPort ? null : await signalPortBlocker(pid);
    if (blocker) throw await portHeldError(blocker);
    throw new ParallaxError(
      'attach-failed',
      `PID ${pid} opened no inspector within ${timeoutMs} ms of SIGUSR1: the app may handle SIGUSR1 itself, ` +
        `run with --disable-sigusr1, or be stuck in native code; start it with --inspect=0 instead`,
    );
  }
  if (opened.port !== SIGNAL_PORT) return describeFound(pid, opened, true);
  try {
    return describeFound(pid, await relocate(pid, opened, timeoutMs, options.signal), true);
  } catch (error) {
    // Leave the target as we found it: an inspector Parallax opened must not stay open.
    await closeInspector(opened.target.webSocketDebuggerUrl).catch(() => undefined);
    throw error;
  }
}

async function attachByAddress(host: string, port: number): Promise<ResolvedTarget> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ParallaxError('bad-request', `${port} is not a valid port`);
  const address = formatAddress(host, port);
  const targets = await listInspectorTargets(host, port);
  const target = targets.find((t) => t.type === 'node') ?? targets[0];
  if (!target) throw new ParallaxError('attach-failed', `The inspector at ${address} lists no targets`);
  return {
    wsUrl: target.webSocketDebuggerUrl,
    pid: pidFromTitle(target.title) ?? (await localListener(host, port)),
    nodeVersion: await inspectorVersion(host, port).catch(() => null),
    title: target.title,
    attachedVia: `inspect ${address}`,
    openedBySignal: false,
  };
}

async function attachByWsUrl(wsUrl: string): Promise<ResolvedTarget> {
  let url: URL;
  try {
    url = new URL(wsUrl);
  } catch {
    throw new ParallaxError('bad-request', `${wsUrl} is not a URL; expected ws://host:port/<id>`);
  }
  if ((url.protocol !== 'ws:' && url.protocol !== 'wss:') || url.pathname.length <= 1) {
    throw new ParallaxError('bad-request', `${wsUrl} is not an inspector WebSocket URL; expected ws://host:port/<id>`);
  }
  const resolved: ResolvedTarget = { wsUrl, pid: null, nodeVersion: null, title: null, attachedVia: `ws ${wsUrl}`, openedBySignal: false };
  // The HTTP endpoints are a courtesy here (a tunnel may forward only the WebSocket), and a
  // wss:// endpoint would need https: details stay null rather than failing the attach.
  if (url.protocol !== 'ws:') return resolved;
  const host = hostOfUrl(url);
  const port = Number(url.port || 80);
  const [version, targets] = await Promise.all([
    inspectorVersion(host, port, PROBE_TIMEOUT_MS).catch(() => null),
    listInspectorTargets(host, port, PROBE_TIMEOUT_MS).catch(() => [] as InspectorTarget[]),
  ]);
  const id = url.pathname.slice(1);
  const match = targets.find((t) => t.id === id);
  resolved.nodeVersion = version;
  if (match) {
    resolved.title = match.title;
    resolved.pid = pidFromTitle(match.title) ?? (await localListener(host, port));
  }
  return resolved;
}

interface FoundInspector {
  host: string;
  port: number;
  target: InspectorTarget;
}

/** An inspector on a socket the process itself listens on (from /proc), so no other process's. */
async function findOwnInspector(pid: number, exceptPort?: number): Promise<FoundInspector | null> {
  const ports = (await findListeningPorts(pid)).filter((p) => p.port !== exceptPort);
  const found = await Promise.all(
    ports.map(async ({ host, port }) => {
      const targets = await listInspectorTargets(host, port, PROBE_TIMEOUT_MS).catch(() => [] as InspectorTarget[]);
      // Titles end with `[PID]` only for processes without a main script; otherwise they are the
      // script path. The socket is this process's own, so a target without a PID title is its.
      const untitled = targets.every((t) => pidFromTitle(t.title) === null);
      const target = targets.find((t) => pidFromTitle(t.title) === pid) ?? (untitled ? (targets.find((t) => t.type === 'node') ?? targets[0]) : undefined);
      return target ? { host, port, target } : null;
    }),
  );
  return found.find((f) => f !== null) ?? null;
}

async function describeFound(pid: number, found: FoundInspector, openedBySignal: boolean): Promise<ResolvedTarget> {
  return {
    wsUrl: found.target.webSocketDebuggerUrl,
    pid,
    nodeVersion: await inspectorVersion(found.host, found.port, PROBE_TIMEOUT_MS).catch(() => null),
    title: found.target.title,
    attachedVia: `pid ${pid}`,
    openedBySignal,
  };
}

/**
 * The PID listening on a loopback port, from /proc. Needed because a target's title ends with
 * `[PID]` only without a main script (node -e, REPL); with one, the title is the script path.
 */
async function localListener(host: string, port: number): Promise<number | null> {
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) return null;
  const socket = (await listeningSockets('self')).find((s) => s.port === port);
  const owners = socket ? await socketOwners(socket.inode) : [];
  return owners.length === 1 ? (owners[0] ?? null) : null;
}

/** A socket on 9229 that stops SIGUSR1 from opening 127.0.0.1:9229 in the target's network namespace. */
async function signalPortBlocker(pid: number): Promise<ListeningPort | null> {
  // A wildcard bind (IPv4, or dual-stack IPv6) conflicts with 127.0.0.1 as much as 127.0.0.1 itself.
  const sockets = await listeningSockets(pid);
  return sockets.find((s) => s.port === SIGNAL_PORT && ['127.0.0.1', '0.0.0.0', '::'].includes(s.address)) ?? null;
}

async function portHeldError(blocker: ListeningPort): Promise<ParallaxError> {
  const [owner] = await socketOwners(blocker.inode);
  const description = owner !== undefined ? await describeProcess(owner) : null;
  const holder = description ? `PID ${description.pid} (${commandLine(description.argv).slice(0, 80)})` : 'another process';
  return new ParallaxError(
    'attach-failed',
    `Port ${SIGNAL_PORT}, which SIGUSR1 opens, is held by ${holder}; free it or start the target with --inspect=0`,
  );
}

function sendSigusr1(pid: number): void {
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') throw new ParallaxError('not-found', `No process with PID ${pid}`);
    if (code === 'EPERM') throw new ParallaxError('attach-failed', `No permission to signal PID ${pid}; run Parallax as the user that owns it`);
    throw new ParallaxError('attach-failed', `Could not signal PID ${pid}: ${messageOf(error)}`);
  }
}

/**
 * Moves an inspector from 9229 to a free port so the next SIGUSR1 attach can use 9229 (§1.2).
 * The evaluation drops our session, hence the setImmediate and the wait for the new port.
 */
async function relocate(pid: number, from: FoundInspector, timeoutMs: number, signal?: AbortSignal): Promise<FoundInspector> {
  const port = await pickFreePort();
  // inspector.open does not throw when the port is taken (it only logs), so fall back to port 0;
  // the new port is found through /proc either way. The module is loaded synchronously because
  // the command-line `require` only exists during the evaluation.
  const expression = `(() => {
    const inspector = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('inspector') : require('inspector');
    setImmediate(() => {
      inspector.close();
      inspector.open(${port}, '127.0.0.1');
      if (!inspector.url()) inspector.open(0, '127.0.0.1');
    });
    return 'ok';
  })()`;
  await evaluateUntilDropped(from.target.webSocketDebuggerUrl, expression);
  const moved = await pollUntil(() => findOwnInspector(pid, SIGNAL_PORT), timeoutMs, signal);
  if (!moved) throw new ParallaxError('attach-failed', `PID ${pid}'s inspector did not reopen after moving it off port ${SIGNAL_PORT}`);
  return moved;
}

async function closeInspector(wsUrl: string): Promise<void> {
  await evaluateUntilDropped(
    wsUrl,
    `(() => {
      const inspector = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('inspector') : require('inspector');
      setImmediate(() => inspector.close());
      return true;
    })()`,
  );
}

/**
 * Runs an expression that closes the target's inspector, then waits for the target to drop the
 * session. Closing from our side at the same moment can leave the target blocked for good inside
 * inspector.close() (seen about once in 40 relocations on a loaded machine, Node 20), so the
 * socket is closed by us only if the target has not done it in time.
 */
async function evaluateUntilDropped(wsUrl: string, expression: string): Promise<void> {
  const connection = await InspectorConnection.open(wsUrl);
  try {
    const dropped = new Promise<void>((resolve) => connection.onClose(resolve));
    await connection.evaluate<unknown>(expression, { includeCommandLineAPI: true });
    await Promise.race([dropped, new Promise((resolve) => setTimeout(resolve, DROP_TIMEOUT_MS).unref())]);
  } finally {
    await connection.close();
  }
}

function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Calls `check` until it returns something truthy or the deadline passes (then null). */
async function pollUntil<T>(check: () => Promise<T | null | false>, timeoutMs: number, signal?: AbortSignal): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) throw new ParallaxError('attach-failed', 'Attach was cancelled');
    const result = await check();
    if (result) return result;
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
