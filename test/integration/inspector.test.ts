// Discovery, attach (PID, host:port, ws URL) and launch against real Node processes.
// The tests run one after another (one file): several of them need port 9229 to themselves.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InspectorConnection,
  detachTarget,
  findListeningPorts,
  launchTarget,
  listInspectorTargets,
  listNodeProcesses,
  resolveTarget,
} from '../../src/main/engine/inspector';
import { ParallaxError } from '../../src/shared/errors';
import { type StartedTarget, isAlive, startTarget, waitFor } from '../support/targets';

const fixtures = path.resolve(__dirname, '../fixtures');
const busyTarget = path.join(fixtures, 'busy-target.cjs');
const sigusr1Handler = path.join(fixtures, 'sigusr1-handler.cjs');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(script: string, nodeArgs: string[] = []): Promise<StartedTarget> {
  const target = await startTarget(script, { nodeArgs });
  cleanups.push(() => target.stop());
  return target;
}

async function connect(wsUrl: string): Promise<InspectorConnection> {
  const connection = await InspectorConnection.open(wsUrl);
  cleanups.push(() => connection.close());
  return connection;
}

/** Starts a target with --inspect=0 and reads its port from the announcement on stderr. */
async function startInspected(): Promise<{ target: StartedTarget; port: number; wsUrl: string }> {
  const target = await start(busyTarget, ['--inspect=127.0.0.1:0']);
  await waitFor('the inspector announcement', () => /Debugger listening on ws:/.test(target.stderr()));
  const match = /Debugger listening on (ws:\/\/127\.0\.0\.1:(\d+)\/\S+)/.exec(target.stderr());
  if (!match?.[1] || !match[2]) throw new Error(`no announcement in: ${target.stderr()}`);
  return { target, port: Number(match[2]), wsUrl: match[1] };
}

function tcpAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function cmdlineOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return ''; // exited meanwhile
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<ParallaxError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ParallaxError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('listNodeProcesses', () => {
  it('lists a running Node process with its version and no inspector port', async () => {
    const target = await start(busyTarget);
    const processes = await listNodeProcesses();
    const entry = processes.find((p) => p.pid === target.pid);
    expect(entry).toBeDefined();
    expect(entry?.command).toContain('busy-target.cjs');
    expect(entry?.nodeVersion).toBe(process.versions.node);
    expect(entry?.inspectorPort).toBeNull();
    expect(processes.some((p) => p.pid === process.pid)).toBe(false);
  });

  it('shows the port of a process started with --inspect=0', async () => {
    const { target, port } = await startInspected();
    const entry = (await listNodeProcesses()).find((p) => p.pid === target.pid);
    expect(entry?.inspectorPort).toBe(port);
  });
});

