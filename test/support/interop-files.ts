// Files made by real tools for import tests: Node's own --cpu-prof, --heap-prof,
// --trace-events-enabled and v8.writeHeapSnapshot on a fixture, the OpenTelemetry JS SDK's OTLP
// JSON bodies caught by a tiny local HTTP server, and pprof encoded by pprof-format from a real
// .cpuprofile (there is no Go toolchain or pprof producer on this machine).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Protocol from 'devtools-protocol';
import { Function as PprofFunction, Label, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';

export const HOT_FIXTURE = fileURLToPath(new URL('../fixtures/interop-hot-function.cjs', import.meta.url));
const OTEL_FIXTURE = fileURLToPath(new URL('../fixtures/otel-target.cjs', import.meta.url));
/** Where `function hotSpin` is declared in the fixture (1-based, as editors show it). */
export const HOT_FUNCTION_LINE = 4;

export function runNode(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv } = { cwd: process.cwd() }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`node ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

export interface RealProfiles {
  cpuprofile: string;
  heapprofile: string;
  heapsnapshot: string;
  trace: string;
}

/** Runs the hot-function fixture under Node's profilers; returns the files they wrote. */
export async function recordRealProfiles(dir: string): Promise<RealProfiles> {
  const snapshot = join(dir, 'fixture.heapsnapshot');
  await runNode(
    [`--cpu-prof`, `--cpu-prof-dir=${join(dir, 'cpu')}`, '--heap-prof', `--heap-prof-dir=${join(dir, 'heap')}`, '--heap-prof-interval=4096', HOT_FIXTURE, 'snapshot', snapshot],
    { cwd: dir },
  );
  // A run of its own (the trace is written to the working folder); V8 traces ProfileChunk events
  // only while a profile runs, so --cpu-prof starts one.
  await runNode(
    ['--cpu-prof', `--cpu-prof-dir=${join(dir, 'trace-cpu')}`, '--trace-events-enabled', '--trace-event-categories', 'v8,node,node.console,disabled-by-default-v8.cpu_profiler', HOT_FIXTURE],
    { cwd: dir },
  );
  const only = (sub: string): string => join(dir, sub, readdirSync(join(dir, sub))[0]!);
  return { cpuprofile: only('cpu'), heapprofile: only('heap'), heapsnapshot: snapshot, trace: join(dir, 'node_trace.1.log') };
}

export interface OtlpFiles {
  traces: string;
  logs: string;
  metrics: string;
  /** All three requests as JSON lines, as the collector's file exporter writes them. */
  lines: string;
  /** The ids the fixture printed: trace id, server span id, client span id. */
  ids: string[];
}

/** Runs the OpenTelemetry SDK fixture against a local HTTP server and saves each OTLP JSON body it posts. */
export async function captureOtlpJson(dir: string): Promise<OtlpFiles> {
  const bodies = new Map<string, Buffer>();
  const server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      bodies.set(request.url ?? '', Buffer.concat(parts));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const stdout = await runNode([OTEL_FIXTURE, 'json'], { cwd: dir, env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` } });
    const ids = /flushed (\S+) (\S+) (\S+)/.exec(stdout)?.slice(1) ?? [];
    const save = (signal: string): string => {
      const body = bodies.get(`/v1/${signal}`);
      if (!body) throw new Error(`the SDK posted nothing to /v1/${signal}`);
      const file = join(dir, `otlp-${signal}.json`);
      writeFileSync(file, body);
      return file;
    };
    const files = { traces: save('traces'), logs: save('logs'), metrics: save('metrics') };
    const lines = join(dir, 'otlp-collector.jsonl');
    writeFileSync(lines, [files.traces, files.logs, files.metrics].map((f) => readFileSync(f, 'utf8').trim()).join('\n') + '\n');
    return { ...files, lines, ids };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * A pprof CPU profile of a real .cpuprofile: one location per call-tree node, 1-based lines,
 * one pprof sample per V8 sample, with an end_timestamp_ns label when `timestamps` is set.
 */
export function pprofFromCpuProfile(profile: Protocol.Profiler.Profile, options: { timestamps: boolean; startNs: bigint }): Uint8Array {
  const strings = new StringTable();
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const functions: PprofFunction[] = [];
  const functionIds = new Map<string, number>();
  const locations: Location[] = [];
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const key = `${f.functionName}\u0000${f.url}`;
    let functionId = functionIds.get(key);
    if (functionId === undefined) {
      functionId = functions.length + 1;
      functionIds.set(key, functionId);
      functions.push(new PprofFunction({ id: functionId, name: strings.dedup(f.functionName || '(anonymous)'), filename: strings.dedup(f.url) }));
    }
    locations.push(new Location({ id: node.id, line: [new Line({ functionId, line: f.lineNumber + 1, column: f.columnNumber + 1 })] }));
  }
  const root = profile.nodes[0]!.id;
  const stampKey = strings.dedup('end_timestamp_ns');
  const samples: Sample[] = [];
  let t = profile.startTime;
  (profile.samples ?? []).forEach((nodeId, i) => {
    t += profile.timeDeltas?.[i] ?? 0;
    const chain: number[] = [];
    for (let at: number | undefined = nodeId; at !== undefined && at !== root; at = parentOf.get(at)) chain.push(at);
    const label = options.timestamps ? [new Label({ key: stampKey, num: options.startNs + BigInt(Math.round((t - profile.startTime) * 1000)) })] : [];
    samples.push(new Sample({ locationId: chain, value: [1, 1000 * Math.max(1, profile.timeDeltas?.[i] ?? 1)], label }));
  });
  const encoded = new Profile({
    sampleType: [new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') }), new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') })],
    sample: samples,
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: options.startNs,
    durationNanos: Math.round((profile.endTime - profile.startTime) * 1000),
    periodType: new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') }),
    period: 1_000_000,
  });
  return encoded.encode();
}

/** A pprof heap profile (alloc_objects/count, alloc_space/bytes) of a real .heapprofile: one pprof sample per V8 sample. */
export function pprofFromHeapProfile(profile: Protocol.HeapProfiler.SamplingHeapProfile, timeNanos: bigint): Uint8Array {
  const strings = new StringTable();
  const functions: PprofFunction[] = [];
  const locations: Location[] = [];
  const chainOf = new Map<number, number[]>();
  for (const queue: { node: Protocol.HeapProfiler.SamplingHeapProfileNode; chain: number[] }[] = [{ node: profile.head, chain: [] }]; queue.length > 0; ) {
    const { node, chain } = queue.pop()!;
    const own = node === profile.head ? chain : [node.id, ...chain];
    if (node !== profile.head) {
      const f = node.callFrame;
      functions.push(new PprofFunction({ id: node.id, name: strings.dedup(f.functionName || '(anonymous)'), filename: strings.dedup(f.url) }));
      locations.push(new Location({ id: node.id, line: [new Line({ functionId: node.id, line: f.lineNumber + 1 })] }));
    }
    chainOf.set(node.id, own);
    for (const child of node.children) queue.push({ node: child, chain: own });
  }
  const samples = profile.samples.filter((s) => chainOf.has(s.nodeId)).map((s) => new Sample({ locationId: chainOf.get(s.nodeId)!, value: [1, s.size] }));
  return new Profile({
    sampleType: [new ValueType({ type: strings.dedup('alloc_objects'), unit: strings.dedup('count') }), new ValueType({ type: strings.dedup('alloc_space'), unit: strings.dedup('bytes') })],
    sample: samples,
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos,
  }).encode();
}
