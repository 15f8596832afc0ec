import { describe, expect, it } from 'vitest';
import type { MetricSeries, TraceEventRecord } from '../../../src/shared/domain';
import { countByKind, gcTotals } from '../../../src/renderer/views/events/event-stats';
import { MAX_SERIES_PER_CHART, filterGroups, groupMetrics, labelText, variance } from '../../../src/renderer/views/metrics/metric-groups';
import { rangeArg, scopeOf, useSelection } from '../../../src/renderer/state/selection';

function event(id: number, kind: TraceEventRecord['kind'], name: string, durationUs: number | null, args: Record<string, unknown> | null = null): TraceEventRecord {
  return { id, threadId: 0, timeUs: 1_000 + id, durationUs, ph: 'X', cat: 'v8', name, kind, args };
}

function series(name: string, values: number[], extra: Partial<MetricSeries> = {}): MetricSeries {
  return { name, unit: '', kind: 'gauge', labels: {}, source: 'otlp', threadId: 0, timesUs: values.map((_, i) => i * 1_000), values, ...extra };
}

describe('trace event summaries', () => {
  it('totals GC pauses by type and ignores bad durations', () => {
    const totals = gcTotals([
      event(1, 'gc', 'MinorGC', 800, { type: 'Scavenge' }),
      event(2, 'gc', 'MajorGC', 12_000, { type: 'MarkCompact' }),
      event(3, 'gc', 'MinorGC', 1_200, { type: 'Scavenge' }),
      event(4, 'gc', 'MinorGC', null),
      event(5, 'gc', 'MinorGC', Number.NaN),
      event(6, 'mark', 'ready', null),
    ]);
    expect(totals).toMatchObject({ count: 5, totalPauseUs: 14_000, maxPauseUs: 12_000 });
    expect(totals.byType).toEqual([
      { type: 'MarkCompact', count: 1, totalPauseUs: 12_000 },
      { type: 'Scavenge', count: 2, totalPauseUs: 2_000 },
      { type: 'MinorGC', count: 2, totalPauseUs: 0 },
    ]);
    expect(gcTotals([])).toEqual({ count: 0, totalPauseUs: 0, maxPauseUs: 0, byType: [] });
  });

  it('counts events per kind', () => {
    const counts = countByKind([event(1, 'gc', 'a', 1), event(2, 'mark', 'b', null), event(3, 'gc', 'c', 2)]);
    expect(counts.gc).toBe(2);
    expect(counts.mark).toBe(1);
    expect(counts.http).toBe(0);
  });
});

describe('metric chart groups', () => {
  it('keeps runtime charts by unit and puts each labelled metric on its own chart', () => {
    const groups = groupMetrics(
      [
        series('heap.used', [1, 2], { source: 'runtime', unit: 'bytes' }),
        series('rss', [3, 4], { source: 'runtime', unit: 'bytes' }),
        series('heap.used', [5, 9], { source: 'runtime', unit: 'bytes', threadId: 1 }),
        series('http_requests_total', [1, 2], { source: 'prometheus', kind: 'counter', labels: { route: '/a', code: '200' } }),
        series('http_requests_total', [1, 9], { source: 'prometheus', kind: 'counter', labels: { route: '/b', code: '500' } }),
        series('empty', [], { source: 'otlp' }),
      ],
      new Map([[1, 'worker-a']]),
    );
    expect(groups.map((g) => g.title)).toEqual(['Memory', 'http_requests_total · prometheus counter']);
    expect(groups[0]!.labels).toEqual(['heap used', 'RSS', 'heap used · worker-a']);
    // Most varying first: /b jumps by 8, /a by 1.
    expect(groups[1]!.labels).toEqual(['code=500, route=/b', 'code=200, route=/a']);
  });

  it('draws at most a few series per chart, the most varying ones, and says how many are left out', () => {
    const many = Array.from({ length: 40 }, (_, i) => series('latency', [0, i], { labels: { pod: `p${String(i).padStart(2, '0')}` } }));
    const [group] = groupMetrics(many);
    expect(group!.series).toHaveLength(MAX_SERIES_PER_CHART);
    expect(group!.hidden).toBe(40 - MAX_SERIES_PER_CHART);
    expect(group!.labels[0]).toBe('pod=p39');
  });

  it('scores variance over finite values only, and filters charts by title or label', () => {
    expect(variance([2, 4, 4, 4, 5, 5, 7, 9])).toBe(4);
    expect(variance([1, Number.NaN, 1])).toBe(0);
    expect(variance([])).toBe(0);
    expect(labelText({ b: '2', a: '1' })).toBe('a=1, b=2');
    const groups = groupMetrics([series('db.pool', [1, 2], { labels: { pool: 'orders' } }), series('queue.depth', [1, 2])]);
    expect(filterGroups(groups, 'ORDERS').map((g) => g.key)).toEqual(['otlp:db.pool:']);
    expect(filterGroups(groups, '')).toHaveLength(2);
  });
});

describe('selection', () => {
  it('sends a span scope alone, else the thread, else nothing', () => {
    expect(scopeOf({ threadId: 2, spanId: 'abc' })).toEqual({ spanId: 'abc' });
    expect(scopeOf({ threadId: 0, spanId: null })).toEqual({ threadId: 0 });
    expect(scopeOf({ threadId: null, spanId: null })).toBeUndefined();
  });

  it('never leaves a hole before a scope: JSON would send it as null', () => {
    expect(rangeArg(null, undefined)).toBeUndefined();
    expect(rangeArg(null, { threadId: 1 })).toEqual({ fromUs: 0, toUs: Number.MAX_SAFE_INTEGER });
    expect(rangeArg({ fromUs: 1, toUs: 2 }, { threadId: 1 })).toEqual({ fromUs: 1, toUs: 2 });
  });

  it('selects a span with its range, and a new range or thread forgets the span', () => {
    const selection = useSelection.getState();
    selection.selectSession('s1');
    selection.selectSpan({ spanId: 'abc', range: { fromUs: 10, toUs: 10 } });
    expect(useSelection.getState()).toMatchObject({ spanId: 'abc', range: { fromUs: 10, toUs: 11 } });
    useSelection.getState().setThread(1);
    expect(useSelection.getState()).toMatchObject({ spanId: null, threadId: 1 });
    useSelection.getState().selectSpan({ spanId: 'def', range: { fromUs: 0, toUs: 5 } });
    useSelection.getState().setRange({ fromUs: 1, toUs: 2 });
    expect(useSelection.getState()).toMatchObject({ spanId: null, range: { fromUs: 1, toUs: 2 } });
    useSelection.getState().selectSession('s2');
    expect(useSelection.getState()).toMatchObject({ sessionId: 's2', range: null, threadId: null, spanId: null });
  });
});
