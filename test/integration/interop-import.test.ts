// Profiles made by real tools open as sessions: node --cpu-prof, --heap-prof,
// --trace-events-enabled, v8.writeHeapSnapshot, the OpenTelemetry SDK's OTLP JSON, and pprof.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type Protocol from 'devtools-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importForeignFile } from '../../src/main/engine/interop/import';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';
import { HOT_FUNCTION_LINE, type OtlpFiles, type RealProfiles, captureOtlpJson, pprofFromCpuProfile, pprofFromHeapProfile, recordRealProfiles } from '../support/interop-files';

const cleanups = cleanupsAfterEach();
let dir: string;
let files: RealProfiles;
let otlp: OtlpFiles;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parallax-interop-'));
  [files, otlp] = await Promise.all([recordRealProfiles(dir), captureOtlpJson(dir)]);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isHot = (f: { name: string; url: string }): boolean => f.name === 'hotSpin' && f.url.endsWith('interop-hot-function.cjs');

describe('importForeignFile with files made by real tools', () => {
  it('opens a node --cpu-prof profile: its top function is the fixture\'s hot function, at its 1-based line', async () => {
    const { engine } = openTestEngine(cleanups);
    const progress: number[] = [];
    const { sessionId, format } = await importForeignFile(engine, files.cpuprofile, { onProgress: (p) => progress.push(p.readBytes) });
    expect(format).toBe('cpuprofile');
    expect(progress.at(-1)).toBeGreaterThan(0);
    const summary = await engine.getSummary(sessionId);
    expect(summary.status).toBe('completed');
    expect(summary.name).toMatch(/\.cpuprofile$/);
    expect(summary.target.attachedVia).toContain('import');
    expect(summary.notes['import.clock']).toMatch(/modification time/);
    const hot = summary.topFunctions.find(isHot);
    expect(hot?.line).toBe(HOT_FUNCTION_LINE);
    // The fixture spins ~400 ms in hotSpin: the imported samples say about as much.
    expect(hot!.selfMs).toBeGreaterThan(250);
    expect(hot!.selfMs).toBeLessThan(800);
    const topApp = summary.topFunctions.filter((f) => f.url.includes('interop-hot-function'))[0];
    expect(topApp?.name).toBe('hotSpin');
    const profile = JSON.parse(readFileSync(files.cpuprofile, 'utf8')) as Protocol.Profiler.Profile;
    expect(summary.counts.cpuSamples).toBe(profile.samples!.length);
    expect((await engine.listSessions()).map((s) => s.id)).toContain(sessionId);
  });

  it('opens a gzipped .cpuprofile the same way', async () => {
    const { engine } = openTestEngine(cleanups);
    const gz = join(dir, 'profile.cpuprofile.gz');
    writeFileSync(gz, gzipSync(readFileSync(files.cpuprofile)));
    const { sessionId } = await importForeignFile(engine, gz);
    const summary = await engine.getSummary(sessionId);
    expect(summary.topFunctions.find(isHot)?.line).toBe(HOT_FUNCTION_LINE);
    expect(summary.target.title).toMatch(/gzipped/);
  });

  it('opens a node --heap-prof profile as allocations on their stacks', async () => {
    const { engine } = openTestEngine(cleanups);
    const { sessionId, format } = await importForeignFile(engine, files.heapprofile);
    expect(format).toBe('heapprofile');
    const tree = await engine.getAllocationTree(sessionId);
    // Every sample whose node is in the tree is kept, on its stack; V8 also writes samples of
    // nodes it pruned from the tree, which are counted in the session's notes instead.
    const profile = JSON.parse(readFileSync(files.heapprofile, 'utf8')) as Protocol.HeapProfiler.SamplingHeapProfile;
    const ids = new Set<number>();
    for (const queue = [profile.head]; queue.length > 0; ) {
      const node = queue.pop()!;
      ids.add(node.id);
      queue.push(...node.children);
    }
    const kept = profile.samples.filter((s) => ids.has(s.nodeId));
    expect(tree.totalBytes[0]).toBe(kept.reduce((sum, s) => sum + s.size, 0));
    expect(tree.sampleCount).toBe(kept.length);
    expect(tree.functions.some((f) => f.name === 'Module._load')).toBe(true);
    if (kept.length < profile.samples.length) expect((await engine.getSummary(sessionId)).notes['import.skipped']).toMatch(/the tree does not have/);
  });

  it('opens a v8.writeHeapSnapshot file: copied beside the store and summarised by constructor', async () => {
    const { engine, path } = openTestEngine(cleanups);
    const { sessionId, format } = await importForeignFile(engine, files.heapsnapshot);
    expect(format).toBe('heapsnapshot');
    const [snapshot] = await engine.listHeapSnapshots(sessionId);
    expect(snapshot?.status).toBe('complete');
    expect(snapshot?.sizeBytes).toBe(readFileSync(files.heapsnapshot).length);
    const classes = await engine.getSnapshotClasses(snapshot!.id);
    const objects = classes.find((c) => c.name === 'Object');
    expect(objects!.count).toBeGreaterThan(20_000);
    const copied = join(`${path}.snapshots`, sessionId);
    expect(readFileSync(join(copied, readdirNames(copied)[0]!)).equals(readFileSync(files.heapsnapshot))).toBe(true);
    await engine.deleteSession(sessionId);
  });

  it('opens node --trace-events-enabled output: threads, GC and console.time slices, and CPU samples from ProfileChunk events', async () => {
    const { engine } = openTestEngine(cleanups);
    const { sessionId, format } = await importForeignFile(engine, files.trace);
    expect(format).toBe('chrome-trace');
    const summary = await engine.getSummary(sessionId);
    const main = summary.threads.find((t) => t.name === 'JavaScriptMainThread');
    expect(main).toBeDefined();
    expect(main!.cpuSamples).toBeGreaterThan(100);
    expect(main!.topFunctions.find(isHot)?.line).toBe(HOT_FUNCTION_LINE);
    expect(summary.counts.gcEvents).toBeGreaterThan(0);
    // console.time('spin') around the hot loop: an async b/e pair, stored as one slice.
    const consoleEvents = await engine.getTraceEvents(sessionId, { kinds: ['console'] });
    const spin = consoleEvents.find((e) => e.name === 'time::spin');
    expect(spin?.durationUs).toBeGreaterThan(300_000);
    expect(spin?.durationUs).toBeLessThan(5_000_000);
    // The slice and the hot function's samples line up on one clock.
    const inSpin = await engine.getSummary(sessionId, { fromUs: spin!.timeUs, toUs: spin!.timeUs + spin!.durationUs! });
    expect(inSpin.topFunctions[0]?.name).toBe('hotSpin');
    expect(inSpin.topFunctions[0]!.selfMs).toBeGreaterThan(spin!.durationUs! / 1000 / 4);
    // --cpu-prof and the trace each ran a profile of the main thread: one is kept, and the session says so.
    expect(summary.notes['import.skipped']).toMatch(/second profile/);
    expect(summary.signals).toEqual(expect.arrayContaining(['trace', 'cpu']));
  });

  it('opens the OpenTelemetry SDK\'s OTLP JSON: spans, logs and metrics, and the JSON lines of all three', async () => {
    const { engine } = openTestEngine(cleanups);
    const [traceId, serverSpanId, clientSpanId] = otlp.ids;
    const traces = await importForeignFile(engine, otlp.traces);
    expect(traces.format).toBe('otlp-json');
    const spans = await engine.getSpans(traces.sessionId, {});
    expect(spans.map((s) => s.spanId).sort()).toEqual([serverSpanId, clientSpanId].sort());
    expect(spans.find((s) => s.spanId === clientSpanId)).toMatchObject({ traceId, parentSpanId: serverSpanId, statusCode: 2 });

    const logs = await importForeignFile(engine, otlp.logs);
    const page = await engine.getLogs(logs.sessionId, { offset: 0, limit: 10 });
    expect(page.records[0]).toMatchObject({ text: 'inventory answered 503', level: 'warn', spanId: clientSpanId, traceId });

    const metrics = await importForeignFile(engine, otlp.metrics);
    const series = await engine.getMetrics(metrics.sessionId);
    expect(series.find((s) => s.name === 'orders.processed')?.values.at(-1)).toBe(5);

    const all = await importForeignFile(engine, otlp.lines);
    const summary = await engine.getSummary(all.sessionId);
    expect(summary.counts).toMatchObject({ spans: 2, logs: 1 });
    expect(summary.counts.metricPoints).toBeGreaterThan(3);
    expect(summary.signals).toEqual(expect.arrayContaining(['otlp', 'logs', 'metrics']));
  });

  it('opens pprof encoded by pprof-format from a real profile, gzipped or plain, with and without sample timestamps', async () => {
    const { engine } = openTestEngine(cleanups);
    const profile = JSON.parse(readFileSync(files.cpuprofile, 'utf8')) as Protocol.Profiler.Profile;
    const startNs = BigInt(Date.UTC(2026, 0, 2, 3, 4, 5)) * 1_000_000n;
    const stamped = join(dir, 'stamped.pb.gz');
    writeFileSync(stamped, gzipSync(pprofFromCpuProfile(profile, { timestamps: true, startNs })));
    const plain = join(dir, 'plain.pprof');
    writeFileSync(plain, pprofFromCpuProfile(profile, { timestamps: false, startNs }));
    for (const file of [stamped, plain]) {
      const { sessionId, format } = await importForeignFile(engine, file);
      expect(format).toBe('pprof');
      const summary = await engine.getSummary(sessionId);
      expect(summary.counts.cpuSamples).toBe(profile.samples!.length);
      expect(summary.topFunctions.find(isHot)?.line).toBe(HOT_FUNCTION_LINE);
      expect(summary.startedAt).toBeGreaterThanOrEqual(Number(startNs / 1000n));
      expect(summary.startedAt).toBeLessThan(Number(startNs / 1000n) + 10_000_000);
      expect(summary.notes['import.clock']).toMatch(file === plain ? /spread evenly/ : /end_timestamp_ns/);
    }
  });

  it('opens a pprof heap profile as allocations: the same bytes on the same stacks as the heap profile it was made from', async () => {
    const { engine } = openTestEngine(cleanups);
    const heap = JSON.parse(readFileSync(files.heapprofile, 'utf8')) as Protocol.HeapProfiler.SamplingHeapProfile;
    const file = join(dir, 'heap.pb.gz');
    const timeNanos = BigInt(Date.UTC(2026, 0, 2)) * 1_000_000n;
    writeFileSync(file, gzipSync(pprofFromHeapProfile(heap, timeNanos)));
    const fromPprof = await importForeignFile(engine, file);
    const fromV8 = await importForeignFile(engine, files.heapprofile);
    const a = await engine.getAllocationTree(fromPprof.sessionId);
    const b = await engine.getAllocationTree(fromV8.sessionId);
    expect(a.totalBytes[0]).toBe(b.totalBytes[0]);
    expect(a.sampleCount).toBe(b.sampleCount);
    const bytesOf = (tree: typeof a, name: string): number => tree.functionId.reduce((sum, f, node) => (tree.functions[f]?.name === name ? sum + tree.selfBytes[node]! : sum), 0);
    expect(bytesOf(a, 'Module._load')).toBe(bytesOf(b, 'Module._load'));
    expect((await engine.getSummary(fromPprof.sessionId)).startedAt).toBe(Number(timeNanos / 1000n));
  });
});

function readdirNames(folder: string): string[] {
  return readdirSync(folder);
}
