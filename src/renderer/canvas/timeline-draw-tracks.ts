// Draws one track's content from what is loaded: CPU slices, trace events, spans (or their density), logs, captures.
import type { LogLevel, TraceEventKind } from '../../shared/domain';
import { TIMELINE_EVENT_KINDS, TIMELINE_LOG_LEVELS, type TimelineFunction } from '../../shared/timeline';
import { fitText } from './fit-text';
import { frameRgb } from './flame-colors';
import type { TimelineScene, TimelineTheme } from './timeline-draw';
import { beginRegion, fillRegionRect, pixelColor, putRegion, rgbWord } from './pixel-rects';
import { firstSliceEndingAfter, RULER_HEIGHT, rowTop, SLICE_ROW, SPAN_ROW, type Track } from './timeline-layout';
import { type Plot, timeToX } from './timeline-scale';

const LEVEL_ORDER: readonly LogLevel[] = TIMELINE_LOG_LEVELS;
/** Merged runs of short calls are drawn at this opacity over the background. */
const MERGED_ALPHA = 0.6;

function levelColor(theme: TimelineTheme, level: LogLevel): string {
  if (level === 'error' || level === 'fatal') return theme.danger;
  if (level === 'warn') return theme.warn;
  if (level === 'info') return theme.info;
  return theme.faint;
}

function eventColor(theme: TimelineTheme, kind: TraceEventKind): string {
  if (kind === 'gc') return theme.warn;
  if (kind === 'mark' || kind === 'measure') return theme.info;
  if (kind === 'http') return theme.ok;
  return theme.muted;
}

/** Labels are fitted to widths rounded down to this step, so a zoom reuses fitted labels instead of measuring each frame. */
const LABEL_STEP_PX = 4;

function labelWidth(widthPx: number): number {
  return Math.floor(widthPx / LABEL_STEP_PX) * LABEL_STEP_PX;
}

interface SliceFill {
  solid: number;
  merged: number;
}

/** Pixel colours per function id, kept across frames while the function table and theme stay the same. */
const fillCache = new WeakMap<readonly TimelineFunction[], { theme: TimelineTheme; byId: Map<number, SliceFill> }>();

function fillsFor(functions: readonly TimelineFunction[], theme: TimelineTheme): Map<number, SliceFill> {
  let held = fillCache.get(functions);
  if (!held || held.theme !== theme) {
    held = { theme, byId: new Map() };
    fillCache.set(functions, held);
  }
  return held.byId;
}

/**
 * CPU slices: rectangles written as pixels (with the grid under them), then match outlines and labels
 * as canvas drawing. `gridXs` are the ruler's tick positions, which the pixels would otherwise hide.
 */
export function drawSlices(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number, gridXs: readonly number[]): number {
  const index = track.threadId === null ? undefined : scene.layout.slices.get(track.threadId);
  if (!index) return 0;
  const { slices } = index;
  const { view, theme, matches, functions } = scene;
  const top = Math.max(RULER_HEIGHT, track.y + offset);
  const bottom = Math.min(scene.heightPx, track.y + offset + track.height);
  const background = pixelColor(theme.background);
  const region = beginRegion(context, plot.leftPx, top, plot.widthPx, bottom - top, background);
  if (!region) return 0;
  const grid = pixelColor(theme.grid, theme.background);
  for (const x of gridXs) fillRegionRect(region, x, top, 1, bottom - top, grid);
  const dim = pixelColor(theme.dim);
  const dimMerged = pixelColor(theme.dim, theme.background, MERGED_ALPHA);
  const fills = fillsFor(functions, theme);
  const labels: { text: string; x: number; y: number; hit: boolean }[] = [];
  const outlines: number[] = [];
  context.font = theme.font;
  let drawn = 0;
  const right = plot.leftPx + plot.widthPx;
  for (let depth = 0; depth < track.rows && depth < index.byDepth.length; depth++) {
    const order = index.byDepth[depth]!;
    const y = rowTop(track, depth) + offset;
    if (y > bottom || y + SLICE_ROW < top) continue;
    let lastPixel = -1;
    for (let k = firstSliceEndingAfter(index, order, view.fromUs); k < order.length; k++) {
      const i = order[k]!;
      const startUs = slices.startUs[i]!;
      if (startUs > view.toUs) break;
      const x0 = Math.max(plot.leftPx, timeToX(view, plot, startUs));
      const x1 = Math.min(right, timeToX(view, plot, slices.endUs[i]!));
      // Many slices in one pixel draw once.
      if (x1 - x0 < 1 && Math.floor(x0) === lastPixel) continue;
      lastPixel = Math.floor(x0);
      const fnId = slices.functionId[i]!;
      const fn = functions[fnId];
      const hit = matches ? matches[fnId] === 1 : true;
      let fill = fills.get(fnId);
      if (fill === undefined) {
        const rgb = fn ? frameRgb(fn.kind, fn.name) : null;
        fill = rgb ? { solid: rgbWord(rgb), merged: rgbWord(rgb, background, MERGED_ALPHA) } : { solid: dim, merged: dimMerged };
        fills.set(fnId, fill);
      }
      // Merged runs of short calls are drawn fainter than calls of their own.
      const merged = slices.merged[i]! > 1;
      const color = hit ? (merged ? fill.merged : fill.solid) : merged ? dimMerged : dim;
      const width = Math.max(1, x1 - x0 - (x1 - x0 > 3 ? 1 : 0));
      fillRegionRect(region, x0, Math.max(y, top), width, Math.min(y + SLICE_ROW - 1, bottom) - Math.max(y, top), color);
      if (matches && hit) outlines.push(x0, y, width);
      drawn++;
      if (width > 30 && fn) {
        const text = fitText(context, merged ? `${fn.name} …` : fn.name, labelWidth(width - 6));
        if (text) labels.push({ text, x: x0 + 3, y: y + SLICE_ROW / 2, hit });
      }
    }
  }
  putRegion(context, region);
  if (outlines.length > 0) {
    context.strokeStyle = theme.match;
    context.lineWidth = 1.5;
    context.beginPath();
    for (let r = 0; r < outlines.length; r += 3) context.rect(outlines[r]! + 0.75, outlines[r + 1]! + 0.75, Math.max(0, outlines[r + 2]! - 1.5), SLICE_ROW - 2.5);
    context.stroke();
  }
  let labelStyle = '';
  for (const label of labels) {
    const style = label.hit ? theme.frameText : theme.faint;
    if (style !== labelStyle) context.fillStyle = labelStyle = style;
    context.fillText(label.text, label.x, label.y);
  }
  return drawn;
}

