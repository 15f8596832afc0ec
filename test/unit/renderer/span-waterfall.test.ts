import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../../src/shared/domain';
import { axisTicks, barOf, concurrentSpans, groupTraces, timeToX, waterfallRows } from '../../../src/renderer/views/spans/span-waterfall';

function span(spanId: string, parentSpanId: string | null, startUs: number, endUs: number, extra: Partial<SpanRecord> = {}): SpanRecord {
  return {
    spanId,
    traceId: 't1',
    parentSpanId,
    name: spanId,
    kind: 1,
    startUs,
    endUs,
    statusCode: 0,
    statusMessage: null,
    thread: 0,
    source: 'otlp',
    attributes: {},
    resource: {},
    logCount: 0,
    cpuSampleCount: 0,
    ...extra,
  };
}

describe('span waterfall layout', () => {
  it('lists traces by start time with their root name, span count and errors', () => {
    const traces = groupTraces([
      span('b-child', 'b-root', 2_100, 2_200, { traceId: 'tb', statusCode: 2 }),
      span('a-root', null, 1_000, 1_500, { traceId: 'ta', name: 'GET /a' }),
      span('b-root', null, 2_000, 3_000, { traceId: 'tb', name: 'GET /b' }),
    ]);
    expect(traces.map((t) => [t.traceId, t.name, t.spans.length, t.startUs, t.endUs, t.errorCount])).toEqual([
      ['ta', 'GET /a', 1, 1_000, 1_500, 0],
      ['tb', 'GET /b', 2, 2_000, 3_000, 1],
    ]);
  });

  it('nests children under parents depth-first, each level by start time', () => {
    const rows = waterfallRows([
      span('c2', 'root', 300, 400),
      span('g1', 'c1', 150, 180),
      span('root', null, 0, 1_000),
      span('c1', 'root', 100, 200),
    ]);
    expect(rows.map((r) => [r.span.spanId, r.depth, r.orphan])).toEqual([
      ['root', 0, false],
      ['c1', 1, false],
      ['g1', 2, false],
      ['c2', 1, false],
    ]);
  });

  it('puts spans whose parent never arrived at the top as orphans, and survives a parent cycle', () => {
    const rows = waterfallRows([span('x', 'missing', 10, 20), span('a', 'b', 0, 5), span('b', 'a', 1, 4), span('self', 'self', 2, 3)]);
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.span.spanId === 'x')).toMatchObject({ depth: 0, orphan: true });
    expect(new Set(rows.map((r) => r.span.spanId))).toEqual(new Set(['x', 'a', 'b', 'self']));
  });

  it('maps time to x on a shared axis and keeps instants visible', () => {
    const axis = { fromUs: 1_000, toUs: 2_000 };
    expect(timeToX(1_500, axis, 200)).toBe(100);
    expect(timeToX(1_000, { fromUs: 5, toUs: 5 }, 200)).toBe(0);
    expect(barOf({ startUs: 1_250, endUs: 1_500 }, axis, 100)).toEqual({ left: 25, width: 25 });
    expect(barOf({ startUs: 2_000, endUs: 2_000 }, axis, 100, 2)).toEqual({ left: 98, width: 2 });
    expect(barOf({ startUs: 0, endUs: 99_999 }, axis, 100)).toEqual({ left: 0, width: 100 });
  });

  it('chooses round ticks covering the axis', () => {
    expect(axisTicks({ fromUs: 0, toUs: 10_000 }, 5)).toEqual([0, 2_000, 4_000, 6_000, 8_000, 10_000]);
    expect(axisTicks({ fromUs: 0, toUs: 0 })).toEqual([0]);
  });

  it('counts concurrent spans on the same thread, not ancestors, descendants or other threads', () => {
    const all = [
      span('req1', null, 0, 1_000),
      span('db1', 'req1', 100, 300),
      span('req2', null, 500, 1_500, { traceId: 't2' }),
      span('req3', null, 200, 400, { traceId: 't3', thread: 1 }),
      span('later', null, 2_000, 2_100, { traceId: 't4' }),
    ];
    expect(concurrentSpans(all[0]!, all).map((s) => s.spanId)).toEqual(['req2']);
    expect(concurrentSpans(all[1]!, all).map((s) => s.spanId)).toEqual([]);
    // A span with no thread takes every thread's samples in its range: every overlapping span shares them.
    expect(concurrentSpans(span('nothread', null, 0, 5_000, { thread: null }), all).map((s) => s.spanId)).toEqual(['req1', 'db1', 'req2', 'req3', 'later']);
  });
});