describe('resolveTarget by PID', () => {
  beforeEach(async () => {
    // Another run on this machine may hold 9229 briefly; wait for it rather than fail spuriously.
    await waitFor('port 9229 to be free', async () => !(await tcpAnswers(9229)), 15_000);
  });

  it('opens the inspector with SIGUSR1, moves it off 9229, and closes it on detach', async () => {
    const target = await start(busyTarget);
    const resolved = await resolveTarget({ kind: 'pid', pid: target.pid }).catch((error: unknown) => {
      throw new Error(`${String(error)}; target stderr: ${JSON.stringify(target.stderr())}`);
    });
    expect(resolved.openedBySignal).toBe(true);
    expect(resolved.pid).toBe(target.pid);
    expect(resolved.attachedVia).toBe(`pid ${target.pid}`);
    expect(resolved.nodeVersion).toBe(process.versions.node);
    // With a main script the title is its path; `node[PID]` appears only for node -e and the REPL.
    expect(resolved.title).toBe(busyTarget);

    const port = Number(new URL(resolved.wsUrl).port);
    expect(port).not.toBe(9229);
    const listed = await listInspectorTargets('127.0.0.1', port);
    expect(listed.map((t) => t.webSocketDebuggerUrl)).toContain(resolved.wsUrl);
    expect((await findListeningPorts(target.pid)).map((p) => p.port)).toContain(port);
    expect(await tcpAnswers(9229)).toBe(false);

    const connection = await InspectorConnection.open(resolved.wsUrl);
    expect(await connection.evaluate<number>('1+1')).toBe(2);
    await connection.close();

    await detachTarget(resolved);
    expect(await tcpAnswers(port)).toBe(false);
    expect(isAlive(target.pid)).toBe(true);
  });

  it('uses an inspector the process already has, without a signal', async () => {
    const { target, wsUrl } = await startInspected();
    const resolved = await resolveTarget({ kind: 'pid', pid: target.pid });
    expect(resolved.openedBySignal).toBe(false);
    expect(resolved.wsUrl).toBe(wsUrl);
    expect(await tcpAnswers(9229)).toBe(false);
  });

  it('refuses a process that is not Node and leaves it alone', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = sleeper.pid ?? -1;
    cleanups.push(() => {
      sleeper.kill('SIGKILL');
    });
    await waitFor('sleep to exec', () => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep'));
    const error = await rejectionOf(resolveTarget({ kind: 'pid', pid }));
    expect(error.code).toBe('not-node');
    expect(error.message).toBe(`PID ${pid} is not a Node.js process`);
    expect(isAlive(pid)).toBe(true);
    expect(sleeper.exitCode).toBeNull();
  });

  it('reports a PID that does not exist', async () => {
    const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    const error = await rejectionOf(resolveTarget({ kind: 'pid', pid: pidMax + 1 }));
    expect(error.code).toBe('not-found');
    expect(error.message).toBe(`No process with PID ${pidMax + 1}`);
  });

  it('names the holder of 9229 instead of signalling', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(9229, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const target = await start(busyTarget);

    const error = await rejectionOf(resolveTarget({ kind: 'pid', pid: target.pid }));
    expect(error.code).toBe('attach-failed');
    expect(error.message).toContain(`Port 9229, which SIGUSR1 opens, is held by PID ${process.pid}`);
    expect(error.message).not.toContain('\n');
    expect(target.stderr()).not.toContain('Starting inspector');
  });

  it('gives up within the deadline when the app handles SIGUSR1 itself', async () => {
    const target = await start(sigusr1Handler);
    const startedAt = Date.now();
    const error = await rejectionOf(resolveTarget({ kind: 'pid', pid: target.pid }, { timeoutMs: 1500 }));
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(error.code).toBe('attach-failed');
    expect(error.message).toContain('handle SIGUSR1 itself');
    await waitFor('the handler to run', () => target.stdout().includes('got SIGUSR1'));
    expect(isAlive(target.pid)).toBe(true);
  });
});

