// Draws the timeline from what is loaded: ruler, tracks (CPU slices, events, spans, logs, captures), selection, hover.
import type { LogLevel, TimeRange, TraceEventKind } from '../../shared/domain';
import type { TimelineAnswer, TimelineFunction } from '../../shared/timeline';
import { fitText } from './fit-text';
import { frameFill } from './flame-colors';
import { firstSliceEndingAfter, HEADER_WIDTH, RULER_HEIGHT, rowTop, SLICE_ROW, SPAN_ROW, type TimelineLayout, type Track } from './timeline-layout';
import { type Plot, tickLabel, ticks, tickStepUs, timeToX } from './timeline-scale';

export interface TimelineTheme {
  background: string;
  header: string;
  border: string;
  grid: string;
  text: string;
  muted: string;
  faint: string;
  accent: string;
  band: string;
  frameText: string;
  dim: string;
  match: string;
  danger: string;
  warn: string;
  info: string;
  ok: string;
  span: string;
  snapshot: string;
  font: string;
  bold: string;
}

export interface TimelineScene {
  answer: TimelineAnswer;
  layout: TimelineLayout;
  functions: readonly TimelineFunction[];
  view: TimeRange;
  widthPx: number;
  heightPx: number;
  scrollTop: number;
  originUs: number;
  selection: { range: TimeRange | null; threadId: number | null; spanId: string | null };
  /** A range being dragged out, not yet selected. */
  dragRange: TimeRange | null;
  hoverUs: number | null;
  /** 1 per matching function id; null when nothing is searched. */
  matches: Uint8Array | null;
  theme: TimelineTheme;
}

const LEVEL_ORDER: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

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

/** Draws the whole scene; returns how many slices, spans and markers it drew. */
export function drawTimeline(context: CanvasRenderingContext2D, scene: TimelineScene): number {
  const { theme, widthPx, heightPx, view } = scene;
  const plot: Plot = { leftPx: HEADER_WIDTH, widthPx: Math.max(1, widthPx - HEADER_WIDTH) };
  context.fillStyle = theme.background;
  context.fillRect(0, 0, widthPx, heightPx);
  context.textBaseline = 'middle';
  const step = tickStepUs(view, plot);
  const tickTimes = ticks(view, step, scene.originUs);

  let drawn = 0;
  context.save();
  context.beginPath();
  context.rect(0, RULER_HEIGHT, widthPx, heightPx - RULER_HEIGHT);
  context.clip();
  const offset = RULER_HEIGHT - scene.scrollTop;
  // Grid first, so every track draws over it.
  context.fillStyle = theme.grid;
  for (const t of tickTimes) context.fillRect(Math.round(timeToX(view, plot, t)), RULER_HEIGHT, 1, heightPx);
  for (const track of scene.layout.tracks) {
    const top = track.y + offset;
    if (top > heightPx || top + track.height < RULER_HEIGHT) continue;
    context.save();
    context.beginPath();
    context.rect(plot.leftPx, top, plot.widthPx, track.height);
    context.clip();
    if (!track.collapsed) drawn += drawTrack(context, scene, track, plot, offset);
    context.restore();
    context.fillStyle = theme.border;
    context.fillRect(0, top + track.height - 1, widthPx, 1);
  }
  drawSelection(context, scene, plot);
  drawHeaders(context, scene, offset);
  context.restore();
  drawRuler(context, scene, plot, tickTimes, step);
  if (scene.hoverUs !== null) {
    const x = Math.round(timeToX(view, plot, scene.hoverUs)) + 0.5;
    if (x >= plot.leftPx) {
      context.fillStyle = theme.text;
      context.globalAlpha = 0.5;
      context.fillRect(x - 0.5, 0, 1, heightPx);
      context.globalAlpha = 1;
    }
  }
  return drawn;
}

function drawTrack(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number): number {
  if (track.kind === 'cpu') return drawSlices(context, scene, track, plot, offset);
  if (track.kind === 'events') return drawEvents(context, scene, track, plot, offset);
  if (track.kind === 'spans') return drawSpans(context, scene, track, plot, offset);
  if (track.kind === 'logs') return drawLogs(context, scene, track, plot, offset);
  return drawCaptures(context, scene, track, plot, offset);
}

