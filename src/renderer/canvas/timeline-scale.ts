// The timeline's view window: time <-> pixel mapping, zoom around a point, pan, ruler ticks, fetch windows.
import type { TimeRange } from '../../shared/domain';

/** The narrowest window a zoom reaches: 20 µs across the plot. */
export const MIN_WINDOW_US = 20;

export interface Plot {
  /** Left edge of the time area in CSS pixels (right of the track headers). */
  leftPx: number;
  widthPx: number;
}

export function timeToX(view: TimeRange, plot: Plot, timeUs: number): number {
  return plot.leftPx + ((timeUs - view.fromUs) / (view.toUs - view.fromUs)) * plot.widthPx;
}

export function xToTime(view: TimeRange, plot: Plot, x: number): number {
  return view.fromUs + ((x - plot.leftPx) / plot.widthPx) * (view.toUs - view.fromUs);
}

/** Keeps a window inside the session's extent (with a little room) and no narrower than MIN_WINDOW_US. */
export function clampWindow(view: TimeRange, extent: TimeRange | null): TimeRange {
  let { fromUs, toUs } = view;
  if (toUs - fromUs < MIN_WINDOW_US) {
    const mid = (fromUs + toUs) / 2;
    fromUs = mid - MIN_WINDOW_US / 2;
    toUs = mid + MIN_WINDOW_US / 2;
  }
  if (!extent) return { fromUs, toUs };
  const room = (extent.toUs - extent.fromUs) * 0.05;
  const lo = extent.fromUs - room;
  const hi = extent.toUs + room;
  const length = Math.min(toUs - fromUs, hi - lo);
  if (fromUs < lo) fromUs = lo;
  if (fromUs + length > hi) fromUs = hi - length;
  return { fromUs, toUs: fromUs + length };
}

/** Zooms by `factor` (<1 in, >1 out) keeping `anchorUs` at the same pixel. */
export function zoomAround(view: TimeRange, factor: number, anchorUs: number, extent: TimeRange | null): TimeRange {
  const fromUs = anchorUs - (anchorUs - view.fromUs) * factor;
  const toUs = anchorUs + (view.toUs - anchorUs) * factor;
  return clampWindow({ fromUs, toUs }, extent);
}

/** Moves the window by a fraction of its width (negative: earlier). */
export function panBy(view: TimeRange, fraction: number, extent: TimeRange | null): TimeRange {
  const shift = (view.toUs - view.fromUs) * fraction;
  return clampWindow({ fromUs: view.fromUs + shift, toUs: view.toUs + shift }, extent);
}

/** A window showing `range` with a margin on both sides. */
export function windowAround(range: TimeRange, extent: TimeRange | null): TimeRange {
  const margin = Math.max((range.toUs - range.fromUs) * 0.08, MIN_WINDOW_US / 2);
  return clampWindow({ fromUs: range.fromUs - margin, toUs: range.toUs + margin }, extent);
}

/** Ruler tick step (1, 2 or 5 times a power of ten µs) giving labels at least `minGapPx` apart. */
export function tickStepUs(view: TimeRange, plot: Plot, minGapPx = 90): number {
  const perPx = (view.toUs - view.fromUs) / Math.max(1, plot.widthPx);
  const raw = perPx * minGapPx;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** Tick times (multiples of the step from `originUs`) inside the window. */
export function ticks(view: TimeRange, stepUs: number, originUs: number): number[] {
  const out: number[] = [];
  const first = originUs + Math.ceil((view.fromUs - originUs) / stepUs) * stepUs;
  for (let t = first; t <= view.toUs && out.length < 1000; t += stepUs) out.push(t);
  return out;
}

/** A tick's label: time since the session started, in a unit fitting the step. */
export function tickLabel(offsetUs: number, stepUs: number): string {
  if (stepUs >= 1_000_000) return `${trim(offsetUs / 1e6, stepUs >= 1e7 ? 0 : 1)} s`;
  if (stepUs >= 1000) return `${trim(offsetUs / 1e6, 3 - Math.floor(Math.log10(stepUs / 1000)))} s`;
  return `${trim(offsetUs / 1000, 3 - Math.floor(Math.log10(stepUs)))} ms`;
}

function trim(value: number, digits: number): string {
  return value.toFixed(Math.max(0, digits));
}

/** What the loaded answer covers: its window and µs per column. */
export interface Loaded {
  range: TimeRange;
  resolutionUs: number;
}

/** µs per column to ask for: the view's own pixel size rounded down to a power of two, so small zooms keep one resolution. */
export function quantisedResolutionUs(view: TimeRange, plot: Plot): number {
  const needUs = (view.toUs - view.fromUs) / Math.max(1, plot.widthPx);
  return 2 ** Math.floor(Math.log2(Math.max(needUs, 2 ** -10)));
}

/**
 * Whether the view needs a new answer: it reaches past what is loaded, or its pixels are finer
 * than the loaded columns, or four times coarser, so the answer is mostly wasted.
 */
export function needsFetch(view: TimeRange, plot: Plot, loaded: Loaded | null): boolean {
  if (!loaded) return true;
  const needUs = (view.toUs - view.fromUs) / Math.max(1, plot.widthPx);
  if (view.fromUs < loaded.range.fromUs || view.toUs > loaded.range.toUs) return true;
  return needUs < loaded.resolutionUs * 0.999 || needUs >= loaded.resolutionUs * 4;
}

/**
 * The window to ask for: the view plus half its width each side, at the quantised resolution,
 * snapped outwards to blocks of half a plot width. Views near each other ask for the same window,
 * so answers repeat and are cached; a wider answer than maxWidthPx coarsens the resolution.
 */
export function fetchWindow(view: TimeRange, plot: Plot, maxWidthPx = 16_384): { range: TimeRange; widthPx: number } {
  const length = view.toUs - view.fromUs;
  const blockPx = Math.max(1, Math.ceil(plot.widthPx / 2));
  for (let resolutionUs = quantisedResolutionUs(view, plot); ; resolutionUs *= 2) {
    const blockUs = resolutionUs * blockPx;
    const fromUs = Math.floor((view.fromUs - length / 2) / blockUs) * blockUs;
    const toUs = Math.ceil((view.toUs + length / 2) / blockUs) * blockUs;
    const widthPx = Math.round((toUs - fromUs) / resolutionUs);
    if (widthPx <= maxWidthPx) return { range: { fromUs, toUs }, widthPx };
  }
}
