// The inspector paths on more than one Node major: attach by PID (SIGUSR1) and launch, on the Node
// running the tests and on Node 22 from node_modules, with the default signals and worker threads.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionSummary, TargetSpec } from '../../src/shared/domain';
import { Engine } from '../../src/main/engine/engine';
import { waitFor } from '../support/targets';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';

const WORKERS = resolve(__dirname, '../fixtures/workers-target.cjs');
const NODE22 = resolve(__dirname, '../../node_modules/node22/bin/node');
const FIXTURE_ARGS = ['--busy-main', '--late-after', '600000'];

interface NodeBinary {
  label: string;
  path: string;
  /** What process.versions.node must start with. */
  major: string;
}

const binaries: NodeBinary[] = [{ label: `the test runner's Node ${process.versions.node}`, path: process.execPath, major: `${process.versions.node.split('.')[0]}.` }];
if (existsSync(NODE22)) {
  const version = execFileSync(NODE22, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
  binaries.push({ label: `Node ${version} (node_modules/node22)`, path: NODE22, major: '22.' });
} else {
  console.log(`Skipping the Node 22 runs: ${NODE22} is missing (the node22 dev dependency is not installed)`);
}

const cleanups = cleanupsAfterEach();

function openEngine(): Engine {
  return openTestEngine(cleanups).engine;
}

/** Runs the fixture on `binary` without an inspector and waits for its ready line. */
async function runTarget(binary: string): Promise<ChildProcess> {
  const child = spawn(binary, [WORKERS, ...FIXTURE_ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  });
  await waitFor(`${binary} to run the fixture (stderr: ${err})`, () => /^ready \d+$/m.test(out) || child.exitCode !== null, 10_000);
  expect(child.exitCode).toBeNull();
  return child;
}

async function recordTwoSeconds(engine: Engine, target: TargetSpec): Promise<SessionSummary> {
  const { sessionId } = await engine.startRecording({ target, durationSec: 2 });
  const session = await engine.whenRecordingEnds(sessionId);
  expect(session.status).toBe('completed');
  return engine.getSummary(sessionId);
}

function expectSignals(summary: SessionSummary, binary: NodeBinary): void {
  expect(summary.target.nodeVersion?.startsWith(binary.major)).toBe(true);
  const [main, crunch] = summary.threads;
  expect(summary.threads.map((t) => t.name)).toEqual(['main', 'crunch (worker 1)']);
  // Two spinning threads share two cores with the sampler threads and the recorder.
  expect(main!.topFunctions[0]?.name).toBe('busyMain');
  expect(main!.cpuSamples).toBeGreaterThan(2000 * 0.2);
  expect(crunch!.topFunctions[0]?.name).toBe('crunchInWorker');
  // A launched target boots its worker after the recording starts, so fewer here.
  expect(crunch!.cpuSamples).toBeGreaterThan(2000 * 0.1);
  expect(summary.counts.logs).toBeGreaterThanOrEqual(10);
  expect(summary.counts.metricPoints).toBeGreaterThan(0);
}

describe.each(binaries)('on $label', (binary) => {
  it('attaches by PID (SIGUSR1) and records every signal, workers included', async () => {
    const engine = openEngine();
    const child = await runTarget(binary.path);
    const summary = await recordTwoSeconds(engine, { kind: 'pid', pid: child.pid! });
    expect(summary.target.pid).toBe(child.pid);
    expect(summary.target.attachedVia).toBe(`pid ${child.pid}`);
    expectSignals(summary, binary);
    const logs = await engine.getLogs(summary.id, { offset: 0, limit: 100, text: 'crunch tick' });
    expect(logs.records.length).toBeGreaterThanOrEqual(3);
    expect(logs.records.every((r) => r.threadId === 1)).toBe(true);
  });

  it('launches it under the inspector and records from its first line', async () => {
    const engine = openEngine();
    const summary = await recordTwoSeconds(engine, { kind: 'launch', command: [binary.path, WORKERS, ...FIXTURE_ARGS] });
    expectSignals(summary, binary);
    // The worker waited for the recorder before its first line.
    const logs = await engine.getLogs(summary.id, { offset: 0, limit: 100, text: 'crunch tick 1' });
    expect(logs.records.some((r) => r.text === 'crunch tick 1' && r.threadId === 1)).toBe(true);
  });
});