function drawSlices(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number): number {
  const index = track.threadId === null ? undefined : scene.layout.slices.get(track.threadId);
  if (!index) return 0;
  const { slices } = index;
  const { view, theme, matches, functions } = scene;
  const fills = new Map<number, string>();
  context.font = theme.font;
  let drawn = 0;
  const right = plot.leftPx + plot.widthPx;
  for (let depth = 0; depth < track.rows && depth < index.byDepth.length; depth++) {
    const order = index.byDepth[depth]!;
    const y = rowTop(track, depth) + offset;
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
        fill = fn ? frameFill(fn.kind, fn.name) : theme.dim;
        fills.set(fnId, fill);
      }
      context.fillStyle = hit ? fill : theme.dim;
      context.globalAlpha = slices.merged[i]! > 1 ? 0.6 : 1;
      const width = Math.max(1, x1 - x0 - (x1 - x0 > 3 ? 1 : 0));
      context.fillRect(x0, y, width, SLICE_ROW - 1);
      context.globalAlpha = 1;
      if (matches && hit) {
        context.strokeStyle = theme.match;
        context.lineWidth = 1.5;
        context.strokeRect(x0 + 0.75, y + 0.75, Math.max(0, width - 1.5), SLICE_ROW - 2.5);
      }
      drawn++;
      if (width > 30 && fn) {
        const label = fitText(context, slices.merged[i]! > 1 ? `${fn.name} …` : fn.name, width - 6);
        if (label) {
          context.fillStyle = hit ? theme.frameText : theme.faint;
          context.fillText(label, x0 + 3, y + SLICE_ROW / 2);
        }
      }
    }
  }
  return drawn;
}

function drawEvents(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number): number {
  const { view, theme } = scene;
  const y = track.y + offset + 4;
  let drawn = 0;
  for (const bucket of scene.answer.events) {
    if (bucket.threadId !== track.threadId || bucket.endUs < view.fromUs || bucket.startUs > view.toUs) continue;
    const x0 = timeToX(view, plot, bucket.startUs);
    const x1 = Math.max(x0 + 2, timeToX(view, plot, bucket.endUs));
    context.fillStyle = eventColor(theme, bucket.kind);
    context.globalAlpha = bucket.count > 1 ? 0.9 : 0.75;
    context.fillRect(x0, y, x1 - x0, track.height - 9);
    drawn++;
  }
  context.globalAlpha = 1;
  return drawn;
}

function drawSpans(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number): number {
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
      const label = fitText(context, span.name, width - 8);
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
  const max = Math.max(1, ...answer.spanDensity);
  const height = track.height - 10;
  const base = track.y + offset + track.height - 5;
  context.fillStyle = theme.span;
  context.globalAlpha = 0.7;
  answer.spanDensity.forEach((n, column) => {
    if (n === 0) return;
    const t = answer.range.fromUs + column * answer.resolutionUs;
    const x0 = timeToX(view, plot, t);
    const x1 = timeToX(view, plot, t + answer.resolutionUs);
    const h = Math.max(1, (Math.log1p(n) / Math.log1p(max)) * height);
    context.fillRect(x0, base - h, Math.max(1, x1 - x0), h);
  });
  context.globalAlpha = 1;
}

function drawLogs(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number): number {
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
  const buckets = answer.logBuckets ?? [];
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const columnPx = Math.max(1, (answer.resolutionUs / (view.toUs - view.fromUs)) * plot.widthPx);
  for (const level of LEVEL_ORDER) {
    context.fillStyle = levelColor(theme, level);
    for (const bucket of buckets) {
      if (bucket.level !== level || bucket.startUs < view.fromUs || bucket.startUs > view.toUs) continue;
      const h = Math.max(2, (Math.log1p(bucket.count) / Math.log1p(max)) * height);
      context.fillRect(timeToX(view, plot, bucket.startUs), top + height - h, columnPx, h);
      drawn++;
    }
  }
  return drawn;
}

