// Finds local Node.js processes through Linux /proc: which are Node, their version, their inspector port.
import { execFile } from 'node:child_process';
import { readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { NodeProcessInfo } from '../../../shared/domain';
import { inspectorVersion } from './http-endpoints';

const MAX_COMMAND_CHARS = 400;
const VERSION_TIMEOUT_MS = 2000;
const PROBE_TIMEOUT_MS = 500;

/** A TCP socket in LISTEN state. */
export interface ListeningPort {
  /** The bound address as written ("0.0.0.0", "::", "127.0.0.1"). */
  address: string;
  /** An address to connect to: the bound one, or loopback for a wildcard. */
  host: string;
  port: number;
  inode: number;
}

export interface ProcessDescription {
  pid: number;
  /** argv as the process sees it. */
  argv: string[];
  /** Resolved executable, or null when /proc/PID/exe cannot be read (another user's process). */
  exe: string | null;
  isNode: boolean;
}

/** Every Node.js process on this machine except the caller, with version and open inspector port. */
export async function listNodeProcesses(): Promise<NodeProcessInfo[]> {
  const entries = await readdir('/proc');
  const pids = entries.filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => pid !== process.pid);
  const described = await Promise.all(pids.map((pid) => describeProcess(pid)));
  const nodes = described.filter((d): d is ProcessDescription => d !== null && d.isNode);
  const infos = await Promise.all(
    nodes.map(async (d): Promise<NodeProcessInfo> => {
      const inspector = await findInspectorPort(d.pid);
      const nodeVersion = (await versionOfProcess(d)) ?? inspector?.version ?? null;
      return { pid: d.pid, command: commandLine(d.argv), nodeVersion, inspectorPort: inspector?.port ?? null };
    }),
  );
  return infos.sort((a, b) => a.pid - b.pid);
}

/** What /proc says about a PID, or null when there is no such process. */
export async function describeProcess(pid: number): Promise<ProcessDescription | null> {
  let argv: string[];
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    argv = raw.split('\0');
    if (argv.at(-1) === '') argv.pop();
  } catch {
    return null;
  }
  const exe = await readlink(`/proc/${pid}/exe`).catch(() => null);
  // Kernel threads and zombies have an empty cmdline and no exe: never Node.
  const isNode = exe !== null ? isNodeExecutable(exe) : argv[0] !== undefined && isNodeExecutable(argv[0]);
  return { pid, argv, exe, isNode };
}

export async function isNodeProcess(pid: number): Promise<boolean> {
  return (await describeProcess(pid))?.isNode ?? false;
}

/**
 * True for a path whose file name is node, nodejs, or node with a version suffix (node20, node-22.1).
 * Stricter than "starts with node" so that e.g. node_exporter, which SIGUSR1 would kill, never passes.
 */
export function isNodeExecutable(file: string): boolean {
  const name = path.basename(file.replace(/ \(deleted\)$/, ''));
  return /^node(?:js)?(?:[-_.]?\d[\d.]*)?$/.test(name);
}

/** TCP sockets the process listens on (IPv4 and IPv6), read from its own network namespace. */
export async function findListeningPorts(pid: number): Promise<ListeningPort[]> {
  const inodes = await socketInodes(pid);
  if (inodes.size === 0) return [];
  const listening = await listeningSockets(pid);
  return listening.filter((socket) => inodes.has(socket.inode));
}

/** LISTEN sockets visible in a process's network namespace (/proc/PID/net/tcp and tcp6). */
export async function listeningSockets(pid: number | 'self'): Promise<ListeningPort[]> {
  const tables = await Promise.all([
    readFile(`/proc/${pid}/net/tcp`, 'utf8').catch(() => ''),
    readFile(`/proc/${pid}/net/tcp6`, 'utf8').catch(() => ''),
  ]);
  return tables.flatMap((table) => parseListenRows(table));
}

/** The PIDs holding a socket inode; empty when those processes belong to another user. */
export async function socketOwners(inode: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const owners = await Promise.all(pids.map(async (pid) => ((await socketInodes(pid)).has(inode) ? pid : null)));
  return owners.filter((pid): pid is number => pid !== null);
}

/** The command line as one string for display, shortened when long. */
export function commandLine(argv: string[]): string {
  // A process that set process.title pads its cmdline with spaces.
  const text = argv.join(' ').trim();
  return text.length > MAX_COMMAND_CHARS ? `${text.slice(0, MAX_COMMAND_CHARS - 1)}…` : text;
}

async function findInspectorPort(pid: number): Promise<{ port: number; version: string } | null> {
  const ports = await findListeningPorts(pid);
  // Probe in parallel: a server process may listen on many ports, and most will not answer.
  const answers = await Promise.all(
    ports.map(async ({ host, port }) => {
      try {
        return { port, version: await inspectorVersion(host, port, PROBE_TIMEOUT_MS) };
      } catch {
        return null;
      }
    }),
  );
  return answers.find((answer) => answer !== null) ?? null;
}

async function socketInodes(pid: number): Promise<Set<number>> {
  const inodes = new Set<number>();
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  await Promise.all(
    fds.map(async (fd) => {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match?.[1]) inodes.add(Number(match[1]));
    }),
  );
  return inodes;
}

function parseListenRows(table: string): ListeningPort[] {
  const sockets: ListeningPort[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const state = fields[3];
    const inode = fields[9];
    if (!local || state !== '0A' || !inode) continue;
    const [hexAddress, hexPort] = local.split(':');
    if (!hexAddress || !hexPort) continue;
    const address = decodeAddress(hexAddress);
    const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
    sockets.push({ address, host, port: parseInt(hexPort, 16), inode: Number(inode) });
  }
  return sockets;
}

/** Decodes a /proc/net/tcp{,6} address (little-endian 32-bit words): "0100007F" → "127.0.0.1". */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => [6, 4, 2, 0].map((i) => parseInt(word.slice(i, i + 2), 16)));
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return bytes.slice(12).join('.'); // IPv4-mapped
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // The URL parser writes IPv6 in its canonical compressed form ("::1", "::").
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

const versionByExe = new Map<string, Promise<string | null>>();

function versionOfProcess(d: ProcessDescription): Promise<string | null> {
  const exe = d.exe ?? (d.argv[0] && path.isAbsolute(d.argv[0]) ? d.argv[0] : null);
  if (!exe) return Promise.resolve(null);
  // A binary replaced since the process started (upgrade) shows as "(deleted)"; the old one is
  // still reachable through /proc/PID/exe, so run that one and do not share its cache entry.
  const deleted = exe.endsWith(' (deleted)');
  const key = deleted ? `${exe}#${d.pid}` : exe;
  let version = versionByExe.get(key);
  if (!version) {
    version = runVersion(deleted ? `/proc/${d.pid}/exe` : exe);
    versionByExe.set(key, version);
  }
  return version;
}

function runVersion(exe: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(exe, ['--version'], { timeout: VERSION_TIMEOUT_MS, env: {} }, (error, stdout) => {
      const match = /^v?(\d+\.\d+\.\d+\S*)/.exec(stdout.trim());
      resolve(!error && match?.[1] ? match[1] : null);
    });
  });
}
