// Draws the timeline from what is loaded: ruler, grid, each track (timeline-draw-tracks.ts), headers, selection, hover.
import type { TimeRange } from '../../shared/domain';
import type { TimelineAnswer, TimelineFunction } from '../../shared/timeline';
import { fitText } from './fit-text';
import { drawCaptures, drawEvents, drawLogs, drawSlices, drawSpans } from './timeline-draw-tracks';
import { HEADER_WIDTH, RULER_HEIGHT, type TimelineLayout, type Track } from './timeline-layout';
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
  const gridXs = tickTimes.map((t) => Math.round(timeToX(view, plot, t)));
  for (const x of gridXs) context.fillRect(x, RULER_HEIGHT, 1, heightPx);
  for (const track of scene.layout.tracks) {
    const top = track.y + offset;
    if (top > heightPx || top + track.height < RULER_HEIGHT) continue;
    context.save();
    context.beginPath();
    context.rect(plot.leftPx, top, plot.widthPx, track.height);
    context.clip();
    if (!track.collapsed) drawn += drawTrack(context, scene, track, plot, offset, gridXs);
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

function drawTrack(context: CanvasRenderingContext2D, scene: TimelineScene, track: Track, plot: Plot, offset: number, gridXs: readonly number[]): number {
  if (track.kind === 'cpu') return drawSlices(context, scene, track, plot, offset, gridXs);
  if (track.kind === 'events') return drawEvents(context, scene, track, plot, offset);
  if (track.kind === 'spans') return drawSpans(context, scene, track, plot, offset);
  if (track.kind === 'logs') return drawLogs(context, scene, track, plot, offset);
  return drawCaptures(context, scene, track, plot, offset);
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