function drawCaptures(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number): number {
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

function drawSelection(context: CanvasRenderingContext2D, scene: TimelineScene, plot: Plot): void {
  const { theme, view } = scene;
  for (const [range, strong] of [
    [scene.selection.range, true],
    [scene.dragRange, false],
  ] as const) {
    if (!range) continue;
    const x0 = Math.max(plot.leftPx, timeToX(view, plot, range.fromUs));
    const x1 = Math.min(plot.leftPx + plot.widthPx, timeToX(view, plot, range.toUs));
    if (x1 < plot.leftPx || x0 > plot.leftPx + plot.widthPx) continue;
    context.fillStyle = theme.band;
    context.fillRect(x0, RULER_HEIGHT, Math.max(1, x1 - x0), scene.heightPx);
    context.fillStyle = theme.accent;
    context.globalAlpha = strong ? 1 : 0.6;
    context.fillRect(Math.round(x0), 0, 1, scene.heightPx);
    context.fillRect(Math.round(x1) - 1, 0, 1, scene.heightPx);
    context.globalAlpha = 1;
  }
}

function drawHeaders(context: CanvasRenderingContext2D, scene: TimelineScene, offset: number): void {
  const { theme, heightPx } = scene;
  context.fillStyle = theme.header;
  context.fillRect(0, RULER_HEIGHT, HEADER_WIDTH, heightPx - RULER_HEIGHT);
  context.fillStyle = theme.border;
  context.fillRect(HEADER_WIDTH - 1, RULER_HEIGHT, 1, heightPx - RULER_HEIGHT);
  for (const track of scene.layout.tracks) {
    const top = track.y + offset;
    if (top > heightPx || top + track.height < RULER_HEIGHT) continue;
    context.fillStyle = theme.border;
    context.fillRect(0, top + track.height - 1, HEADER_WIDTH, 1);
    const selected = track.threadId !== null && track.threadId === scene.selection.threadId && track.kind === 'cpu';
    if (selected) {
      context.fillStyle = theme.accent;
      context.fillRect(0, top, 3, track.height - 1);
    }
    const x = track.toggles ? 22 : 10;
    if (track.toggles) {
      context.fillStyle = theme.muted;
      context.font = theme.font;
      context.fillText(track.collapsed ? '▸' : '▾', 9, top + 11);
    }
    context.font = theme.bold;
    context.fillStyle = theme.text;
    context.fillText(fitText(context, track.label, HEADER_WIDTH - x - 6), x, top + 11);
    if (track.height >= 30) {
      context.font = theme.font;
      context.fillStyle = theme.muted;
      context.fillText(fitText(context, track.detail, HEADER_WIDTH - x - 6), x, top + 25);
    }
    if (track.note && track.height >= 44) {
      context.fillStyle = theme.faint;
      context.fillText(fitText(context, track.note, HEADER_WIDTH - x - 6), x, top + 39);
    }
  }
}

function drawRuler(context: CanvasRenderingContext2D, scene: TimelineScene, plot: Plot, tickTimes: number[], step: number): void {
  const { theme, widthPx, view } = scene;
  context.fillStyle = theme.header;
  context.fillRect(0, 0, widthPx, RULER_HEIGHT);
  context.fillStyle = theme.border;
  context.fillRect(0, RULER_HEIGHT - 1, widthPx, 1);
  context.font = theme.font;
  context.fillStyle = theme.muted;
  context.fillText(fitText(context, `${tickLabel(view.toUs - view.fromUs, step)} shown`, HEADER_WIDTH - 16), 10, RULER_HEIGHT / 2);
  for (const t of tickTimes) {
    const x = Math.round(timeToX(view, plot, t));
    if (x < plot.leftPx) continue;
    context.fillStyle = theme.border;
    context.fillRect(x, RULER_HEIGHT - 7, 1, 6);
    context.fillStyle = theme.muted;
    context.fillText(tickLabel(t - scene.originUs, step), x + 4, RULER_HEIGHT / 2 - 2);
  }
  if (scene.selection.range) {
    const x0 = Math.max(plot.leftPx, timeToX(view, plot, scene.selection.range.fromUs));
    const x1 = Math.min(plot.leftPx + plot.widthPx, timeToX(view, plot, scene.selection.range.toUs));
    if (x1 > x0) {
      context.fillStyle = theme.accent;
      context.fillRect(x0, RULER_HEIGHT - 4, x1 - x0, 3);
    }
  }
}
