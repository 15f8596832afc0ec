// The `parallax` command line as a user runs it: real CLI processes against real targets.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { announcedWsUrl, tempStorePath } from '../support/store-files';
import { type StartedTarget, startTarget, waitFor } from '../support/targets';
import { cleanupsAfterEach } from '../support/cleanups';

const ROOT = resolve(__dirname, '../..');
const CLI = resolve(ROOT, 'bin/parallax.js');
const SCENARIO = resolve(ROOT, 'test/fixtures/scenario-target.cjs');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

function runCli(args: string[]): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = runCli(args);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

const cleanups = cleanupsAfterEach();

function store(): string {
  const s = tempStorePath();
  cleanups.push(() => s.remove());
  return s.path;
}

async function inspectedTarget(): Promise<{ target: StartedTarget; address: string }> {
  const target = await startTarget(SCENARIO, { nodeArgs: ['--inspect=127.0.0.1:0'] });
  cleanups.push(() => target.stop());
  await waitFor('the inspector announcement', () => announcedWsUrl(target.stderr()) !== null);
  return { target, address: new URL(announcedWsUrl(target.stderr())!).host };
}

function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]).toMatch(/^parallax: /);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('parallax record, sessions, summary', () => {
  it('records by host:port, prints the session id last, and summarises it as JSON', async () => {
    const path = store();
    const { target, address } = await inspectedTarget();
    const recorded = await cli(['record', '--inspect', address, '--duration', '1.5', '--name', 'cli run', '--store', path]);
    expect(recorded.code).toBe(0);
    const id = recorded.stdout.trim().split('\n').at(-1)!;
    expect(id).toMatch(UUID);

    const listed = await cli(['sessions', '--store', path, '--json']);
    expect(JSON.parse(listed.stdout).map((s: { id: string }) => s.id)).toEqual([id]);

    const summary = await cli(['summary', id.slice(0, 8), '--store', path, '--json']);
    expect(summary.code).toBe(0);
    const json = JSON.parse(summary.stdout);
    expect(json).toMatchObject({ id, name: 'cli run', status: 'completed', target: { pid: target.pid, nodeVersion: process.versions.node } });
    expect(json.endedAt - json.startedAt).toBeGreaterThan(1.4e6);
    expect(json.counts.cpuSamples).toBeGreaterThan(500);
    expect(json.counts.logs).toBeGreaterThan(5);
    expect(json.counts.metricPoints).toBeGreaterThan(20);
    expect(json.topFunctions.length).toBeLessThanOrEqual(20);
    expect(json.topFunctions[0]).toMatchObject({ name: 'hotFunction' });
    for (const f of json.topFunctions) {
      expect(Object.keys(f).sort()).toEqual(['line', 'name', 'selfMs', 'totalMs', 'url']);
      expect(f.totalMs).toBeGreaterThanOrEqual(f.selfMs);
    }

    // A window restricts the counts: the first half second holds fewer samples than the whole.
    const window = await cli(['summary', id, '--store', path, '--json', '--from', String(json.startedAt), '--to', String(json.startedAt + 500_000)]);
    const part = JSON.parse(window.stdout);
    expect(part.counts.cpuSamples).toBeGreaterThan(0);
    expect(part.counts.cpuSamples).toBeLessThan(json.counts.cpuSamples);
  });

  it('launches a command after --, and Ctrl-C stops and saves', async () => {
    const path = store();
    const run = runCli(['record', '--store', path, '--', process.execPath, SCENARIO]);
    await waitFor('recording to start', () => run.stderr().includes('Recording session'), 15_000);
    await new Promise((r) => setTimeout(r, 2500));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    const id = run.stdout().trim().split('\n').at(-1)!;
    expect(id).toMatch(UUID);
    // The target's own output reaches the user on stderr.
    expect(run.stderr()).toContain('ready ');
    const json = JSON.parse((await cli(['summary', id, '--store', path, '--json'])).stdout);
    expect(json.status).toBe('completed');
    expect(json.counts.cpuSamples).toBeGreaterThan(500);
  });

  it('marks a recording whose recorder was killed as interrupted, keeping its data', async () => {
    const path = store();
    const { address } = await inspectedTarget();
    const run = runCli(['record', '--inspect', address, '--store', path]);
    await waitFor('recording to start', () => run.stderr().includes('Recording session'), 15_000);
    await new Promise((r) => setTimeout(r, 2800));
    run.child.kill('SIGKILL');
    await run.exited;
    const sessions = JSON.parse((await cli(['sessions', '--store', path, '--json'])).stdout);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].status).toBe('interrupted');
    const json = JSON.parse((await cli(['summary', sessions[0].id, '--store', path, '--json'])).stdout);
    expect(json.counts.cpuSamples).toBeGreaterThan(0);
    expect(json.counts.metricPoints).toBeGreaterThan(0);
  });
});

