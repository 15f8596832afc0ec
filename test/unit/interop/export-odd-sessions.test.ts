// Every exporter on sessions a recording rarely makes: empty, one sample, unicode names, samples on
// a thread with no row, overlapping spans. Outputs are read back by JSON.parse with DevTools' shape
// checked, and by pprof-format's decoder; span labels follow the engine's span-to-sample rule.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportFormats, exportSession } from '../../../src/main/engine/interop/export';
import { Store } from '../../../src/main/engine/store/store';
import { readChromeTrace, readCpuProfile, readPprof } from '../../support/interop-checks';
import { frame, writeSyntheticSession } from '../../support/synthetic-session';

const T0 = 1_700_000_000_000_000;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const OUTER = '00f067aa0ba902b7';
const INNER = '1111111111111111';

let store: Store;
let dir: string;

beforeEach(() => {
  store = Store.open(':memory:');
  dir = mkdtempSync(join(tmpdir(), 'parallax-export-'));
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function exportAll(sessionId: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const format of Object.keys(exportFormats) as (keyof typeof exportFormats)[]) {
    out[format] = exportSession(store, sessionId, format, join(dir, format)).map((f) => f.path);
  }
  return out;
}

describe('exporters on odd sessions', () => {
  it('an empty session gives a valid trace with only names, and no profile or OTLP files', () => {
    const id = writeSyntheticSession(store, { id: 'empty' });
    const out = exportAll(id);
    expect(out.cpuprofile).toEqual([]);
    expect(out.pprof).toEqual([]);
    expect(out['otlp-json']).toEqual([]);
    const events = readChromeTrace(out['chrome-trace']![0]!);
    expect(events.every((e) => e.ph === 'M')).toBe(true);
    expect(readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.partial'))).toEqual([]);
  });

  it('one sample makes a one-sample profile in every format', () => {
    const id = writeSyntheticSession(store, { id: 'one', samples: [{ timeUs: T0 + 5, stack: [frame('main'), frame('only', 'file:///app/only.js', 9, 2)] }] });
    const out = exportAll(id);
    const profile = readCpuProfile(out.cpuprofile![0]!);
    expect(profile.samples).toHaveLength(1);
    expect(profile.timeDeltas).toEqual([0]);
    expect(profile.startTime).toBe(T0 + 5);
    const leaf = profile.nodes.find((n) => n.callFrame.functionName === 'only')!;
    expect(leaf.callFrame).toMatchObject({ url: 'file:///app/only.js', lineNumber: 9, columnNumber: 2 });
    expect(leaf.hitCount).toBe(1);
    const pprof = readPprof(out.pprof![0]!);
    expect(pprof.total('samples')).toBe(1);
    expect(pprof.total('cpu')).toBe(1_000_000);
    const only = pprof.profile.function.find((f) => pprof.str(f.name) === 'only')!;
    expect(Number(only.startLine)).toBe(10);
    expect(pprof.sampleLabels()[0]!.stack).toEqual(['only', 'main']);
    const chunks = readChromeTrace(out['chrome-trace']![0]!).filter((e) => e.name === 'ProfileChunk');
    expect(chunks).toHaveLength(1);
  });

  it('unicode names survive every format, and file names are made safe', () => {
    const name = 'ЗапросОбработчик 🚀 处理 \u0000 "quoted" \\ back';
    const id = writeSyntheticSession(store, {
      id: 'unicode',
      threads: [{ id: 0, name: 'главный/../поток' }],
      samples: [
        { timeUs: T0, stack: [frame(name, 'file:///tmp/ünïcödé dir/app.js')] },
        { timeUs: T0 + 1000, stack: [frame(name, 'file:///tmp/ünïcödé dir/app.js')] },
      ],
      spans: [{ traceId: TRACE, spanId: OUTER, name: `GET /☃ ${name}`, startUs: T0, endUs: T0 + 2000, attributes: { 'ключ': 'значение 🎉' } }],
      logs: [{ timeUs: T0 + 10, text: `log ${name}\nsecond line` }],
      metrics: [{ name: 'размер', unit: 'By', labels: { 'метка': '✓' }, points: [[T0, 1]] }],
    });
    const out = exportAll(id);
    expect(out.cpuprofile![0]!).toMatch(/\/0-[A-Za-z0-9._-]+\.cpuprofile$/);
    expect(readCpuProfile(out.cpuprofile![0]!).nodes.some((n) => n.callFrame.functionName === name)).toBe(true);
    const events = readChromeTrace(out['chrome-trace']![0]!);
    expect(events.find((e) => e.ph === 'b')!.name).toBe(`GET /☃ ${name}`);
    expect(events.find((e) => e.ph === 'i')!.args!.text).toBe(`log ${name}\nsecond line`);
    expect(readPprof(out.pprof![0]!).functionNames()).toContain(name);
    const traces = JSON.parse(readFileSync(join(dir, 'otlp-json', 'traces.json'), 'utf8')) as { resourceSpans: { scopeSpans: { spans: { name: string; attributes: unknown[] }[] }[] }[] };
    const span = traces.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span.name).toBe(`GET /☃ ${name}`);
    expect(span.attributes).toContainEqual({ key: 'ключ', value: { stringValue: 'значение 🎉' } });
  });

  it('samples on a thread with no thread row are exported under a made-up name', () => {
    const id = writeSyntheticSession(store, {
      id: 'missing-thread',
      threads: [{ id: 0, name: 'main' }],
      samples: [
        { timeUs: T0, stack: [frame('onMain')] },
        { timeUs: T0 + 1000, stack: [frame('onWorker')], threadId: 3 },
        { timeUs: T0 + 2000, stack: [frame('onWorker')], threadId: 3 },
      ],
    });
    const out = exportAll(id);
    expect(out.cpuprofile!.map((p) => p.split('/').pop())).toEqual(['0-main.cpuprofile', '3-thread_3.cpuprofile']);
    expect(readCpuProfile(out.cpuprofile![1]!).samples).toHaveLength(2);
    const events = readChromeTrace(out['chrome-trace']![0]!);
    expect(events.filter((e) => e.name === 'thread_name').map((e) => e.args!.name)).toEqual(['main', 'thread 3']);
    expect(events.filter((e) => e.name === 'Profile').map((e) => e.tid)).toEqual([1, 4]);
    const threads = readPprof(out.pprof![0]!).sampleLabels().map((s) => s.labels.thread);
    expect(new Set(threads)).toEqual(new Set(['main', 'thread 3']));
  });

  it('samples out of time order never give negative time deltas', () => {
    const id = writeSyntheticSession(store, {
      id: 'unsorted',
      samples: [T0 + 3000, T0 + 1000, T0 + 2000, T0 + 5000].map((timeUs) => ({ timeUs, stack: [frame('f')] })),
    });
    const profile = readCpuProfile(exportSession(store, id, 'cpuprofile', dir)[0]!.path);
    expect(profile.timeDeltas).toEqual([0, 0, 0, 2000]);
  });
});

describe('where exports land', () => {
  it('says in one line why a path cannot be written, and leaves no partial file', () => {
    const id = writeSyntheticSession(store, { id: 'paths', samples: [{ timeUs: T0, stack: [frame('f')] }] });
    expect(() => exportSession(store, id, 'chrome-trace', join(dir, 'missing', 'trace.json'))).toThrow(
      `Cannot write file ${join(dir, 'missing', 'trace.json')}: its folder does not exist`,
    );
    const file = join(dir, 'a-file');
    exportSession(store, id, 'chrome-trace', file);
    expect(() => exportSession(store, id, 'cpuprofile', file)).toThrow(/^Cannot write into directory .*a-file: /);
    expect(readdirSync(dir)).toEqual(['a-file']);
  });
});

describe('span labels on pprof samples', () => {
  it('labels a sample with the innermost span on its thread, ends included, and leaves others unlabelled', () => {
    const id = writeSyntheticSession(store, {
      id: 'spans',
      samples: [
        { timeUs: T0 + 0, stack: [frame('before')] },
        { timeUs: T0 + 1000, stack: [frame('inOuter')] },
        { timeUs: T0 + 2000, stack: [frame('inInner')] },
        { timeUs: T0 + 3000, stack: [frame('inInnerEnd')] },
        { timeUs: T0 + 4000, stack: [frame('inOuterEnd')] },
        { timeUs: T0 + 4500, stack: [frame('after')] },
        { timeUs: T0 + 2000, stack: [frame('otherThread')], threadId: 1 },
      ],
      spans: [
        { traceId: TRACE, spanId: OUTER, name: 'outer', startUs: T0 + 1000, endUs: T0 + 4000 },
        { traceId: TRACE, spanId: INNER, parentSpanId: OUTER, name: 'inner', startUs: T0 + 1500, endUs: T0 + 3000 },
      ],
    });
    const samples = readPprof(exportSession(store, id, 'pprof', dir)[0]!.path).sampleLabels();
    const spanOf = (fn: string): string | undefined => samples.find((s) => s.stack[0] === fn)!.labels.span_id;
    expect(spanOf('before')).toBeUndefined();
    expect(spanOf('inOuter')).toBe(OUTER);
    expect(spanOf('inInner')).toBe(INNER);
    expect(spanOf('inInnerEnd')).toBe(INNER);
    expect(spanOf('inOuterEnd')).toBe(OUTER);
    expect(spanOf('after')).toBeUndefined();
    expect(spanOf('otherThread')).toBeUndefined();
    const inner = samples.find((s) => s.stack[0] === 'inInner')!;
    expect(inner.labels).toMatchObject({ trace_id: TRACE, span_name: 'inner', thread: 'main' });
  });
});

describe('heap pprof', () => {
  it('sums allocation samples per stack into alloc_objects and alloc_space', () => {
    const id = writeSyntheticSession(store, {
      id: 'heap',
      heap: [
        { capturedUs: T0, stack: [frame('main'), frame('allocate')], bytes: 4096, count: 2 },
        { capturedUs: T0 + 1e6, stack: [frame('main'), frame('allocate')], bytes: 1024, count: 1 },
        { capturedUs: T0 + 1e6, stack: [frame('main')], bytes: 512, count: 1 },
      ],
    });
    const files = exportSession(store, id, 'pprof', dir);
    expect(files.map((f) => f.path.split('/').pop())).toEqual(['heap.pb.gz']);
    const heap = readPprof(files[0]!.path);
    expect(heap.total('alloc_objects')).toBe(4);
    expect(heap.total('alloc_space')).toBe(5632);
    expect(heap.sampleLabels().find((s) => s.stack[0] === 'allocate')!.values).toEqual([3, 5120]);
    expect(existsSync(join(dir, 'cpu.pb.gz'))).toBe(false);
  });
});
