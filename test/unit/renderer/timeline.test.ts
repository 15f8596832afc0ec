// The timeline's pure parts: view window maths, fetch decisions, track layout, hit-testing, span rows, keys.
import { describe, expect, it } from 'vitest';
import { HEADER_WIDTH, layoutTimeline, RULER_HEIGHT, sliceAt, spanAt, trackAt, DEFAULT_DEPTH_LIMIT } from '../../../src/renderer/canvas/timeline-layout';
import { clampWindow, fetchWindow, needsFetch, panBy, quantisedResolutionUs, tickLabel, ticks, tickStepUs, timeToX, xToTime, zoomAround, MIN_WINDOW_US } from '../../../src/renderer/canvas/timeline-scale';
import { matchingFunctions } from '../../../src/renderer/canvas/timeline-search';
import { layoutSpanRows } from '../../../src/renderer/canvas/timeline-span-rows';
import { keyAction, wheelAction } from '../../../src/renderer/views/timeline/timeline-keys';
import { hoverCard, hoverTarget } from '../../../src/renderer/views/timeline/timeline-hover';
import type { TimelineAnswer, TimelineEventBuckets, TimelineSpan, TimelineThreadSlices } from '../../../src/shared/timeline';

const plot = { leftPx: 100, widthPx: 1000 };
const view = { fromUs: 0, toUs: 1_000_000 };

function answer(partial: Partial<TimelineAnswer> = {}): TimelineAnswer {
  return {
    range: { fromUs: -1_000_000, toUs: 2_000_000 },
    resolutionUs: 1000,
    extent: { fromUs: 0, toUs: 1_000_000 },
    functionCount: 2,
    functions: null,
    threads: [{ id: 0, name: 'main' }],
    slices: [],
    events: eventColumns([]),
    spans: [],
    spansOmitted: 0,
    spanDensity: new Int32Array(0),
    logs: [],
    logBuckets: null,
    logCount: 0,
    captures: [],
    ...partial,
  };
}

/** Event buckets as the columns an answer carries; kind 0 is gc. */
function eventColumns(buckets: { threadId: number; kind: number; name: string; startUs: number; endUs: number; count: number }[]): TimelineEventBuckets {
  const names = [...new Set(buckets.map((b) => b.name))];
  return {
    threadId: Int32Array.from(buckets, (b) => b.threadId),
    kind: Uint8Array.from(buckets, (b) => b.kind),
    name: Int32Array.from(buckets, (b) => names.indexOf(b.name)),
    startUs: Float64Array.from(buckets, (b) => b.startUs),
    endUs: Float64Array.from(buckets, (b) => b.endUs),
    count: Int32Array.from(buckets, (b) => b.count),
    names,
  };
}

function sliceColumns(s: { threadId: number; depth: number[]; startUs: number[]; endUs: number[]; functionId: number[]; merged: number[]; maxDepth: number }): TimelineThreadSlices {
  return {
    ...s,
    depth: Int32Array.from(s.depth),
    startUs: Float64Array.from(s.startUs),
    endUs: Float64Array.from(s.endUs),
    functionId: Int32Array.from(s.functionId),
    merged: Int32Array.from(s.merged),
    sampleCount: 900,
    sampleStride: 1,
  };
}

const span = (spanId: string, traceId: string, parentSpanId: string | null, startUs: number, endUs: number): TimelineSpan => ({
  spanId,
  traceId,
  parentSpanId,
  name: spanId,
  startUs,
  endUs,
  statusCode: 0,
  thread: 0,
});

