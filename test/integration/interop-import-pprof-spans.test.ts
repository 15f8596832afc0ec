// pprof span labels become spans: a profile Parallax exported (span_id, trace_id, span_name labels)
// comes back with the same spans holding the same samples; Datadog's decimal "span id" and
// Pyroscope's span_id without a trace id are read; labels that are not span ids are counted, not kept.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Function as Fn, Label, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSession } from '../../src/main/engine/interop/export';
import { importForeignFile } from '../../src/main/engine/interop/import';
import { Store } from '../../src/main/engine/store/store';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';
import { readPprof } from '../support/interop-checks';
import { frame, writeSyntheticSession } from '../support/synthetic-session';

const cleanups = cleanupsAfterEach();
const T0 = 1_700_000_000_000_000;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'parallax-pprof-spans-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A one-function CPU profile whose samples carry `labels` (built from [key, str | num] pairs) and `count` each. */
function pprofWith(samples: { labels: [string, string | number | bigint][]; count: number; stampNs?: bigint }[]): Uint8Array {
  const strings = new StringTable();
  const label = (key: string, value: string | number | bigint): Label =>
    typeof value !== 'string' ? new Label({ key: strings.dedup(key), num: value }) : new Label({ key: strings.dedup(key), str: strings.dedup(value) });
  return new Profile({
    sampleType: [new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') })],
    sample: samples.map(
      (s) =>
        new Sample({
          locationId: [1],
          value: [s.count],
          label: [...s.labels.map(([k, v]) => label(k, v)), ...(s.stampNs ? [new Label({ key: strings.dedup('end_timestamp_ns'), num: s.stampNs })] : [])],
        }),
    ),
    location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] })],
    function: [new Fn({ id: 1, name: strings.dedup('work'), filename: strings.dedup('file:///w.js') })],
    stringTable: strings,
    timeNanos: BigInt(T0) * 1000n,
    durationNanos: 1_000_000_000n,
    period: 1_000_000,
  }).encode();
}

async function importBytes(name: string, bytes: Uint8Array): Promise<{ engine: import('../../src/main/engine/engine').Engine; sessionId: string }> {
  const { engine } = openTestEngine(cleanups);
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const { sessionId } = await importForeignFile(engine, file);
  return { engine, sessionId };
}

