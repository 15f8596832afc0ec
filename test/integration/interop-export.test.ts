// Real recordings out through every interop format, read back by real consumers: speedscope (the
// npm package's built app, in Chromium) imports the .cpuprofile and the Chrome trace; pprof-format's
// decoder reads the pprof; Parallax's strict OTLP receiver takes the OTLP/JSON files and a push.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver } from '../../src/main/engine/capture/otlp';
import { Engine } from '../../src/main/engine/engine';
import { exportSession } from '../../src/main/engine/interop/export';
import { SessionWriter } from '../../src/main/engine/store/session-writer';
import { Store } from '../../src/main/engine/store/store';
import { REPO_ROOT, artifactPath, browserSkipReason, launchChromium } from '../support/e2e-browser';
import { readChromeTrace, readCpuProfile, readPprof } from '../support/interop-checks';
import { openInSpeedscope } from '../support/speedscope';
import { tempStorePath } from '../support/store-files';

const SCENARIO = resolve(__dirname, '../fixtures/scenario-target.cjs');
const OTEL = resolve(__dirname, '../fixtures/otel-target.cjs');
const WORKERS = resolve(__dirname, '../fixtures/workers-target.cjs');
/** 1-based line of `function hotFunction` in the scenario fixture. */
const HOT_LINE = readFileSync(SCENARIO, 'utf8').split('\n').findIndex((l) => l.startsWith('function hotFunction')) + 1;
const skipBrowser = browserSkipReason();
if (skipBrowser) console.warn(`speedscope checks skipped: ${skipBrowser}`);

const storeFile = tempStorePath();
const outDir = mkdtempSync(join(tmpdir(), 'parallax-interop-'));
let engine: Engine;
let scenarioId: string;
let otelId: string;
let otelOut = '';
let browser: Browser | null = null;
const receivers: { close(): Promise<void> | void }[] = [];

beforeAll(async () => {
  engine = Engine.open({ storePath: storeFile.path, onTargetOutput: (stream, chunk) => void (stream === 'stdout' && (otelOut += chunk.toString())) });
  scenarioId = (
    await engine.startRecording({
      target: { kind: 'launch', command: [process.execPath, SCENARIO] },
      durationSec: 2,
      signals: ['cpu', 'logs', 'metrics', 'heap', 'trace'],
    })
  ).sessionId;
  await engine.whenRecordingEnds(scenarioId);
  otelId = (await engine.startRecording({ target: { kind: 'launch', command: [process.execPath, OTEL, 'json'] }, signals: ['otlp', 'cpu'] })).sessionId;
  await engine.whenRecordingEnds(otelId);
  if (!skipBrowser) browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  for (const receiver of receivers) await receiver.close();
  await browser?.close();
  await engine.close();
  storeFile.remove();
  rmSync(outDir, { recursive: true, force: true });
});

/** A fresh store with one session and Parallax's OTLP receiver writing into it. */
async function receiverInto(): Promise<{ store: Store; writer: SessionWriter; endpoint: string }> {
  const store = Store.open(':memory:');
  store.sessions.create({
    id: 'received',
    name: 'received',
    startedUs: Date.now() * 1000,
    target: { pid: null, nodeVersion: null, title: null, attachedVia: 'test' },
    signals: ['otlp'],
    intervalUs: 1000,
  });
  const writer = new SessionWriter(store, 'received', (error) => {
    throw error;
  });
  const receiver = await OtlpReceiver.start({ store, writer });
  receivers.push({ close: () => store.close() }, { close: () => writer.close() }, receiver);
  return { store, writer, endpoint: receiver.endpoint };
}

/** `parallax ARGS` as a child process, with a deadline. */
function runCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/parallax.js', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((done) =>
    child.once('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    }),
  );
}

async function postJson(url: string, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: readFileSync(path) });
  return { status: response.status, body: await response.text() };
}