describe('the view window', () => {
  it('maps time to pixels and back', () => {
    expect(timeToX(view, plot, 500_000)).toBe(600);
    expect(xToTime(view, plot, 600)).toBe(500_000);
  });

  it('zooms around the anchor, keeping it at the same pixel', () => {
    const zoomed = zoomAround(view, 0.5, 250_000, { fromUs: 0, toUs: 1_000_000 });
    expect(zoomed).toEqual({ fromUs: 125_000, toUs: 625_000 });
    expect(timeToX(zoomed, plot, 250_000)).toBeCloseTo(timeToX(view, plot, 250_000));
  });

  it('stops at the narrowest window and keeps inside the session with a little room', () => {
    const tiny = zoomAround(view, 1e-9, 500_000, null);
    expect(tiny.toUs - tiny.fromUs).toBeCloseTo(MIN_WINDOW_US);
    const extent = { fromUs: 0, toUs: 1_000_000 };
    const far = panBy(view, 10, extent);
    expect(far.toUs).toBeLessThanOrEqual(1_050_000);
    expect(far.toUs - far.fromUs).toBeCloseTo(1_000_000);
    expect(clampWindow({ fromUs: -5e6, toUs: 5e6 }, extent)).toEqual({ fromUs: -50_000, toUs: 1_050_000 });
  });

  it('puts ruler ticks on round steps with labels in a fitting unit', () => {
    const step = tickStepUs(view, plot);
    expect(step).toBe(100_000);
    expect(ticks(view, step, 0)).toHaveLength(11);
    expect(tickLabel(200_000, step)).toBe('0.2 s');
    expect(tickLabel(1500, 500)).toBe('1.5 ms');
    expect(tickLabel(1520, 20)).toBe('1.52 ms');
  });

  it('fetches only when the view outgrows what is loaded', () => {
    // 1000 µs per pixel rounds down to 512; blocks of half the plot (256 ms) hold the view and half its width each side.
    expect(quantisedResolutionUs(view, plot)).toBe(512);
    const fetched = fetchWindow(view, plot);
    expect(fetched.range).toEqual({ fromUs: -512_000, toUs: 1_536_000 });
    expect(fetched.widthPx).toBe(4000);
    const loaded = { range: fetched.range, resolutionUs: 512 };
    expect(needsFetch(view, plot, null)).toBe(true);
    expect(needsFetch(panBy(view, 0.5, null), plot, loaded)).toBe(false);
    expect(needsFetch(panBy(view, 1.5, null), plot, loaded)).toBe(true);
    expect(needsFetch(zoomAround(view, 0.5, 500_000, null), plot, loaded)).toBe(true);
    expect(needsFetch({ fromUs: -900_000, toUs: 1_900_000 }, plot, loaded)).toBe(true);
    // Zoomed out so far (4x the loaded columns) that most of the loaded detail would be drawn into shared pixels.
    expect(needsFetch(fetched.range, plot, loaded)).toBe(true);
    expect(needsFetch({ fromUs: -100_000, toUs: 1_100_000 }, plot, loaded)).toBe(false);
  });

  it('asks for one window for views near each other, and coarsens rather than ask too wide', () => {
    expect(fetchWindow(panBy(view, 0.01, null), plot)).toEqual(fetchWindow(view, plot));
    expect(fetchWindow({ fromUs: 0, toUs: 1_020_000 }, plot)).toEqual(fetchWindow(view, plot));
    const narrow = fetchWindow(view, plot, 2000);
    expect(narrow.widthPx).toBeLessThanOrEqual(2000);
    expect((narrow.range.toUs - narrow.range.fromUs) / narrow.widthPx).toBe(1024);
    expect(narrow.range.fromUs).toBeLessThanOrEqual(-500_000);
    expect(narrow.range.toUs).toBeGreaterThanOrEqual(1_500_000);
  });
});