describe('span labels of an imported pprof', () => {
  it('round-trips the spans of a Parallax pprof export: same ids, traces, names, and the samples each span held', async () => {
    const store = Store.open(':memory:');
    const samples = [];
    // Two traces' spans on the main thread, one nested, with samples before, inside and between them.
    for (let i = 0; i < 300; i++) samples.push({ timeUs: T0 + i * 1000, stack: [frame('main'), frame(i % 3 === 0 ? 'a' : 'b')] });
    const spans = [
      { traceId: TRACE, spanId: '00f067aa0ba902b7', name: 'GET /orders', startUs: T0 + 20_000, endUs: T0 + 120_000 },
      { traceId: TRACE, spanId: '1111111111111111', parentSpanId: '00f067aa0ba902b7', name: 'db.query', startUs: T0 + 50_000, endUs: T0 + 80_000 },
      { traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: '2222222222222222', name: 'POST /pay ☃', startUs: T0 + 200_000, endUs: T0 + 260_500 },
    ];
    const id = writeSyntheticSession(store, { id: 'with-spans', samples, spans });
    const exported = exportSession(store, id, 'pprof', join(dir, 'export'))[0]!.path;
    const labelled = new Map<string, number>();
    for (const s of readPprof(exported).sampleLabels()) if (s.labels.span_id) labelled.set(s.labels.span_id, (labelled.get(s.labels.span_id) ?? 0) + s.values[0]!);
    store.close();

    const { engine } = openTestEngine(cleanups);
    const { sessionId } = await importForeignFile(engine, exported);
    const imported = await engine.getSpans(sessionId, {});
    expect(imported.map((s) => [s.spanId, s.traceId, s.name, s.source]).sort()).toEqual(spans.map((s) => [s.spanId, s.traceId, s.name, 'pprof']).sort());
    for (const span of imported) expect(span.cpuSampleCount, span.name).toBe(labelled.get(span.spanId));
    expect(labelled.get('1111111111111111')).toBe(31);
    const summary = await engine.getSummary(sessionId);
    expect(summary.notes['import.pprof.spans']).toMatch(/^3 spans come from the samples' span labels/);
    expect(summary.notes['import.pprof.labels']).toBeUndefined();
  });

  it('reads Datadog decimal span ids and Pyroscope span ids without a trace, and spans from sample timestamps', async () => {
    const stamp = (ms: number): bigint => (BigInt(T0) + BigInt(ms * 1000)) * 1000n;
    const { engine, sessionId } = await importBytes(
      'dd.pb',
      pprofWith([
        { labels: [['span id', '1234567890123456789'], ['local root span id', '1']], count: 2, stampNs: stamp(10) },
        { labels: [['span id', 1234567890123456789n]], count: 1, stampNs: stamp(30) },
        { labels: [['span_id', 'ABCDEF0123456789'], ['trace_id', 'abcdef0123456789']], count: 4, stampNs: stamp(50) },
        { labels: [['pyroscope.profile.id', 'fedcba9876543210']], count: 1, stampNs: stamp(70) },
        { labels: [], count: 3, stampNs: stamp(90) },
      ]),
    );
    const spans = new Map((await engine.getSpans(sessionId, {})).map((s) => [s.spanId, s]));
    expect([...spans.keys()].sort()).toEqual(['112210f47de98115', 'abcdef0123456789', 'fedcba9876543210']);
    const dd = spans.get('112210f47de98115')!;
    expect(dd).toMatchObject({ traceId: '0'.repeat(32), cpuSampleCount: 3 });
    // Nanosecond stamps beyond 2^53 read to a fraction of a µs: the span holds its samples' whole µs.
    expect(Math.abs(dd.startUs - (T0 + 10_000))).toBeLessThanOrEqual(1);
    expect(Math.abs(dd.endUs - (T0 + 30_000))).toBeLessThanOrEqual(1);
    expect(spans.get('abcdef0123456789')).toMatchObject({ traceId: '0000000000000000abcdef0123456789', name: 'span abcdef0123456789', cpuSampleCount: 4 });
    const notes = (await engine.getSummary(sessionId)).notes;
    expect(notes['import.pprof.spans']).toMatch(/first and last labelled sample.* 2 had no trace_id label: their trace id is unknown/);
  });

  it('counts span labels that are not span ids and keeps no span for them', async () => {
    const { engine, sessionId } = await importBytes(
      'bad-labels.pb',
      pprofWith([
        { labels: [['span_id', 'zz']], count: 1 },
        { labels: [['span_id', '0000000000000000'], ['trace_id', TRACE]], count: 1 },
        { labels: [['span id', '99999999999999999999999']], count: 1 },
        { labels: [['span id', '18446744073709551616']], count: 1 },
        { labels: [['span_id', 'x'.repeat(100_000)]], count: 1 },
        { labels: [['span_id', 0]], count: 1 },
        { labels: [['span_id', '0123456789abcdef0']], count: 1 },
        { labels: [['span_id', '0123456789abcdef'], ['span_name', 'n'.repeat(5000)], ['trace_id', 'not hex at all, but 32 chars...']], count: 2 },
      ]),
    );
    const spans = await engine.getSpans(sessionId, {});
    expect(spans.map((s) => s.spanId)).toEqual(['0123456789abcdef']);
    expect(spans[0]).toMatchObject({ spanId: '0123456789abcdef', traceId: '0'.repeat(32), cpuSampleCount: 2 });
    expect(spans[0]!.name).toHaveLength(1000);
    const summary = await engine.getSummary(sessionId);
    expect(summary.notes['import.skipped']).toBe('7 pprof span labels whose value is not a span id');
    expect(summary.counts.cpuSamples).toBe(9);
  });
});
