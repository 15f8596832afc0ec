// Starts a benchmark target as a real Node process, reads its stdout lines, and stops it again.
import { type ChildProcess, spawn } from 'node:child_process';

export interface BenchTarget {
  child: ChildProcess;
  pid: number;
  /** The inspector WebSocket URL the target announced, when started with --inspect. */
  wsUrl: string | null;
  /** Resolves with the first stdout line matching `pattern`; rejects after `timeoutMs` or if the target exits. */
  nextLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  send(line: string): void;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3000;

/** Runs `node [...nodeArgs] script` and waits for its `ready <pid>` line (and inspector announcement if asked). */
export async function startBenchTarget(script: string, nodeArgs: string[] = []): Promise<BenchTarget> {
  const child = spawn(process.execPath, [...nodeArgs, script], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  let pending = '';
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  // Both pipes are drained for the whole life of the target, so a chatty one never blocks.
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const wake of waiters) wake();
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });

  const waitUntil = <T>(what: string, check: () => T | null, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const finish = (error: Error | null, value?: T): void => {
        clearTimeout(timer);
        waiters.delete(poll);
        if (error) reject(error);
        else resolve(value as T);
      };
      const poll = (): void => {
        const value = check();
        if (value !== null) finish(null, value);
      };
      const timer = setTimeout(() => finish(new Error(`${script}: no ${what} within ${timeoutMs} ms; stderr: ${stderr.slice(-500)}`)), timeoutMs);
      void exited.then(() => finish(new Error(`${script} exited (code ${child.exitCode}) before ${what}; stderr: ${stderr.slice(-500)}`)));
      waiters.add(poll);
      poll();
    });

  let cursor = 0;
  const target: BenchTarget = {
    child,
    pid: child.pid ?? -1,
    wsUrl: null,
    nextLine: (pattern, timeoutMs) =>
      waitUntil(
        `line matching ${pattern}`,
        () => {
          for (; cursor < lines.length; cursor++) {
            if (pattern.test(lines[cursor]!)) return lines[cursor++]!;
          }
          return null;
        },
        timeoutMs,
      ),
    send: (line) => child.stdin!.write(`${line}\n`),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  try {
    await target.nextLine(/^ready \d+$/, READY_TIMEOUT_MS);
    if (nodeArgs.some((arg) => arg.startsWith('--inspect'))) {
      target.wsUrl = await waitUntil('inspector announcement', () => /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1] ?? null, READY_TIMEOUT_MS);
    }
  } catch (error) {
    await target.stop();
    throw error;
  }
  return target;
}