describe('track layout and hit-testing', () => {
  const plain = {
    threadId: 0,
    depth: [0, 1, 1, 0],
    startUs: [0, 0, 300_000, 600_000],
    endUs: [500_000, 200_000, 500_000, 900_000],
    functionId: [0, 1, 1, 0],
    merged: [1, 1, 3, 1],
    maxDepth: 2,
  };
  const slices = sliceColumns(plain);

  it('stacks a CPU track per thread, events under their thread, then spans, logs and captures', () => {
    const a = answer({
      threads: [{ id: 0, name: 'main' }, { id: 3, name: 'worker' }],
      slices: [slices],
      events: eventColumns([{ threadId: 0, kind: 0, name: 'MinorGC', startUs: 10, endUs: 20, count: 1 }]),
      spans: [span('a', 't1', null, 0, 10)],
      captures: [{ kind: 'heap-snapshot', threadId: 0, startUs: 5, endUs: 6, snapshotId: 1, label: 'Heap snapshot #1' }],
    });
    const layout = layoutTimeline(a, { collapsed: new Set(), expanded: new Set() }, new Map([[3, 'crunch']]));
    expect(layout.tracks.map((t) => t.key)).toEqual(['cpu:0', 'events:0', 'cpu:3', 'spans', 'logs', 'captures']);
    expect(layout.tracks[2]!.label).toBe('crunch');
    for (let i = 1; i < layout.tracks.length; i++) expect(layout.tracks[i]!.y).toBe(layout.tracks[i - 1]!.y + layout.tracks[i - 1]!.height);
    expect(layout.height).toBe(layout.tracks.at(-1)!.y + layout.tracks.at(-1)!.height);
  });

  it('limits a deep CPU track until it is expanded, and folds it', () => {
    const deep = sliceColumns({ ...plain, depth: [...plain.depth, 30], startUs: [...plain.startUs, 0], endUs: [...plain.endUs, 1], functionId: [...plain.functionId, 0], merged: [...plain.merged, 1], maxDepth: 31 });
    const limited = layoutTimeline(answer({ slices: [deep] }), { collapsed: new Set(), expanded: new Set() }, new Map());
    expect(limited.tracks[0]!.rows).toBe(DEFAULT_DEPTH_LIMIT);
    expect(limited.tracks[0]!.note).toMatch(/\+23 rows/);
    const all = layoutTimeline(answer({ slices: [deep] }), { collapsed: new Set(), expanded: new Set(['cpu:0']) }, new Map());
    expect(all.tracks[0]!.rows).toBe(31);
    const folded = layoutTimeline(answer({ slices: [deep] }), { collapsed: new Set(['cpu:0']), expanded: new Set() }, new Map());
    expect(folded.tracks[0]!.rows).toBe(0);
    expect(folded.tracks[0]!.height).toBeLessThan(limited.tracks[0]!.height);
  });

  it('finds the slice and the span under a point', () => {
    const a = answer({ slices: [slices], spans: [span('root', 't', null, 0, 400_000), span('child', 't', 'root', 100_000, 200_000)] });
    const layout = layoutTimeline(a, { collapsed: new Set(), expanded: new Set() }, new Map());
    const cpu = layout.tracks[0]!;
    const index = layout.slices.get(0)!;
    const row1 = cpu.y + 4 + 15 + 2;
    expect(sliceAt(index, cpu, row1, 350_000, 0)).toBe(2);
    expect(sliceAt(index, cpu, row1, 250_000, 0)).toBe(-1);
    expect(sliceAt(index, cpu, row1, 250_000, 60_000)).toBe(1);
    expect(sliceAt(index, cpu, cpu.y + 5, 700_000, 0)).toBe(3);
    expect(trackAt(layout, cpu.y + 1)).toBe(cpu);
    const spans = layout.tracks.find((t) => t.kind === 'spans')!;
    expect(spanAt(a, layout, spans, spans.y + 4 + 18 + 3, 150_000, 0)).toBe(1);
    expect(spanAt(a, layout, spans, spans.y + 5, 150_000, 0)).toBe(0);

    const target = hoverTarget(a, layout, cpu, row1, 350_000, 0);
    expect(target).toMatchObject({ kind: 'slice', threadId: 0, range: { fromUs: 300_000, toUs: 500_000 } });
    const card = hoverCard(a, [{ name: 'main', url: 'file:///a.js', line: 1, kind: 'app' }, { name: 'work', url: 'file:///a.js', line: 9, kind: 'app' }], target!, 0);
    expect(card.title).toBe('work');
    expect(card.rows.map(([label]) => label)).toEqual(['Start', 'End', 'Duration', 'Kind', 'Merged']);
    expect(card.source).toBe('file:///a.js:9');
  });

  it('finds the event bucket and the log bucket under a point, from their columns', () => {
    const a = answer({
      events: eventColumns([
        { threadId: 0, kind: 0, name: 'MinorGC', startUs: 100_000, endUs: 110_000, count: 1 },
        { threadId: 0, kind: 1, name: 'ready', startUs: 500_000, endUs: 500_000, count: 3 },
        { threadId: 3, kind: 0, name: 'MajorGC', startUs: 500_000, endUs: 520_000, count: 1 },
      ]),
      logs: null,
      logBuckets: { startUs: Float64Array.from([200_000, 700_000]), level: Uint8Array.from([2, 4]), count: Int32Array.from([5, 1200]) },
      logCount: 1205,
    });
    const layout = layoutTimeline(a, { collapsed: new Set(), expanded: new Set() }, new Map());
    const events = layout.tracks.find((t) => t.key === 'events:0')!;
    const target = hoverTarget(a, layout, events, events.y + 5, 500_500, 1000);
    expect(target).toMatchObject({ kind: 'event', index: 1, range: { fromUs: 500_000, toUs: 500_000 } });
    const card = hoverCard(a, [], target!, 0);
    expect(card.title).toBe('ready and others');
    expect(card.rows).toContainEqual(['Kind', 'mark']);
    expect(card.rows).toContainEqual(['Events', '3 in this pixel']);
    const logs = layout.tracks.find((t) => t.kind === 'logs')!;
    const bucket = hoverTarget(a, layout, logs, logs.y + 5, 700_200, 0);
    expect(bucket).toMatchObject({ kind: 'logBucket', index: 1 });
    expect(hoverCard(a, [], bucket!, 0).title).toBe('1,200 error logs');
  });

  it('keeps the ruler and header sizes the drawing and the hit-tests share', () => {
    expect(RULER_HEIGHT).toBeGreaterThan(0);
    expect(HEADER_WIDTH).toBeGreaterThan(100);
  });
});

