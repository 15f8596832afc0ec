// Importing large files made elsewhere: a Chrome trace and a .cpuprofile of hundreds of MB each,
// imported into a store, against the bare streaming parse of the same file (the JSON tokenizer
// with nothing to do) in the same run. Reports MB/s of both, their ratio, and Parallax's peak RSS
// growth during the import against the file's size: a streaming import keeps that ratio far
// below 1 however large the file (a whole-file parse needs several times the file).
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type JsonScanHandler, JsonScanner } from '../../src/main/engine/capture/heap/json-scanner';
import { Engine } from '../../src/main/engine/engine';
import { importForeignFile } from '../../src/main/engine/interop/import';

const TRACE_MEGABYTES = Number(process.env.PARALLAX_BENCH_TRACE_MB ?? 400);
const PROFILE_MEGABYTES = Number(process.env.PARALLAX_BENCH_PROFILE_MB ?? 200);
const RSS_POLL_MS = 20;
const MB = 1024 * 1024;

/** A trace like node's: X slices on 8 threads, B/E pairs, async b/e, counters, GC; ~170 bytes an event. */
export function writeTrace(file: string, megabytes: number): void {
  const fd = openSync(file, 'w');
  let written = 0;
  let ts = 1_000_000;
  let parts: string[] = [];
  const flush = (): void => {
    const text = parts.join('');
    writeSync(fd, text);
    written += Buffer.byteLength(text);
    parts = [];
  };
  parts.push('{"traceEvents":[');
  for (let tid = 0; tid < 8; tid++) parts.push(`{"ph":"M","name":"thread_name","pid":1,"tid":${100 + tid},"ts":0,"args":{"name":"worker-${tid}"}},`);
  let i = 0;
  while (written < megabytes * MB) {
    for (let k = 0; k < 20_000; k++, i++) {
      ts += 7;
      const tid = 100 + (i % 8);
      switch (i % 10) {
        case 0:
          parts.push(`{"ph":"B","cat":"app","name":"handle","pid":1,"tid":${tid},"ts":${ts},"args":{"route":"/orders/${i % 97}"}},`);
          break;
        case 1:
          parts.push(`{"ph":"E","cat":"app","name":"handle","pid":1,"tid":${tid - 1},"ts":${ts}},`);
          break;
        case 2:
          parts.push(`{"ph":"b","cat":"node,node.console","name":"time::op","id":"0x${(i % 4096).toString(16)}","pid":1,"tid":${tid},"ts":${ts}},`);
          break;
        case 3:
          parts.push(`{"ph":"e","cat":"node,node.console","name":"time::op","id":"0x${((i - 1) % 4096).toString(16)}","pid":1,"tid":${tid},"ts":${ts}},`);
          break;
        case 4:
          parts.push(`{"ph":"C","cat":"app","name":"queue","pid":1,"tid":${tid},"ts":${ts},"args":{"depth":${i % 31}}},`);
          break;
        case 5:
          parts.push(`{"ph":"X","cat":"devtools.timeline,v8","name":"MinorGC","pid":1,"tid":${tid},"ts":${ts},"dur":${i % 900},"args":{"usedHeapSizeBefore":${i * 3},"usedHeapSizeAfter":${i}}},`);
          break;
        default:
          parts.push(`{"ph":"X","cat":"app","name":"step-${i % 50}","pid":1,"tid":${tid},"ts":${ts},"dur":${i % 500},"tts":${ts - 99},"args":{"n":${i}}},`);
      }
    }
    flush();
  }
  parts.push(`{"ph":"i","cat":"app","name":"end","pid":1,"tid":100,"ts":${ts + 1},"s":"t"}]}`);
  flush();
  closeSync(fd);
}

/** A .cpuprofile as V8 writes it: a 5,000-node tree, then startTime, endTime, samples and timeDeltas. */
export function writeCpuProfile(file: string, megabytes: number): void {
  const fd = openSync(file, 'w');
  const nodes = 5000;
  const parts: string[] = ['{"nodes":['];
  for (let id = 1; id <= nodes; id++) {
    const children = [2 * id, 2 * id + 1].filter((c) => c <= nodes);
    const name = id === 1 ? '(root)' : `fn${id}`;
    parts.push(
      `${id > 1 ? ',' : ''}{"id":${id},"callFrame":{"functionName":"${name}","scriptId":"${id % 40}","url":"file:///app/src/module-${id % 40}.js","lineNumber":${id % 300},"columnNumber":${id % 80}},"hitCount":0,"children":[${children.join(',')}]}`,
    );
  }
  writeSync(fd, `${parts.join('')}],"startTime":1000000,"endTime":`);
  // Samples and deltas take ~4 and ~5 bytes each: size the count to the wanted file size.
  const samples = Math.floor((megabytes * MB) / 9.5);
  writeSync(fd, `${1_000_000 + samples * 1000},"samples":[`);
  const batch = 500_000;
  for (let from = 0; from < samples; from += batch) {
    const n = Math.min(batch, samples - from);
    const ids = new Array<number>(n);
    for (let k = 0; k < n; k++) ids[k] = 1 + ((from + k) * 2654435761) % nodes;
    writeSync(fd, (from > 0 ? ',' : '') + ids.join(','));
  }
  writeSync(fd, '],"timeDeltas":[');
  for (let from = 0; from < samples; from += batch) {
    const n = Math.min(batch, samples - from);
    const deltas = new Array<number>(n);
    for (let k = 0; k < n; k++) deltas[k] = 990 + ((from + k) % 21);
    writeSync(fd, (from > 0 ? ',' : '') + deltas.join(','));
  }
  writeSync(fd, ']}');
  closeSync(fd);
}

