// Starts fixture programs as real target processes and stops them again, with bounded waits.
import { type ChildProcess, spawn } from 'node:child_process';

export interface StartedTarget {
  child: ChildProcess;
  pid: number;
  /** Everything the target wrote to stderr so far (inspector announcements land here). */
  stderr(): string;
  /** Everything the target wrote to stdout so far. */
  stdout(): string;
  /** SIGTERM, then SIGKILL if it is still alive after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3000;

/** Runs `process.execPath [...nodeArgs, script, ...args]` and waits for its `ready <pid>` line. */
export async function startTarget(script: string, options: { nodeArgs?: string[]; args?: string[] } = {}): Promise<StartedTarget> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  // Read both pipes for the whole life of the target so a chatty one never blocks on a full pipe.
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const target: StartedTarget = {
    child,
    pid: child.pid ?? -1,
    stderr: () => err,
    stdout: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} printed no ready line within ${READY_TIMEOUT_MS} ms; stderr: ${err}`)), READY_TIMEOUT_MS);
      const onData = (): void => {
        if (/^ready \d+$/m.test(out)) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${script} exited before it was ready (code ${child.exitCode}); stderr: ${err}`));
      });
    });
  } catch (error) {
    await target.stop();
    throw error;
  }
  return target;
}

/** Polls `check` every 50 ms until it is true; throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True while the process exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