describe('a recorded CPU profile, exported', () => {
  it('as .cpuprofile, which speedscope imports with the fixture hot function on top', async () => {
    const files = exportSession(engine.store, scenarioId, 'cpuprofile', join(outDir, 'cpuprofile'));
    expect(files.map((f) => f.path.split('/').pop())).toEqual(['0-main.cpuprofile']);
    const profile = readCpuProfile(files[0]!.path);
    const summary = await engine.getSummary(scenarioId);
    expect(profile.samples).toHaveLength(summary.counts.cpuSamples);
    const hot = profile.nodes.filter((n) => n.callFrame.functionName === 'hotFunction');
    expect(hot.length).toBeGreaterThan(0);
    expect(hot[0]!.callFrame.url).toContain('scenario-target.cjs');
    expect(hot[0]!.callFrame.lineNumber).toBe(HOT_LINE - 1);
    if (!browser) return;
    const view = await openInSpeedscope(browser, files[0]!.path, artifactPath('speedscope-cpuprofile.png'));
    expect(view.errors).toEqual([]);
    expect(view.importedAs).toBe('Chrome CPU Profile');
    expect(view.sandwich).toContain('hotFunction');
  }, 60_000);

  it('as Chrome trace JSON with samples, trace events, logs and metrics, which speedscope reads as a DevTools timeline', async () => {
    const path = join(outDir, 'trace.json');
    exportSession(engine.store, scenarioId, 'chrome-trace', path);
    const events = readChromeTrace(path);
    const summary = await engine.getSummary(scenarioId);
    expect(events.find((e) => e.ph === 'M' && e.name === 'thread_name')?.args).toEqual({ name: 'main' });
    expect(events.filter((e) => e.name === 'Profile')).toHaveLength(1);
    const chunks = events.filter((e) => e.name === 'ProfileChunk');
    const data = chunks.map((e) => e.args!.data as { cpuProfile: { samples: number[] }; timeDeltas: number[] });
    expect(data.reduce((n, d) => n + d.cpuProfile.samples.length, 0)).toBe(summary.counts.cpuSamples);
    expect(events.filter((e) => e.ph === 'i' && e.name.startsWith('tick ')).length).toBeGreaterThan(5);
    expect(events.filter((e) => e.ph === 'C').length).toBe(summary.counts.metricPoints);
    expect(events.filter((e) => e.ph === 'X').length).toBeGreaterThan(0);
    // One time base: every event of the recording falls within it, in epoch microseconds.
    const session = engine.store.sessions.get(scenarioId);
    const timed = events.filter((e) => e.ph !== 'M');
    expect(timed.every((e) => e.ts >= session.startedAt - 5e6 && e.ts <= session.endedAt! + 5e6)).toBe(true);
    if (!browser) return;
    const view = await openInSpeedscope(browser, path, artifactPath('speedscope-chrome-trace.png'));
    expect(view.errors).toEqual([]);
    expect(view.importedAs).toBe('Chrome Timeline Object');
    expect(view.sandwich).toContain('hotFunction');
  }, 60_000);

  it('as pprof, which pprof-format decodes with 1-based lines, every sample and the heap allocations', async () => {
    const files = exportSession(engine.store, scenarioId, 'pprof', join(outDir, 'pprof'));
    expect(files.map((f) => f.path.split('/').pop())).toEqual(['cpu.pb.gz', 'heap.pb.gz']);
    const cpu = readPprof(files[0]!.path);
    const summary = await engine.getSummary(scenarioId);
    expect(cpu.total('samples')).toBe(summary.counts.cpuSamples);
    const hot = cpu.profile.function.find((f) => cpu.str(f.name) === 'hotFunction')!;
    expect(cpu.str(hot.filename)).toContain('scenario-target.cjs');
    expect(Number(hot.startLine)).toBe(HOT_LINE);
    expect(cpu.str(cpu.profile.periodType!.type)).toBe('cpu');
    const heap = readPprof(files[1]!.path);
    expect(heap.total('alloc_objects')).toBe(summary.counts.heapSamples);
    expect(heap.total('alloc_space')).toBeGreaterThan(0);
  });

  it('as OTLP/JSON logs and metrics that the strict receiver takes whole', async () => {
    const files = exportSession(engine.store, scenarioId, 'otlp-json', join(outDir, 'otlp'));
    expect(files.map((f) => f.path.split('/').pop())).toEqual(['logs.json', 'metrics.json']);
    const { store, writer, endpoint } = await receiverInto();
    for (const file of files) {
      const answer = await postJson(`${endpoint}/v1/${file.path.endsWith('logs.json') ? 'logs' : 'metrics'}`, file.path);
      expect(answer).toEqual({ status: 200, body: '{}' });
    }
    writer.flush();
    const summary = await engine.getSummary(scenarioId);
    expect(store.logs.count('received')).toBe(summary.counts.logs);
    expect(store.metrics.count('received')).toBe(summary.counts.metricPoints);
  });
});

describe('a recording with worker threads, exported', () => {
  it('gives one .cpuprofile per thread, each with its own hot function, and one Profile per thread in the trace', async () => {
    const { sessionId } = await engine.startRecording({
      target: { kind: 'launch', command: [process.execPath, WORKERS, '--late-after', '300'] },
      durationSec: 2,
      signals: ['cpu', 'workers'],
    });
    await engine.whenRecordingEnds(sessionId);
    const files = exportSession(engine.store, sessionId, 'cpuprofile', join(outDir, 'workers'));
    expect(files.map((f) => f.path.split('/').pop())).toEqual(['0-main.cpuprofile', '1-crunch_worker_1.cpuprofile', '2-late_worker_2.cpuprofile']);
    const hottest = (path: string): string => {
      const profile = readCpuProfile(path);
      return profile.nodes.reduce((best, n) => (n.hitCount > best.hitCount ? n : best)).callFrame.functionName;
    };
    expect(hottest(files[1]!.path)).toBe('crunchInWorker');
    expect(hottest(files[2]!.path)).toBe('crunchLate');
    const path = join(outDir, 'workers-trace.json');
    exportSession(engine.store, sessionId, 'chrome-trace', path);
    const events = readChromeTrace(path);
    expect(events.filter((e) => e.name === 'Profile').map((e) => e.tid)).toEqual([1, 2, 3]);
    expect(events.filter((e) => e.name === 'thread_name').map((e) => e.args!.name)).toEqual(['main', 'crunch (worker 1)', 'late (worker 2)']);
  }, 60_000);
});