const NOTHING: JsonScanHandler = {
  open() {},
  close() {},
  key() {},
  wantsString: () => true,
  string() {},
  skippedString() {},
  number() {},
  literal() {},
};

/** The bare streaming parse: the tokenizer over the file, every string decoded, nothing built. */
async function bareParseMs(file: string): Promise<number> {
  const started = performance.now();
  const scanner = new JsonScanner(NOTHING, 64 << 10);
  for await (const chunk of createReadStream(file, { highWaterMark: MB })) scanner.write(chunk as Buffer);
  scanner.end();
  return performance.now() - started;
}

interface ImportFigures {
  fileBytes: number;
  baselineMBps: number;
  importMBps: number;
  importVsBareParse: number;
  importSec: number;
  rssPeakGrowthBytes: number;
  rssGrowthPerFileByte: number;
  /** After the last byte was read: finishing, and copying the staged session into the store in short transactions. */
  commitSec: number;
  /** The longest the event loop was held while the session was copied into the store. */
  commitMaxStallMs: number;
  /** The longest the event loop was held during the whole import (parsing included). */
  maxStallMs: number;
}

async function measure(engine: Engine, file: string): Promise<ImportFigures> {
  const fileBytes = statSync(file).size;
  const baselineMs = await bareParseMs(file);
  global.gc?.();
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  let lastTickAt = performance.now();
  let maxStallMs = 0;
  let commitMaxStallMs = 0;
  let readAllAt = 0;
  const poll = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - lastTickAt - RSS_POLL_MS);
    if (readAllAt > 0) commitMaxStallMs = Math.max(commitMaxStallMs, now - lastTickAt - RSS_POLL_MS);
    lastTickAt = now;
  }, RSS_POLL_MS);
  const started = performance.now();
  try {
    await importForeignFile(engine, file, { onProgress: (p) => (readAllAt ||= p.readBytes >= fileBytes ? performance.now() : 0) });
  } finally {
    clearInterval(poll);
  }
  const importMs = performance.now() - started;
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  const mbps = (ms: number): number => fileBytes / MB / (ms / 1000);
  return {
    fileBytes,
    baselineMBps: mbps(baselineMs),
    importMBps: mbps(importMs),
    importVsBareParse: baselineMs / importMs,
    importSec: importMs / 1000,
    rssPeakGrowthBytes: rssPeak - rssBefore,
    rssGrowthPerFileByte: (rssPeak - rssBefore) / fileBytes,
    commitSec: (performance.now() - readAllAt) / 1000,
    commitMaxStallMs,
    maxStallMs,
  };
}

/** Figures for both files (MB/s, ratios, bytes); the files and the store are removed afterwards. */
export async function benchInteropImport(progress: (line: string) => void = () => undefined): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-interop-bench-'));
  const engine = Engine.open({ storePath: join(dir, 'bench.sqlite') });
  try {
    const trace = join(dir, 'large-trace.json');
    const profile = join(dir, 'large.cpuprofile');
    progress(`  writing a ${TRACE_MEGABYTES} MB Chrome trace and a ${PROFILE_MEGABYTES} MB .cpuprofile`);
    const files: [string, string][] = [];
    if (TRACE_MEGABYTES > 0) files.push(['chromeTrace', trace]);
    if (PROFILE_MEGABYTES > 0) files.push(['cpuProfile', profile]);
    if (TRACE_MEGABYTES > 0) writeTrace(trace, TRACE_MEGABYTES);
    if (PROFILE_MEGABYTES > 0) writeCpuProfile(profile, PROFILE_MEGABYTES);
    const figures: Record<string, number> = {};
    for (const [name, file] of files) {
      progress(`  importing ${name}`);
      const result = await measure(engine, file);
      for (const [key, value] of Object.entries(result)) figures[`${name}.${key}`] = Number(value.toFixed(4));
      progress(
        `  ${name}: ${result.importMBps.toFixed(1)} MB/s (bare parse ${result.baselineMBps.toFixed(1)} MB/s), RSS growth ${(result.rssPeakGrowthBytes / MB).toFixed(0)} MB for ${(result.fileBytes / MB).toFixed(0)} MB, ` +
          `event loop held at most ${result.maxStallMs.toFixed(0)} ms (${result.commitMaxStallMs.toFixed(0)} ms while committing)`,
      );
      rmSync(file);
    }
    return figures;
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run alone: node --expose-gc --import tsx test/bench/interop-import.ts
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchInteropImport((line) => process.stderr.write(`${line}\n`)).then(
    (figures) => process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