export function drawEvents(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number): number {
  const { view, theme } = scene;
  const y = track.y + offset + 4;
  let drawn = 0;
  const events = scene.answer.events;
  for (let i = 0; i < events.count.length; i++) {
    const startUs = events.startUs[i]!;
    const endUs = events.endUs[i]!;
    if (events.threadId[i] !== track.threadId || endUs < view.fromUs || startUs > view.toUs) continue;
    const x0 = timeToX(view, plot, startUs);
    const x1 = Math.max(x0 + 2, timeToX(view, plot, endUs));
    context.fillStyle = eventColor(theme, TIMELINE_EVENT_KINDS[events.kind[i]!] ?? 'other');
    context.globalAlpha = events.count[i]! > 1 ? 0.9 : 0.75;
    context.fillRect(x0, y, x1 - x0, track.height - 9);
    drawn++;
  }
  context.globalAlpha = 1;
  return drawn;
}

export function drawSpans(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number): number {
  const { view, theme, answer, layout } = scene;
  context.font = theme.font;
  let drawn = 0;
  if (answer.spans.length === 0) {
    drawDensity(context, scene, track, plot, offset);
    return 0;
  }
  answer.spans.forEach((span, i) => {
    const row = layout.spanRows.row[i]!;
    if (row < 0 || row >= track.rows || span.endUs < view.fromUs || span.startUs > view.toUs) return;
    const x0 = Math.max(plot.leftPx, timeToX(view, plot, span.startUs));
    const x1 = Math.min(plot.leftPx + plot.widthPx, timeToX(view, plot, span.endUs));
    const width = Math.max(2, x1 - x0 - 1);
    const y = rowTop(track, row) + offset;
    context.fillStyle = span.statusCode === 2 ? theme.danger : theme.span;
    context.globalAlpha = row === 0 || span.parentSpanId === null ? 1 : 0.8;
    context.fillRect(x0, y, width, SPAN_ROW - 2);
    context.globalAlpha = 1;
    if (span.spanId === scene.selection.spanId) {
      context.strokeStyle = theme.text;
      context.lineWidth = 2;
      context.strokeRect(x0 + 1, y + 1, Math.max(0, width - 2), SPAN_ROW - 4);
    }
    if (width > 36) {
      const label = fitText(context, span.name, labelWidth(width - 8));
      if (label) {
        context.fillStyle = theme.frameText;
        context.fillText(label, x0 + 4, y + (SPAN_ROW - 2) / 2);
      }
    }
    drawn++;
  });
  return drawn;
}