describe('a recording of an OpenTelemetry SDK, exported and pushed', () => {
  function ids(): { traceId: string; parentId: string; childId: string } {
    const flushed = /flushed ([0-9a-f]{32}) ([0-9a-f]{16}) ([0-9a-f]{16})/.exec(otelOut);
    expect(flushed, otelOut).not.toBeNull();
    return { traceId: flushed![1]!, parentId: flushed![2]!, childId: flushed![3]! };
  }

  it('gives OTLP/JSON traces the receiver stores with the same ids, parents and attributes', async () => {
    const { traceId, parentId, childId } = ids();
    const files = exportSession(engine.store, otelId, 'otlp-json', join(outDir, 'otel'));
    expect(files.map((f) => f.path.split('/').pop())).toEqual(['traces.json', 'logs.json', 'metrics.json']);
    const { store, writer, endpoint } = await receiverInto();
    expect(await postJson(`${endpoint}/v1/traces`, files[0]!.path)).toEqual({ status: 200, body: '{}' });
    expect(await postJson(`${endpoint}/v1/logs`, files[1]!.path)).toEqual({ status: 200, body: '{}' });
    writer.flush();
    const spans = store.spans.list('received');
    expect(spans.map((s) => [s.traceId, s.spanId, s.parentSpanId]).sort()).toEqual(
      [
        [traceId, parentId, null],
        [traceId, childId, parentId],
      ].sort(),
    );
    const original = await engine.getSpans(otelId, {});
    for (const span of spans) {
      const before = original.find((s) => s.spanId === span.spanId)!;
      expect(span).toMatchObject({ name: before.name, kind: before.kind, startUs: before.startUs, endUs: before.endUs, statusCode: before.statusCode });
      expect(span.attributes).toMatchObject(before.attributes);
      expect(span.resource).toMatchObject({ 'service.name': 'otel-fixture' });
    }
    const log = store.logs.page('received', { offset: 0, limit: 5 }).records[0]!;
    expect(log).toMatchObject({ text: 'inventory answered 503', traceId, spanId: childId, severityNumber: 13 });
    expect(log.attributes).toMatchObject({ 'order.id': 7, resource: { 'service.name': 'otel-fixture' } });
  });

  it('gives Chrome trace spans as async slices of one id per trace, the child inside its parent', () => {
    const { traceId, parentId, childId } = ids();
    const path = join(outDir, 'otel-trace.json');
    exportSession(engine.store, otelId, 'chrome-trace', path);
    const slices = readChromeTrace(path).filter((e) => e.cat === 'span');
    expect(slices.map((e) => e.ph).sort()).toEqual(['b', 'b', 'e', 'e']);
    expect(new Set(slices.map((e) => e.id2?.global))).toEqual(new Set([`0x${traceId}`]));
    const begin = (id: string) => slices.find((e) => e.ph === 'b' && (e.args as { spanId: string }).spanId === id)!;
    expect(begin(childId).ts).toBeGreaterThanOrEqual(begin(parentId).ts);
    expect((begin(childId).args as { parentSpanId: string }).parentSpanId).toBe(parentId);
  });

  it('pushes through the command line to an OTLP receiver, printing what each signal sent', async () => {
    const { store, writer, endpoint } = await receiverInto();
    // The receiver lives in this process: the command must run without blocking it.
    const run = await runCli(['push', otelId.slice(0, 8), '--otlp', endpoint, '--store', storeFile.path]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^traces: 2 in 1 requests to http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/m);
    expect(run.stdout).toMatch(/^logs: 1 in 1 requests/m);
    writer.flush();
    expect(store.spans.count('received')).toBe(2);
    expect(store.logs.count('received')).toBe(1);
    expect(store.metrics.count('received')).toBeGreaterThan(0);
  }, 60_000);

  it('refuses an unknown format and a push without a destination with one line each', async () => {
    const cli = (args: string[]) => runCli([...args, '--store', storeFile.path]);
    const badFormat = await cli(['export', otelId, '--format', 'svg', '--out', join(outDir, 'x')]);
    expect(badFormat.status).toBe(2);
    expect(badFormat.stderr.split('\n')[0]).toBe('parallax: export wants --format bundle|cpuprofile|chrome-trace|pprof|otlp-json, got "svg"');
    const noUrl = await cli(['push', otelId]);
    expect(noUrl.status).toBe(2);
    expect(noUrl.stderr.split('\n')[0]).toBe('parallax: push wants one of --otlp URL or --pyroscope URL');
    const unknown = await cli(['export', 'nope', '--format', 'pprof', '--out', join(outDir, 'y')]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe('parallax: No session "nope" in this store\n');
  }, 60_000);
});