describe('resolveTarget by address', () => {
  it('attaches by host:port', async () => {
    const { target, port, wsUrl } = await startInspected();
    const resolved = await resolveTarget({ kind: 'inspect', host: '127.0.0.1', port });
    expect(resolved).toMatchObject({ wsUrl, pid: target.pid, nodeVersion: process.versions.node, attachedVia: `inspect 127.0.0.1:${port}`, openedBySignal: false });
    const connection = await connect(resolved.wsUrl);
    expect(await connection.evaluate<number>('1+1')).toBe(2);
  });

  it('attaches by ws URL', async () => {
    const { target, wsUrl } = await startInspected();
    const resolved = await resolveTarget({ kind: 'ws', url: wsUrl });
    expect(resolved).toMatchObject({ wsUrl, pid: target.pid, nodeVersion: process.versions.node, attachedVia: `ws ${wsUrl}`, openedBySignal: false });
    const connection = await connect(resolved.wsUrl);
    expect(await connection.evaluate<number>('1+1')).toBe(2);
  });

  it('rejects a URL that is not an inspector WebSocket URL', async () => {
    const error = await rejectionOf(resolveTarget({ kind: 'ws', url: 'http://127.0.0.1:9229/abc' }));
    expect(error.code).toBe('bad-request');
  });

  it('says nothing is listening on a refused port, in one line', async () => {
    const port = await freePort();
    const error = await rejectionOf(resolveTarget({ kind: 'inspect', host: '127.0.0.1', port }));
    expect(error.code).toBe('connection-refused');
    expect(error.message).toBe(`Nothing is listening on 127.0.0.1:${port}`);
  });

  it('says when a port answers but is not an inspector', async () => {
    // resume() reads the request, so the client's FIN is seen and close() can finish.
    const server = net.createServer((socket) => socket.resume().end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as net.AddressInfo;
    const error = await rejectionOf(resolveTarget({ kind: 'inspect', host: '127.0.0.1', port }));
    expect(error.code).toBe('attach-failed');
    expect(error.message).toContain('not as a Node.js inspector');
  });
});

describe('launchTarget', () => {
  it('starts a node command waiting for the debugger and forwards only its own output', async () => {
    const output: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
    const launched = await launchTarget([process.execPath, busyTarget], {
      onOutput: (stream, chunk) => (output[stream] += chunk.toString()),
    });
    cleanups.push(async () => {
      launched.child.kill('SIGKILL');
      await launched.exited;
    });
    expect(launched.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);
    expect(launched.pid).toBe(launched.child.pid);

    const connection = await connect(launched.wsUrl);
    expect(output.stdout).toBe(''); // still waiting for the debugger
    await connection.send('Runtime.runIfWaitingForDebugger');
    await waitFor('the ready line', () => output.stdout.includes(`ready ${launched.pid}`));
    await connection.close();
    launched.child.kill('SIGTERM');
    expect(await launched.exited).toEqual({ code: 0, signal: null });
    expect(output.stderr).toBe('');
  });

  it('passes the inspector through NODE_OPTIONS to a wrapper command', async () => {
    const output: string[] = [];
    const launched = await launchTarget(['/bin/sh', '-c', `"${process.execPath}" "${busyTarget}"; echo done`], {
      onOutput: (_stream, chunk) => output.push(chunk.toString()),
    });
    cleanups.push(async () => {
      launched.child.kill('SIGKILL');
      process.kill(launched.pid, 'SIGKILL');
      await launched.exited;
    });
    expect(launched.pid).not.toBe(launched.child.pid);
    const connection = await connect(launched.wsUrl);
    await connection.send('Runtime.runIfWaitingForDebugger');
    await waitFor('the ready line', () => output.join('').includes(`ready ${launched.pid}`));
  });

  it('kills a command that never announces an inspector, on timeout or abort', async () => {
    // sleep ignores NODE_OPTIONS, so it never opens an inspector; a distinct duration identifies it.
    const running = (seconds: string): boolean =>
      readdirSync('/proc').some((pid) => /^\d+$/.test(pid) && cmdlineOf(pid) === `sleep\0${seconds}\0`);
    const timedOut = await rejectionOf(launchTarget(['sleep', '31.25'], { timeoutMs: 300 }));
    expect(timedOut.message).toBe('sleep did not start its inspector within 300 ms');
    await waitFor('the timed-out sleep to be killed', () => !running('31.25'));

    const controller = new AbortController();
    const launching = launchTarget(['sleep', '31.5'], { signal: controller.signal });
    await waitFor('sleep to start', () => running('31.5'));
    controller.abort();
    expect((await rejectionOf(launching)).message).toBe('Launch was cancelled');
    await waitFor('the cancelled sleep to be killed', () => !running('31.5'));
  });

  it('says when the command does not exist', async () => {
    const error = await rejectionOf(launchTarget(['/no/such/command-xyz', 'arg']));
    expect(error.code).toBe('attach-failed');
    expect(error.message).toBe('Command not found: /no/such/command-xyz');
  });

  it('reports the exit code and last stderr line of a command that exits before its inspector starts', async () => {
    const error = await rejectionOf(launchTarget(['/bin/sh', '-c', 'echo "missing config" >&2; exit 3']));
    expect(error.code).toBe('attach-failed');
    expect(error.message).toBe('sh exited with code 3 before its inspector started: missing config');
  });
});
