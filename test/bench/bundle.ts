// Session bundles: export and import throughput, and bundle size against gzip of the raw JSON of
// the same rows (the obvious alternative format), measured in one run on a session built through
// the store's own writers: ~20 minutes of CPU samples at 1 ms, logs, metrics, spans, trace events.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { exportBundle, importBundle } from '../../src/main/engine/bundle';
import type { BundleManifest } from '../../src/main/engine/bundle/manifest';
import { presentTables } from '../../src/main/engine/bundle/tables';
import { StackInterner } from '../../src/main/engine/store/cpu-samples';
import { Store } from '../../src/main/engine/store/store';

/** Runs of gzip, export and import each; the fastest of each counts. */
const ROUNDS = Number(process.env.BUNDLE_BENCH_ROUNDS ?? 3);
const SIZE = { samples: 1_200_000, samplesPerChunk: 1000, functions: 4000, depth: 12, logs: 100_000, metricSeries: 20, pointsPerSeries: 3000, spans: 10_000, traceEvents: 30_000 };

/** A deterministic generator so runs compare. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildSession(store: Store): string {
  const next = random(7);
  const pick = (n: number): number => Math.floor(next() * n);
  const id = randomUUID();
  const startUs = Date.now() * 1000 - 1_300_000_000;
  store.sessions.create({ id, name: 'bench session', startedUs: startUs, target: { pid: 4242, nodeVersion: '20.0.0', title: 'node server.js', attachedVia: 'pid 4242' }, signals: ['cpu', 'logs', 'metrics', 'trace', 'otlp'], intervalUs: 1000 });
  const interner = new StackInterner();
  const files = Array.from({ length: 60 }, (_v, i) => `file:///srv/app/src/module-${i}.js`);
  const leafStacks: number[] = [];
  for (let s = 0; s < 3000; s++) {
    let parent = 0;
    for (let d = 0; d < 2 + pick(SIZE.depth); d++) {
      const f = pick(SIZE.functions);
      parent = interner.stackId(parent, interner.functionId({ functionName: `fn${f}`, url: files[f % files.length]!, lineNumber: f * 7, columnNumber: f % 40 }));
    }
    leafStacks.push(parent);
  }
  store.transaction(() => {
    store.threads.upsert(id, { id: 0, name: 'main' }, startUs);
    let t = startUs;
    for (let c = 0; c < SIZE.samples / SIZE.samplesPerChunk; c++) {
      const times = new Float64Array(SIZE.samplesPerChunk);
      const stacks = new Int32Array(SIZE.samplesPerChunk);
      for (let i = 0; i < times.length; i++) {
        t += 1000 + next() * 60 - 30;
        times[i] = t;
        stacks[i] = leafStacks[Math.floor(Math.pow(next(), 3) * leafStacks.length)]!;
      }
      store.cpu.write(id, interner, { threadId: 0, timesUs: times, stackIds: stacks });
    }
    for (let i = 0; i < SIZE.logs; i++) {
      const traceId = i % 3 === 0 ? (pick(1 << 30).toString(16).padStart(8, '0')).repeat(4) : undefined;
      store.logs.insert(id, {
        timeUs: startUs + i * 12_000,
        level: i % 50 === 0 ? 'warn' : 'info',
        source: i % 2 ? 'stdout' : 'console',
        text: `GET /orders/${pick(5000)} ${200 + (i % 7 === 0 ? 304 : 0)} ${(next() * 40).toFixed(1)}ms user=${pick(800)}`,
        url: null,
        line: null,
        traceId,
        spanId: traceId ? traceId.slice(0, 16) : undefined,
        attributes: i % 2 ? { 'http.route': '/orders/:id', hostname: 'web-1', pid: 4242 } : undefined,
      });
    }
    for (let s = 0; s < SIZE.metricSeries; s++) {
      for (let p = 0; p < SIZE.pointsPerSeries; p++) {
        store.metrics.insert(id, { name: `runtime.metric_${s}`, unit: s % 2 ? 'bytes' : 'ms', timeUs: startUs + p * 400_000, value: s % 2 ? 50_000_000 + pick(1_000_000) : next() * 20 });
      }
    }
    for (let i = 0; i < SIZE.spans; i++) {
      const start = startUs + i * 120_000;
      store.spans.insert(id, {
        traceId: (i + 1).toString(16).padStart(32, '0'),
        spanId: (i + 1).toString(16).padStart(16, '0'),
        parentSpanId: i % 3 === 0 ? null : i.toString(16).padStart(16, '0'),
        name: i % 3 === 0 ? 'GET /orders/:id' : 'SELECT orders',
        kind: i % 3 === 0 ? 2 : 3,
        startUs: start,
        endUs: start + 2000 + pick(50_000),
        statusCode: 0,
        statusMessage: null,
        thread: 0,
        source: 'otlp',
        attributes: { 'http.request.method': 'GET', 'url.path': `/orders/${pick(5000)}`, 'http.response.status_code': 200, 'server.address': 'shop.local' },
        resource: { 'service.name': 'shop', 'service.version': '1.2.3', 'host.name': 'web-1' },
      });
    }
    for (let i = 0; i < SIZE.traceEvents; i++) {
      store.traceEvents.insert(id, { threadId: 0, timeUs: startUs + i * 40_000, durationUs: 200 + pick(3000), ph: 'X', cat: 'v8', name: i % 2 ? 'MinorGC' : 'V8.GCScavenger', kind: 'gc', args: { usedHeapSizeBefore: 40_000_000 + pick(1e6) } });
    }
  });
  store.sessions.finish(id, 'completed', startUs + 1_300_000_000, null);
  return id;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** The same rows as plain JSON objects, CPU samples as number arrays: what a naive export would write. */
