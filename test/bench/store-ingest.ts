// Store ingest of CPU samples: a bare row-per-sample SQLite loop against Parallax's SessionWriter,
// fed the same chunks (1,000-5,000 samples each: smaller than the 1 s and 10 s profiles CpuCapture hands over, so a conservative case).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SampleChunk } from '../../src/main/engine/store/cpu-samples';
import { SessionWriter } from '../../src/main/engine/store/session-writer';
import { Store } from '../../src/main/engine/store/store';
import { median } from './statistics';

export interface IngestOptions {
  dir: string;
  runs: number;
  /** Concurrent targets, each with its own session, stack table and chunk stream. */
  targets: number;
  baselineSamples: number;
  parallaxSamples: number;
}

export interface IngestResult {
  baseline: { samplesPerSec: number; runs: number[]; bytesPerSample: number };
  parallax: { samplesPerSec: number; runs: number[]; bytesPerSample: number };
  stacksPerTarget: number;
  functionsPerTarget: number;
  meanChunkSamples: number;
}

const FUNCTIONS_PER_TARGET = 400;
const STACKS_PER_TARGET = 3000;
const BASELINE_TRANSACTION_ROWS = 10_000;
const SAMPLE_INTERVAL_US = 100;

interface TargetStream {
  chunks: SampleChunk[];
}

interface Workload {
  streams: TargetStream[];
  /** Chunks in arrival order: [target index, chunk index]. */
  order: [number, number][];
  sampleCount: number;
}

/** xorshift32, so every run and both paths see identical data. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** Samples for `targets` targets, chunk by chunk, interleaved in the order they would arrive. */
function makeWorkload(targets: number, totalSamples: number): Workload {
  const random = seededRandom(42);
  const streams: TargetStream[] = [];
  const perTarget = Math.ceil(totalSamples / targets);
  const startUs = Date.now() * 1000;
  for (let t = 0; t < targets; t++) {
    const chunks: SampleChunk[] = [];
    let timeUs = startUs + t * 37;
    for (let made = 0; made < perTarget; ) {
      const n = Math.min(perTarget - made, 1000 + Math.floor(random() * 4001));
      const timesUs = new Float64Array(n);
      const stackIds = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        timeUs += SAMPLE_INTERVAL_US + Math.floor(random() * 20);
        timesUs[i] = timeUs;
        // Skewed towards a few hot stacks, as real profiles are.
        stackIds[i] = 1 + Math.floor(random() ** 3 * STACKS_PER_TARGET);
      }
      chunks.push({ threadId: 0, timesUs, stackIds });
      made += n;
    }
    streams.push({ chunks });
  }
  const order: [number, number][] = [];
  const longest = Math.max(...streams.map((s) => s.chunks.length));
  for (let c = 0; c < longest; c++) {
    for (let t = 0; t < targets; t++) if (c < streams[t]!.chunks.length) order.push([t, c]);
  }
  return { streams, order, sampleCount: perTarget * targets };
}

/** Interns a plausible call tree: functions across 40 files, each stack a child of an earlier one. */
function internStackTable(writer: SessionWriter, seed: number): void {
  const random = seededRandom(seed);
  const functionIds: number[] = [];
  for (let f = 0; f < FUNCTIONS_PER_TARGET; f++) {
    functionIds.push(
      writer.interner.functionId({
        functionName: `handler${f}`,
        url: `file:///srv/app/src/module${f % 40}.js`,
        lineNumber: 10 + f * 3,
        columnNumber: 4,
      }),
    );
  }
  const created = [0];
  while (created.length <= STACKS_PER_TARGET) {
    // Prefer recent stacks as parents, which makes deep chains like real call trees.
    const parent = created[created.length - 1 - Math.floor(random() ** 2 * created.length)]!;
    const id = writer.interner.stackId(parent, functionIds[Math.floor(random() * functionIds.length)]!);
    if (id === created.length) created.push(id);
  }
}

