// Starts a command under the inspector (--inspect-brk on a random port) and reads its ws URL from stderr.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ParallaxError } from '../../../shared/errors';
import { findListeningPorts, isNodeExecutable, listeningSockets, socketOwners } from './processes';

export interface LaunchOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The target's own output; the inspector's announcements are left out. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  signal?: AbortSignal;
  /** How long the command may take to announce its inspector; default 10000. */
  timeoutMs?: number;
}

export interface LaunchedTarget {
  /** Owned by the caller from here on: stop it when the recording ends. */
  child: ChildProcess;
  /** The process behind wsUrl: the child itself, or the Node process a wrapper command started. */
  pid: number;
  wsUrl: string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

// --inspect-brk rather than --inspect-wait: the target also pauses on its program's first line
// when the client enabled the Debugger domain, which tells the client Node's bootstrap is done.
const INSPECT_FLAG = '--inspect-brk=127.0.0.1:0';
const DEFAULT_TIMEOUT_MS = 10_000;
const CLOSE_GRACE_MS = 500;
const ANNOUNCEMENT = /Debugger listening on (ws:\/\/\S+)/;
/** Lines the inspector prints on the target's stderr (research/inspector.md §1.1, §10.1). */
const INSPECTOR_LINES = [
  'Debugger listening on ws://',
  'For help, see: https://nodejs.org/',
  'Debugger attached.',
  'Waiting for the debugger to disconnect...',
  'Debugger ending on ws://',
];

/**
 * Spawns `command` with the inspector waiting on a random loopback port. The target's code does
 * not run until a client connects, sets up its captures and sends Runtime.runIfWaitingForDebugger.
 * Without Debugger.enable it runs on from there; with it, it pauses on the program's first line.
 * A node command gets --inspect-brk as its first option; any other command gets it through
 * NODE_OPTIONS, so the first Node process it starts is the one announced.
 */
export async function launchTarget(command: string[], options: LaunchOptions = {}): Promise<LaunchedTarget> {
  const [program, ...args] = command;
  if (!program) throw new ParallaxError('bad-request', 'The command to launch is empty');
  if (options.signal?.aborted) throw new ParallaxError('attach-failed', 'Launch was cancelled');

  const env = { ...(options.env ?? process.env) };
  const isNode = program === process.execPath || isNodeExecutable(program);
  if (isNode) args.unshift(INSPECT_FLAG);
  else env.NODE_OPTIONS = [env.NODE_OPTIONS, INSPECT_FLAG].filter(Boolean).join(' ');

  const child = spawn(program, args, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    // 'close' comes after the last output, but a descendant that outlives the child keeps the
    // pipes open, so after 'exit' wait for it only briefly.
    child.once('exit', (code, signal) => {
      const timer = setTimeout(() => resolve({ code, signal }), CLOSE_GRACE_MS);
      child.once('close', () => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
    // A command that never started emits 'error' and 'close' but no 'exit'.
    child.once('error', () => {
      if (child.pid === undefined) resolve({ code: null, signal: null });
    });
  });
  child.stdout?.on('data', (chunk: Buffer) => options.onOutput?.('stdout', chunk));
  const stderr = new InspectorLineFilter((text) => options.onOutput?.('stderr', Buffer.from(text)));
  child.stderr?.on('data', (chunk: Buffer) => stderr.write(chunk));
  child.stderr?.on('end', () => stderr.end());

  const name = path.basename(program);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let wsUrl: string;
  try {
    wsUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ParallaxError('attach-failed', `${name} did not start its inspector within ${timeoutMs} ms${lastLine(stderr)}`)),
        timeoutMs,
      );
      const onAbort = () => reject(new ParallaxError('attach-failed', 'Launch was cancelled'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      stderr.onAnnouncement = (url) => {
        settle();
        resolve(url);
      };
      child.once('error', (error: NodeJS.ErrnoException) => {
        settle();
        if (error.code === 'ENOENT') reject(new ParallaxError('attach-failed', `Command not found: ${program}`));
        else if (error.code === 'EACCES') reject(new ParallaxError('attach-failed', `${program} is not executable`));
        else reject(new ParallaxError('attach-failed', `Could not start ${program}: ${error.message}`));
      });
      void exited.then(({ code, signal }) => {
        settle();
        const how = signal ? `was killed by ${signal}` : `exited with code ${code ?? '?'}`;
        reject(new ParallaxError('attach-failed', `${name} ${how} before its inspector started${lastLine(stderr)}`));
      });
    });
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  }
  return { child, pid: await announcedPid(wsUrl, child), wsUrl, exited };
}

/**
 * For a wrapper command (npm, a shell script) the announced inspector belongs to a descendant.
 * The /json/list title cannot tell: while waiting for the debugger it is the script path, not
 * `node[PID]`, so the owner of the listening socket is looked up in /proc instead.
 */
async function announcedPid(wsUrl: string, child: ChildProcess): Promise<number> {
  const childPid = child.pid ?? 0;
  const port = Number(new URL(wsUrl).port);
  if ((await findListeningPorts(childPid)).some((p) => p.port === port)) return childPid;
  const socket = (await listeningSockets(childPid)).find((s) => s.port === port);
  const [owner] = socket ? await socketOwners(socket.inode) : [];
  return owner ?? childPid;
}

function lastLine(filter: InspectorLineFilter): string {
  return filter.lastLine ? `: ${filter.lastLine}` : '';
}

/**
 * Splits stderr into lines, takes the inspector's own lines out and passes everything else on.
 * A partial line is passed on at once unless it could still become an inspector line, so output
 * without a newline (prompts, progress bars) is not held back.
 */
class InspectorLineFilter {
  onAnnouncement: ((wsUrl: string) => void) | null = null;
  lastLine = '';
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  /** The current line was already partly forwarded, so the rest of it is forwarded too. */
  private passing = false;

  constructor(private readonly forward: (text: string) => void) {}

  write(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) !== -1) {
      const line = this.pending.slice(0, newline + 1);
      this.pending = this.pending.slice(newline + 1);
      this.completeLine(line);
    }
    if (this.pending && (this.passing || !INSPECTOR_LINES.some((prefix) => prefix.startsWith(this.pending) || this.pending.startsWith(prefix)))) {
      this.forward(this.pending);
      this.passing = true;
      this.pending = '';
    }
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending) this.completeLine(this.pending);
    this.pending = '';
  }

  private completeLine(line: string): void {
    const text = line.replace(/\r?\n$/, '');
    const wasPassing = this.passing;
    this.passing = false;
    if (!wasPassing && INSPECTOR_LINES.some((prefix) => text.startsWith(prefix))) {
      const announced = ANNOUNCEMENT.exec(text)?.[1];
      if (announced && this.onAnnouncement) {
        const notify = this.onAnnouncement;
        this.onAnnouncement = null;
        notify(announced);
      }
      return;
    }
    if (text.trim()) this.lastLine = text.trim();
    this.forward(line);
  }
}