describe('span rows', () => {
  it('nests spans by parent inside their trace, and lets traces that do not overlap share rows', () => {
    const spans = [span('a', 't1', null, 0, 100), span('b', 't1', 'a', 10, 50), span('c', 't1', 'b', 20, 30), span('d', 't2', null, 200, 300), span('e', 't3', null, 50, 150)];
    const rows = layoutSpanRows(spans, 5, 10);
    expect([...rows.row]).toEqual([0, 1, 2, 0, 3]);
    expect(rows.rows).toBe(4);
    expect(rows.hidden).toBe(0);
  });

  it('starts orphans at the top of their trace, survives a parent cycle, and counts what does not fit', () => {
    const cyclic = [span('x', 't', 'y', 0, 10), span('y', 't', 'x', 0, 10), span('z', 't', 'missing', 0, 5)];
    const rows = layoutSpanRows(cyclic, 0, 10);
    expect(rows.row[2]).toBe(0);
    expect(rows.rows).toBeGreaterThan(0);
    const many = Array.from({ length: 5 }, (_, i) => span(`s${i}`, `t${i}`, null, 0, 100));
    const capped = layoutSpanRows(many, 0, 3);
    expect(capped.rows).toBe(3);
    expect(capped.hidden).toBe(2);
  });
});

describe('keys and wheel', () => {
  const key = (k: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}) =>
    keyAction({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...extra });

  it('maps WASD and arrows to zoom and pan, Escape to clear, Z to fit the selection', () => {
    expect(key('w')).toMatchObject({ type: 'zoom' });
    expect((key('w') as { factor: number }).factor).toBeLessThan(1);
    expect((key('S') as { factor: number }).factor).toBeGreaterThan(1);
    expect(key('ArrowUp')).toEqual(key('w'));
    expect(key('a')).toMatchObject({ type: 'pan' });
    expect((key('d') as { fraction: number }).fraction).toBeGreaterThan(0);
    expect(key('ArrowLeft')).toEqual(key('a'));
    expect(key('Escape')).toEqual({ type: 'clear' });
    expect(key('z')).toEqual({ type: 'zoomToSelection' });
    expect(key('w', { ctrlKey: true })).toBeNull();
    expect(key('x')).toBeNull();
  });

  it('zooms on ctrl-wheel, pans on shift-wheel, leaves a plain wheel to scroll', () => {
    expect(wheelAction({ deltaX: 0, deltaY: 100, ctrlKey: true, metaKey: false, shiftKey: false }, 1000)).toMatchObject({ type: 'zoom' });
    expect(wheelAction({ deltaX: 0, deltaY: 100, ctrlKey: false, metaKey: false, shiftKey: true }, 1000)).toEqual({ type: 'pan', fraction: 0.1 });
    expect(wheelAction({ deltaX: 0, deltaY: 100, ctrlKey: false, metaKey: false, shiftKey: false }, 1000)).toBeNull();
  });
});

describe('search', () => {
  it('matches functions by name or file, ignoring case', () => {
    const fns = [
      { name: 'renderTable', url: 'file:///src/view.js', line: 1, kind: 'app' as const },
      { name: 'parse', url: 'file:///node_modules/lib/Render.js', line: 1, kind: 'library' as const },
      { name: 'other', url: '', line: 0, kind: 'runtime' as const },
    ];
    expect([...matchingFunctions(fns, 'RENDER')!]).toEqual([1, 1, 0]);
    expect(matchingFunctions(fns, '  ')).toBeNull();
  });
});