function runBaseline(path: string, workload: Workload, limit: number): { seconds: number; samples: number } {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE cpu_samples (session_id INTEGER NOT NULL, ts INTEGER NOT NULL, stack_id INTEGER NOT NULL)');
    const insert = db.prepare('INSERT INTO cpu_samples (session_id, ts, stack_id) VALUES (?, ?, ?)');
    const insertMany = db.transaction((rows: { session: number; chunk: SampleChunk; from: number; to: number }[]) => {
      for (const { session, chunk, from, to } of rows) {
        for (let i = from; i < to; i++) insert.run(session, Math.round(chunk.timesUs[i]!), chunk.stackIds[i]!);
      }
    });
    let samples = 0;
    let batch: { session: number; chunk: SampleChunk; from: number; to: number }[] = [];
    let batchRows = 0;
    const started = performance.now();
    for (const [t, c] of workload.order) {
      const chunk = workload.streams[t]!.chunks[c]!;
      for (let from = 0; from < chunk.timesUs.length && samples < limit; ) {
        const to = Math.min(chunk.timesUs.length, from + (BASELINE_TRANSACTION_ROWS - batchRows), from + (limit - samples));
        batch.push({ session: t + 1, chunk, from, to });
        batchRows += to - from;
        samples += to - from;
        from = to;
        if (batchRows === BASELINE_TRANSACTION_ROWS) {
          insertMany(batch);
          batch = [];
          batchRows = 0;
        }
      }
      if (samples >= limit) break;
    }
    if (batch.length) insertMany(batch);
    return { seconds: (performance.now() - started) / 1000, samples };
  } finally {
    db.close();
  }
}

function runParallax(path: string, workload: Workload): { seconds: number; samples: number } {
  const store = Store.open(path);
  const writers: SessionWriter[] = [];
  try {
    workload.streams.forEach((_, t) => {
      const id = `bench-session-${t}`;
      store.sessions.create({
        id,
        name: `bench target ${t}`,
        startedUs: Date.now() * 1000,
        target: { pid: null, nodeVersion: null, title: null, attachedVia: 'bench' },
        signals: ['cpu'],
        intervalUs: SAMPLE_INTERVAL_US,
      });
      const writer = new SessionWriter(store, id, (error) => {
        throw error;
      });
      // Interning is the capture's work (it walks each profile's nodes); the store writes the rows.
      internStackTable(writer, 1000 + t);
      writers.push(writer);
    });
    // One transaction per chunk: each target's writer flushes on its own 250 ms timer, and a
    // target delivers one chunk per profile hand-off, so flushes rarely carry more than one chunk.
    const started = performance.now();
    let samples = 0;
    for (const [t, c] of workload.order) {
      const chunk = workload.streams[t]!.chunks[c]!;
      writers[t]!.addSamples(chunk);
      writers[t]!.flush();
      samples += chunk.timesUs.length;
    }
    const seconds = (performance.now() - started) / 1000;
    return { seconds, samples };
  } finally {
    for (const writer of writers) writer.close();
    store.close();
  }
}

/** Bytes on disk per sample, after closing (the WAL checkpointed into the main file). */
function bytesPerSample(path: string, samples: number): number {
  return statSync(path).size / samples;
}

export function benchStoreIngest(options: IngestOptions): IngestResult {
  const workload = makeWorkload(options.targets, Math.max(options.baselineSamples, options.parallaxSamples));
  const baselineRuns: number[] = [];
  const parallaxRuns: number[] = [];
  let baselineBytes = NaN;
  let parallaxBytes = NaN;
  // Interleaved, so drift in the machine's load hits both paths alike.
  for (let run = 0; run < options.runs; run++) {
    const basePath = join(options.dir, `baseline-${run}.sqlite`);
    const base = runBaseline(basePath, workload, options.baselineSamples);
    baselineRuns.push(base.samples / base.seconds);
    baselineBytes = bytesPerSample(basePath, base.samples);

    const parallaxPath = join(options.dir, `parallax-${run}.sqlite`);
    const parallax = runParallax(parallaxPath, workload);
    parallaxRuns.push(parallax.samples / parallax.seconds);
    parallaxBytes = bytesPerSample(parallaxPath, parallax.samples);
  }
  const chunkCount = workload.order.length;
  return {
    baseline: { samplesPerSec: median(baselineRuns), runs: baselineRuns, bytesPerSample: baselineBytes },
    parallax: { samplesPerSec: median(parallaxRuns), runs: parallaxRuns, bytesPerSample: parallaxBytes },
    stacksPerTarget: STACKS_PER_TARGET,
    functionsPerTarget: FUNCTIONS_PER_TARGET,
    meanChunkSamples: workload.sampleCount / chunkCount,
  };
}
