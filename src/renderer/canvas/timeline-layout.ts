// The timeline's tracks stacked top to bottom from one answer, and what lies under a point of them.
import type { TimelineAnswer, TimelineThreadSlices } from '../../shared/timeline';
import { layoutSpanRows, type SpanRows } from './timeline-span-rows';

export const RULER_HEIGHT = 26;
export const HEADER_WIDTH = 172;
export const SLICE_ROW = 15;
export const SPAN_ROW = 18;
/** CPU rows shown before a track is expanded. */
export const DEFAULT_DEPTH_LIMIT = 8;
export const MAX_SPAN_ROWS = 14;
const TRACK_PAD = 4;
const COLLAPSED = 22;

export type TrackKind = 'cpu' | 'events' | 'spans' | 'logs' | 'captures';

export interface Track {
  key: string;
  kind: TrackKind;
  label: string;
  /** Second line of the header: counts. */
  detail: string;
  /** Third line, when the track is tall enough: what is hidden and how to show it. */
  note: string;
  threadId: number | null;
  /** Top in content pixels (0 is just under the ruler). */
  y: number;
  height: number;
  /** Rows drawn; 0 when collapsed. */
  rows: number;
  /** A CPU track deeper than its limit, or collapsed: its header toggles. */
  toggles: boolean;
  collapsed: boolean;
}

/** Per thread, each depth's slices by start time, for culling and hit-testing by binary search. */
export interface SliceIndex {
  slices: TimelineThreadSlices;
  byDepth: Int32Array[];
}

export interface TimelineLayout {
  tracks: Track[];
  height: number;
  slices: Map<number, SliceIndex>;
  spanRows: SpanRows;
}

export interface TrackState {
  /** Keys of collapsed tracks. */
  collapsed: ReadonlySet<string>;
  /** Keys of CPU tracks showing every depth. */
  expanded: ReadonlySet<string>;
}

export function indexSlices(slices: TimelineThreadSlices): SliceIndex {
  const { depth, startUs } = slices;
  // Counting sort by depth into one buffer: each depth's indexes are a view on it, in the order sent.
  const starts = new Int32Array(slices.maxDepth + 1);
  for (let i = 0; i < depth.length; i++) starts[depth[i]! + 1]!++;
  for (let d = 1; d < starts.length; d++) starts[d]! += starts[d - 1]!;
  const all = new Int32Array(depth.length);
  const next = starts.slice(0, slices.maxDepth);
  for (let i = 0; i < depth.length; i++) all[next[depth[i]!]!++] = i;
  const byDepth = Array.from({ length: slices.maxDepth }, (_, d) => {
    const list = all.subarray(starts[d]!, starts[d + 1]!);
    // The engine writes each depth's slices in time order: check that in one pass rather than sorting.
    for (let k = 1; k < list.length; k++) if (startUs[list[k - 1]!]! > startUs[list[k]!]!) return list.sort((a, b) => startUs[a]! - startUs[b]!);
    return list;
  });
  return { slices, byDepth };
}