/** Spans too many or too small to draw one by one: how many start in each column. */
function drawDensity(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number): void {
  const { answer, view, theme } = scene;
  const height = track.height - 10;
  const base = track.y + offset + track.height - 5;
  context.fillStyle = theme.span;
  context.globalAlpha = 0.7;
  const first = Math.max(0, Math.floor((view.fromUs - answer.range.fromUs) / answer.resolutionUs));
  const last = Math.min(answer.spanDensity.length, Math.ceil((view.toUs - answer.range.fromUs) / answer.resolutionUs) + 1);
  const shown = answer.spanDensity.subarray(first, Math.max(first, last));
  let max = 1;
  for (const n of shown) if (n > max) max = n;
  shown.forEach((n, offset) => {
    const column = first + offset;
    if (n === 0) return;
    const t = answer.range.fromUs + column * answer.resolutionUs;
    const x0 = timeToX(view, plot, t);
    const x1 = timeToX(view, plot, t + answer.resolutionUs);
    const h = Math.max(1, (Math.log1p(n) / Math.log1p(max)) * height);
    context.fillRect(x0, base - h, Math.max(1, x1 - x0), h);
  });
  context.globalAlpha = 1;
}

export function drawLogs(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number): number {
  const { answer, view, theme } = scene;
  const top = track.y + offset + 4;
  const height = track.height - 8;
  let drawn = 0;
  if (answer.logs) {
    // Quieter levels first, so errors stay on top where markers crowd.
    const sorted = [...answer.logs].sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level));
    for (const log of sorted) {
      if (log.timeUs < view.fromUs || log.timeUs > view.toUs) continue;
      const x = Math.round(timeToX(view, plot, log.timeUs));
      context.fillStyle = levelColor(theme, log.level);
      const severe = log.level === 'error' || log.level === 'fatal' || log.level === 'warn';
      context.fillRect(x - (severe ? 1 : 0), severe ? top : top + height * 0.35, severe ? 3 : 2, severe ? height : height * 0.65);
      drawn++;
    }
    return drawn;
  }
  // Dense logs: one stacked bar per column, severe levels at the bottom; height grows with the log of the count.
  const columns = new Map<number, number[]>();
  const buckets = answer.logBuckets;
  for (let i = 0; buckets && i < buckets.count.length; i++) {
    const startUs = buckets.startUs[i]!;
    if (startUs < view.fromUs - answer.resolutionUs || startUs > view.toUs) continue;
    const column = Math.floor((startUs - answer.range.fromUs) / answer.resolutionUs);
    let counts = columns.get(column);
    if (!counts) {
      counts = new Array<number>(LEVEL_ORDER.length).fill(0);
      columns.set(column, counts);
    }
    // Levels are indexes into TIMELINE_LOG_LEVELS, which LEVEL_ORDER is.
    const level = buckets.level[i]!;
    if (level < counts.length) counts[level]! += buckets.count[i]!;
  }
  let max = 1;
  for (const counts of columns.values()) max = Math.max(max, counts.reduce((a, b) => a + b, 0));
  const columnPx = Math.max(1, (answer.resolutionUs / (view.toUs - view.fromUs)) * plot.widthPx);
  // One path per level colour: few state changes however many columns.
  const paths = LEVEL_ORDER.map(() => new Path2D());
  for (const [column, counts] of columns) {
    const total = counts.reduce((a, b) => a + b, 0);
    const barHeight = Math.max(2, (Math.log1p(total) / Math.log1p(max)) * height);
    const x = timeToX(view, plot, answer.range.fromUs + column * answer.resolutionUs);
    let bottom = top + height;
    for (let level = LEVEL_ORDER.length - 1; level >= 0; level--) {
      const n = counts[level]!;
      if (n === 0) continue;
      const h = Math.max(1, (n / total) * barHeight);
      paths[level]!.rect(x, bottom - h, columnPx, h);
      bottom -= h;
    }
    drawn++;
  }
  paths.forEach((path, level) => {
    context.fillStyle = levelColor(theme, LEVEL_ORDER[level]!);
    context.fill(path);
  });
  return drawn;
}

export function drawCaptures(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number): number {
  const { answer, view, theme } = scene;
  const mid = track.y + offset + track.height / 2;
  let drawn = 0;
  for (const capture of answer.captures) {
    if (capture.endUs < view.fromUs || capture.startUs > view.toUs) continue;
    const x0 = timeToX(view, plot, capture.startUs);
    const x1 = timeToX(view, plot, capture.endUs);
    if (capture.kind === 'cpu-profile') {
      context.fillStyle = theme.ok;
      context.globalAlpha = 0.55;
      context.fillRect(x0, mid - 2, Math.max(2, x1 - x0), 4);
      context.globalAlpha = 1;
    } else if (capture.kind === 'heap-sampling') {
      context.fillStyle = theme.info;
      context.fillRect(Math.round(x0) - 1, mid - 6, 2, 12);
    } else {
      context.fillStyle = theme.snapshot;
      context.fillRect(x0, mid - 7, Math.max(4, x1 - x0), 14);
      context.beginPath();
      context.moveTo(x0, mid - 9);
      context.lineTo(x0 + 5, mid);
      context.lineTo(x0, mid + 9);
      context.lineTo(x0 - 5, mid);
      context.fill();
    }
    drawn++;
  }
  return drawn;
}
