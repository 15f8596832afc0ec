// What lies under the pointer on the timeline, as a tooltip describes it and a click selects it.
import type { TimeRange } from '../../../shared/domain';
import { TIMELINE_EVENT_KINDS, TIMELINE_LOG_LEVELS, type TimelineAnswer, type TimelineFunction } from '../../../shared/timeline';
import { FRAME_KIND_LABEL } from '../../canvas/flame-colors';
import { sliceAt, spanAt, type TimelineLayout, type Track } from '../../canvas/timeline-layout';
import { formatClock, formatDurationMs } from '../../format/units';

export type HoverTarget =
  | { kind: 'slice'; threadId: number; index: number; range: TimeRange }
  | { kind: 'span'; spanId: string; index: number; range: TimeRange }
  | { kind: 'event'; index: number; range: TimeRange }
  | { kind: 'log'; index: number; range: TimeRange }
  | { kind: 'logBucket'; index: number; range: TimeRange }
  | { kind: 'capture'; index: number; range: TimeRange };

export interface HoverCard {
  title: string;
  rows: [string, string][];
  source: string | null;
}

/** The item under (contentY, timeUs) of a track; `slopUs` is how near counts (a few pixels). */
export function hoverTarget(answer: TimelineAnswer, layout: TimelineLayout, track: Track, contentY: number, timeUs: number, slopUs: number): HoverTarget | null {
  if (track.collapsed) return null;
  if (track.kind === 'cpu' && track.threadId !== null) {
    const index = layout.slices.get(track.threadId);
    const i = index ? sliceAt(index, track, contentY, timeUs, slopUs) : -1;
    if (i < 0 || !index) return null;
    return { kind: 'slice', threadId: track.threadId, index: i, range: { fromUs: index.slices.startUs[i]!, toUs: index.slices.endUs[i]! } };
  }
  if (track.kind === 'spans') {
    const i = spanAt(answer, layout, track, contentY, timeUs, slopUs);
    const span = answer.spans[i];
    return span ? { kind: 'span', spanId: span.spanId, index: i, range: { fromUs: span.startUs, toUs: span.endUs } } : null;
  }
  const near = (fromUs: number, toUs: number): boolean => fromUs - slopUs <= timeUs && toUs + slopUs >= timeUs;
  /** Index of the item nearest timeUs among `count`, each from fromUs(i) to toUs(i); NaN leaves one out. */
  const closest = (count: number, fromUs: (i: number) => number, toUs: (i: number) => number): number => {
    let best = -1;
    let bestGap = Infinity;
    for (let i = 0; i < count; i++) {
      const from = fromUs(i);
      const to = toUs(i);
      if (!near(from, to)) continue;
      const gap = timeUs < from ? from - timeUs : timeUs > to ? timeUs - to : 0;
      if (gap < bestGap) {
        bestGap = gap;
        best = i;
      }
    }
    return best;
  };
  if (track.kind === 'events') {
    const events = answer.events;
    const i = closest(
      events.count.length,
      (k) => (events.threadId[k] === track.threadId ? events.startUs[k]! : NaN),
      (k) => events.endUs[k]!,
    );
    return i < 0 ? null : { kind: 'event', index: i, range: { fromUs: events.startUs[i]!, toUs: events.endUs[i]! } };
  }
  if (track.kind === 'logs') {
    if (answer.logs) {
      const logs = answer.logs;
      const i = closest(logs.length, (k) => logs[k]!.timeUs, (k) => logs[k]!.timeUs);
      return i < 0 ? null : { kind: 'log', index: i, range: { fromUs: logs[i]!.timeUs, toUs: logs[i]!.timeUs } };
    }
    const buckets = answer.logBuckets;
    if (!buckets) return null;
    const i = closest(buckets.count.length, (k) => buckets.startUs[k]!, (k) => buckets.startUs[k]! + answer.resolutionUs);
    return i < 0 ? null : { kind: 'logBucket', index: i, range: { fromUs: buckets.startUs[i]!, toUs: buckets.startUs[i]! + answer.resolutionUs } };
  }
  const captures = answer.captures;
  const i = closest(captures.length, (k) => captures[k]!.startUs, (k) => captures[k]!.endUs);
  return i < 0 ? null : { kind: 'capture', index: i, range: { fromUs: captures[i]!.startUs, toUs: captures[i]!.endUs } };
}

function timeRows(range: TimeRange, originUs: number): [string, string][] {
  const at = (t: number) => `${formatDurationMs((t - originUs) / 1000)} · ${formatClock(t)}`;
  if (range.toUs <= range.fromUs) return [['At', at(range.fromUs)]];
  return [
    ['Start', at(range.fromUs)],
    ['End', at(range.toUs)],
    ['Duration', formatDurationMs((range.toUs - range.fromUs) / 1000)],
  ];
}

export function hoverCard(answer: TimelineAnswer, functions: readonly TimelineFunction[], target: HoverTarget, originUs: number): HoverCard {
  const times = timeRows(target.range, originUs);
  switch (target.kind) {
    case 'slice': {
      const slices = answer.slices.find((one) => one.threadId === target.threadId)!;
      const fn = functions[slices.functionId[target.index]!];
      const merged = slices.merged[target.index]!;
      const rows: [string, string][] = [...times, ['Kind', fn ? (FRAME_KIND_LABEL[fn.kind] ?? fn.kind) : '—']];
      if (merged > 1) rows.push(['Merged', `${merged} calls too short to draw apart; zoom in`]);
      return { title: fn?.name ?? '(unknown function)', rows, source: fn?.url ? `${fn.url}${fn.line > 0 ? `:${fn.line}` : ''}` : null };
    }
    case 'span': {
      const span = answer.spans[target.index]!;
      const status = span.statusCode === 2 ? 'error' : span.statusCode === 1 ? 'ok' : 'unset';
      return { title: span.name, rows: [...times, ['Status', status], ['Trace', span.traceId.slice(0, 16)]], source: null };
    }
    case 'event': {
      const events = answer.events;
      const count = events.count[target.index]!;
      const name = events.names[events.name[target.index]!] ?? '(unnamed)';
      const rows: [string, string][] = [...times, ['Kind', TIMELINE_EVENT_KINDS[events.kind[target.index]!] ?? 'other']];
      if (count > 1) rows.push(['Events', `${count} in this pixel`]);
      return { title: count > 1 ? `${name} and others` : name, rows, source: null };
    }
    case 'log': {
      const log = answer.logs![target.index]!;
      return { title: log.text || '(empty line)', rows: [...times, ['Level', log.level]], source: null };
    }
    case 'logBucket': {
      const buckets = answer.logBuckets!;
      const level = TIMELINE_LOG_LEVELS[buckets.level[target.index]!] ?? 'info';
      return { title: `${buckets.count[target.index]!.toLocaleString('en-US')} ${level} logs`, rows: times, source: null };
    }
    case 'capture': {
      const capture = answer.captures[target.index]!;
      return { title: capture.label, rows: times, source: null };
    }
  }
}