export function layoutTimeline(answer: TimelineAnswer, state: TrackState, threadNames: ReadonlyMap<number, string>): TimelineLayout {
  const tracks: Track[] = [];
  let y = 0;
  const add = (track: Omit<Track, 'y'>): void => {
    tracks.push({ ...track, y });
    y += track.height;
  };
  const slices = new Map(answer.slices.map((one) => [one.threadId, indexSlices(one)]));
  const threadIds = new Set<number>([...answer.threads.map((t) => t.id), ...slices.keys()]);
  const eventThreads = new Set(answer.events.threadId);
  for (const threadId of [...threadIds].sort((a, b) => a - b)) {
    const name = threadNames.get(threadId) ?? answer.threads.find((t) => t.id === threadId)?.name ?? `thread ${threadId}`;
    const one = slices.get(threadId);
    const key = `cpu:${threadId}`;
    const depth = one?.slices.maxDepth ?? 0;
    const collapsed = state.collapsed.has(key);
    const limit = state.expanded.has(key) ? depth : Math.min(depth, DEFAULT_DEPTH_LIMIT);
    const rows = collapsed ? 0 : Math.max(1, limit);
    const note = collapsed ? '' : depth > limit ? `+${depth - limit} rows: click to show` : depth > DEFAULT_DEPTH_LIMIT ? 'click to fold' : '';
    add({
      key,
      kind: 'cpu',
      label: name,
      detail: one ? `CPU · ${depth} ${depth === 1 ? 'level' : 'levels'} deep` : 'CPU · no samples here',
      note,
      threadId,
      height: collapsed ? COLLAPSED : rows * SLICE_ROW + TRACK_PAD * 2,
      rows,
      toggles: true,
      collapsed,
    });
    if (eventThreads.has(threadId)) {
      add({ key: `events:${threadId}`, kind: 'events', label: 'GC & trace events', detail: '', note: '', threadId, height: 20, rows: 1, toggles: false, collapsed: false });
    }
  }
  const spanRows = layoutSpanRows(answer.spans, answer.resolutionUs * 2, MAX_SPAN_ROWS);
  const spanTotal = answer.spans.length + answer.spansOmitted;
  if (spanTotal > 0 || answer.spanDensity.some((n) => n > 0)) {
    const collapsed = state.collapsed.has('spans');
    const rows = collapsed ? 0 : Math.max(1, spanRows.rows);
    const hidden = spanRows.hidden + answer.spansOmitted;
    add({
      key: 'spans',
      kind: 'spans',
      label: 'Spans',
      detail: `${spanTotal.toLocaleString('en-US')} in view, by trace`,
      note: hidden > 0 ? `${hidden.toLocaleString('en-US')} too small to draw` : '',
      threadId: null,
      height: collapsed ? COLLAPSED : Math.max(34, rows * SPAN_ROW + TRACK_PAD * 2 + (answer.spans.length === 0 ? 16 : 0)),
      rows,
      toggles: true,
      collapsed,
    });
  }
  add({ key: 'logs', kind: 'logs', label: 'Logs', detail: `${answer.logCount.toLocaleString('en-US')} in view`, note: '', threadId: null, height: 32, rows: 1, toggles: false, collapsed: false });
  if (answer.captures.length > 0) {
    add({ key: 'captures', kind: 'captures', label: 'Captures', detail: 'profiles, heap reads, snapshots', note: '', threadId: null, height: 32, rows: 1, toggles: false, collapsed: false });
  }
  return { tracks, height: y, slices, spanRows };
}

export function trackAt(layout: TimelineLayout, contentY: number): Track | null {
  for (const track of layout.tracks) if (contentY >= track.y && contentY < track.y + track.height) return track;
  return null;
}

/** Index of the first slice in `order` ending at or after `timeUs` (slices of one depth never overlap). */
export function firstSliceEndingAfter(index: SliceIndex, order: Int32Array, timeUs: number): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (index.slices.endUs[order[mid]!]! < timeUs) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The CPU slice under a point of a CPU track, within `slopUs` of its edges; -1 for none. */
export function sliceAt(index: SliceIndex, track: Track, contentY: number, timeUs: number, slopUs: number): number {
  const depth = Math.floor((contentY - track.y - TRACK_PAD) / SLICE_ROW);
  if (depth < 0 || depth >= track.rows) return -1;
  const order = index.byDepth[depth];
  if (!order) return -1;
  const at = firstSliceEndingAfter(index, order, timeUs - slopUs);
  const candidate = order[at];
  if (candidate === undefined) return -1;
  return index.slices.startUs[candidate]! - slopUs <= timeUs ? candidate : -1;
}

/** The span under a point of the span track; -1 for none. */
export function spanAt(answer: TimelineAnswer, layout: TimelineLayout, track: Track, contentY: number, timeUs: number, slopUs: number): number {
  const row = Math.floor((contentY - track.y - TRACK_PAD) / SPAN_ROW);
  if (row < 0 || row >= track.rows) return -1;
  let best = -1;
  answer.spans.forEach((span, i) => {
    if (layout.spanRows.row[i] !== row) return;
    if (span.startUs - slopUs <= timeUs && span.endUs + slopUs >= timeUs) best = i;
  });
  return best;
}

/** Row of a slice or span within its track, in content pixels. */
export function rowTop(track: Track, row: number): number {
  return track.y + TRACK_PAD + row * (track.kind === 'spans' ? SPAN_ROW : SLICE_ROW);
}