function rawJson(store: Store, sessionId: string): Buffer {
  const parts: string[] = [];
  for (const { table } of presentTables(store.db)) {
    const sql = table.parent
      ? `SELECT t.* FROM "${table.name}" t JOIN "${table.parent.table}" p ON t."${table.parent.column}" = p.id WHERE p.session_id = ?`
      : `SELECT * FROM "${table.name}" WHERE "${table.sessionColumn}" = ?`;
    const rows = (store.db.prepare(sql).all(sessionId) as Record<string, unknown>[]).map((row) => {
      if (table.name !== 'cpu_chunks') return row;
      const times = row.times as Buffer;
      const stacks = row.stacks as Buffer;
      return { ...row, times: Array.from(new Float64Array(times.buffer.slice(times.byteOffset, times.byteOffset + times.length))), stacks: Array.from(new Int32Array(stacks.buffer.slice(stacks.byteOffset, stacks.byteOffset + stacks.length))) };
    });
    parts.push(`${JSON.stringify(table.name)}:${JSON.stringify(rows)}`);
  }
  return Buffer.from(`{${parts.join(',')}}`);
}

export async function benchBundle(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-bench-bundle-'));
  try {
    const source = Store.open(join(dir, 'source.sqlite'));
    const target = Store.open(join(dir, 'target.sqlite'));
    try {
      const sessionId = buildSession(source);
      const json = rawJson(source, sessionId);
      // Each step runs ROUNDS times and keeps its fastest run (wall and CPU apart): on a shared
      // machine the fastest run is the one least slowed by other work, for the baseline as well.
      const fastest = async (step: () => unknown): Promise<{ wallSec: number; cpuSec: number }> => {
        let wallSec = Infinity;
        let cpuSec = Infinity;
        for (let round = 0; round < ROUNDS; round++) {
          const started = performance.now();
          const cpu = process.cpuUsage();
          await step();
          wallSec = Math.min(wallSec, (performance.now() - started) / 1000);
          cpuSec = Math.min(cpuSec, cpuSeconds(cpu));
        }
        return { wallSec, cpuSec };
      };
      let gzipped = Buffer.alloc(0);
      const gzip = await fastest(() => (gzipped = gzipSync(json)));
      const file = join(dir, 'session.parallax');
      let manifest: BundleManifest | null = null;
      const exported = await fastest(async () => (manifest = (await exportBundle(source, sessionId, file)).manifest));
      // Every round imports into the same store under a new session id, as a person would.
      const imported = await fastest(() => importBundle(target, file));
      const gzipSec = gzip.wallSec;
      const exportSec = exported.wallSec;
      const exportCpuSec = exported.cpuSec;
      const importSec = imported.wallSec;
      const importCpuSec = imported.cpuSec;
      const bundleBytes = statSync(file).size;
      const mb = json.length / 1e6;
      const bundleMb = bundleBytes / 1e6;
      return {
        rawJsonMB: mb,
        gzipJsonMB: gzipped.length / 1e6,
        bundleMB: bundleMb,
        bundleContentMB: manifest!.content.bytes / 1e6,
        bundleToGzipJsonRatio: bundleBytes / gzipped.length,
        // Rates in MB of the raw JSON of the same rows per wall second (the goal's unit)...
        exportMBps: mb / exportSec,
        importMBps: mb / importSec,
        gzipJsonMBps: mb / gzipSec,
        // ... as a ratio against gzip of the same JSON in this run (steadier than either rate)...
        importToGzipSpeed: gzipSec / importSec,
        exportToGzipSpeed: gzipSec / exportSec,
        // ... in MB of the bundle file itself per wall second...
        exportBundleMBps: bundleMb / exportSec,
        importBundleMBps: bundleMb / importSec,
        // ... and per second of this process's CPU time (steadier than wall time on a loaded machine;
        // Brotli compresses on a libuv thread, which this count includes).
        exportRawJsonMBperCpuSec: mb / exportCpuSec,
        importRawJsonMBperCpuSec: mb / importCpuSec,
        exportSec,
        importSec,
        gzipSec,
        importCpuSec,
        rounds: ROUNDS,
        cpuSamples: SIZE.samples,
        logs: SIZE.logs,
      };
    } finally {
      source.close();
      target.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run alone: node --import tsx test/bench/bundle.ts
if (process.argv[1]?.endsWith('bundle.ts')) {
  void benchBundle().then((figures) => {
    process.stdout.write('MBps figures: MB of raw JSON of the same rows (rawJsonMB) per second, unless named Bundle (MB of the .parallax file);\n');
    process.stdout.write(`fastest of ${ROUNDS} runs each; ToGzipSpeed: speed over gzip of the same JSON in this run (goal: import at 100 MB/s)\n`);
    for (const [name, value] of Object.entries(figures)) process.stdout.write(`${name.padEnd(24)} ${value.toFixed(2)}\n`);
  });
}