describe('parallax errors are one line and a non-zero exit', () => {
  it('refuses bad arguments', async () => {
    const none = await cli(['record', '--store', store()]);
    expect(none.code).toBe(2);
    expectOneLineError(none.stderr, /needs exactly one target/);
    const badSignal = await cli(['record', '--pid', '1', '--signals', 'cpu,bogus']);
    expect(badSignal.code).toBe(2);
    expectOneLineError(badSignal.stderr, /Unknown signal "bogus"/);
    const badFlag = await cli(['sessions', '--frobnicate']);
    expect(badFlag.code).toBe(2);
    expectOneLineError(badFlag.stderr, /frobnicate/);
    const unknown = await cli(['explode']);
    expect(unknown.code).toBe(2);
    expectOneLineError(unknown.stderr, /Unknown command "explode"/);
  });

  it('names an unknown session, a refused connection and a PID that is not Node', async () => {
    const path = store();
    const missing = await cli(['summary', 'no-such-session', '--store', path, '--json']);
    expect(missing.code).toBe(1);
    expectOneLineError(missing.stderr, /No session "no-such-session"/);
    const refused = await cli(['record', '--inspect', '127.0.0.1:1', '--store', path]);
    expect(refused.code).toBe(1);
    expectOneLineError(refused.stderr, /Nothing is listening on 127\.0\.0\.1:1/);
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanups.push(() => void sleeper.kill('SIGKILL'));
    const notNode = await cli(['record', '--pid', String(sleeper.pid), '--store', path]);
    expect(notNode.code).toBe(1);
    expectOneLineError(notNode.stderr, new RegExp(`PID ${sleeper.pid} is not a Node.js process`));
    expect(sleeper.exitCode).toBeNull();
  });

  it('refuses a store written by a newer Parallax without touching it', async () => {
    const path = store();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path);
    db.pragma('user_version = 999');
    db.close();
    const result = await cli(['sessions', '--store', path]);
    expect(result.code).toBe(1);
    expectOneLineError(result.stderr, /newer Parallax \(schema 999\)/);
    const again = new Database(path, { readonly: true });
    expect(again.pragma('user_version', { simple: true })).toBe(999);
    again.close();
  });
});

describe('parallax ps', () => {
  it('lists a running Node process with its version and whether an inspector is open', async () => {
    const plain = await startTarget(SCENARIO);
    cleanups.push(() => plain.stop());
    const { target: inspected, address } = await inspectedTarget();
    const result = await cli(['ps', '--json']);
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout) as { pid: number; command: string; nodeVersion: string; inspectorPort: number | null }[];
    const a = list.find((p) => p.pid === plain.pid);
    const b = list.find((p) => p.pid === inspected.pid);
    expect(a).toMatchObject({ nodeVersion: process.versions.node, inspectorPort: null });
    expect(a?.command).toContain('scenario-target.cjs');
    expect(b?.inspectorPort).toBe(Number(address.split(':')[1]));
  });
});
