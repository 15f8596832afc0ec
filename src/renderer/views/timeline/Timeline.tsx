// The unified timeline: one canvas with a track per signal, metric lanes under it, one selection for the window.
import { type KeyboardEvent, type PointerEvent, type WheelEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { MetricSeries, SessionInfo, TimeRange } from '../../../shared/domain';
import { prepareCanvas, themeColor } from '../../canvas/hidpi-canvas';
import { drawTimeline, type TimelineTheme } from '../../canvas/timeline-draw';
import { matchingFunctions } from '../../canvas/timeline-search';
import { DEFAULT_DEPTH_LIMIT, HEADER_WIDTH, layoutTimeline, RULER_HEIGHT, trackAt } from '../../canvas/timeline-layout';
import { clampWindow, panBy, type Plot, windowAround, xToTime, zoomAround } from '../../canvas/timeline-scale';
import { useFlameView } from '../../state/flame-view';
import { markDrawn, markDrawPending } from '../../state/idle';
import { useSelection } from '../../state/selection';
import { useUi } from '../../state/ui';
import { useElementSize } from '../common/use-element-size';
import { useThemeVersion } from '../flame/use-theme-version';
import { MetricLanes } from './MetricLanes';
import { TimelineToolbar } from './TimelineToolbar';
import { hoverCard, hoverTarget, type HoverTarget } from './timeline-hover';
import { isTypingTarget, keyAction, type TimelineAction, wheelAction } from './timeline-keys';
import { timelineInput, useTimelineWindow } from './timeline-window';
import { useTimelineData } from './use-timeline-data';

const DRAW_KEY = 'timeline';
const DRAG_THRESHOLD_PX = 4;
const HOVER_SLOP_PX = 3;

function readTheme(): TimelineTheme {
  const font = themeColor('--font-ui', 'system-ui, sans-serif');
  return {
    background: themeColor('--bg-panel', '#1f2126'),
    header: themeColor('--bg-panel-head', '#24272d'),
    border: themeColor('--border', '#33363e'),
    grid: themeColor('--grid', 'rgba(255,255,255,0.06)'),
    text: themeColor('--text', '#e3e5e8'),
    muted: themeColor('--text-muted', '#9197a1'),
    faint: themeColor('--text-faint', '#6b717b'),
    accent: themeColor('--accent', '#4e9cff'),
    band: themeColor('--range-band', 'rgba(78,156,255,0.16)'),
    frameText: themeColor('--flame-text', '#15161a'),
    dim: themeColor('--flame-dim', '#34373e'),
    match: themeColor('--flame-match', '#ffe066'),
    danger: themeColor('--danger', '#ef5a5a'),
    warn: themeColor('--warn', '#f0b44c'),
    info: themeColor('--info', '#58a6ff'),
    ok: themeColor('--ok', '#44c487'),
    span: themeColor('--timeline-span', '#6cb6c9'),
    snapshot: themeColor('--series-2', '#ff9d42'),
    font: `11px ${font}`,
    bold: `600 11px ${font}`,
  };
}

/** The session's own span of time before the engine has said more. */
function sessionWindow(session: SessionInfo): TimeRange {
  const toUs = session.endedAt ?? Math.max(session.startedAt + 1_000_000, Date.now() * 1000);
  return { fromUs: session.startedAt, toUs: Math.max(toUs, session.startedAt + 1000) };
}

export interface TimelineProps {
  session: SessionInfo;
  threadNames: ReadonlyMap<number, string>;
  metrics: MetricSeries[] | null;
  liveTick: number;
}

export function Timeline({ session, threadNames, metrics, liveTick }: TimelineProps) {
  const rootRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const size = useElementSize(scrollRef);
  const themeVersion = useThemeVersion();
  const [scrollTop, setScrollTop] = useState(0);
  const [pointer, setPointer] = useState<{ x: number; y: number } | null>(null);
  const [drag, setDrag] = useState<{ startX: number; x: number; pointerId: number } | null>(null);
  const selection = useSelection();
  const query = useFlameView((state) => state.query);
  const windowState = useTimelineWindow();
  const fallback = useMemo(() => sessionWindow(session), [session]);
  const view = windowState.sessionId === session.id && windowState.view ? windowState.view : fallback;
  const plot: Plot = useMemo(() => ({ leftPx: HEADER_WIDTH, widthPx: Math.max(1, size.width - HEADER_WIDTH) }), [size.width]);
  const { answer, functions, error } = useTimelineData(session.id, size.width > 0 ? view : null, plot, liveTick);
  const extent = answer?.extent ?? fallback;
  const originUs = extent.fromUs;

  // The first answer tells the session's real extent: show all of it.
  const framed = useRef<string | null>(null);
  useEffect(() => {
    if (!answer?.extent || framed.current === session.id) return;
    framed.current = session.id;
    if (windowState.sessionId !== session.id) useTimelineWindow.getState().show(session.id, clampWindow(answer.extent, answer.extent));
  }, [answer, session.id, windowState.sessionId]);

  // While recording, a view that reaches the live edge follows it as the session grows.
  const liveEdge = useRef<number | null>(null);
  useEffect(() => {
    const grown = answer?.extent;
    if (!grown || session.status !== 'recording') return;
    const before = liveEdge.current;
    liveEdge.current = grown.toUs;
    const now = useTimelineWindow.getState();
    if (before === null || grown.toUs <= before || now.sessionId !== session.id || !now.view) return;
    const shown = now.view;
    if (shown.toUs < before - (shown.toUs - shown.fromUs) * 0.02) return;
    const whole = shown.fromUs <= grown.fromUs + 1;
    now.show(session.id, whole ? grown : { fromUs: shown.fromUs + (grown.toUs - shown.toUs), toUs: grown.toUs });
  }, [answer, session.id, session.status]);

  const layout = useMemo(
    () => (answer ? layoutTimeline(answer, { collapsed: windowState.collapsed, expanded: windowState.expanded }, threadNames) : null),
    [answer, windowState.collapsed, windowState.expanded, threadNames],
  );
  const matches = useMemo(() => matchingFunctions(functions, query), [functions, query]);
  // Twenty computed-style reads: once per theme, not once per frame.
  const theme = useMemo(() => readTheme(), [themeVersion]);
  const show = (next: TimeRange) => useTimelineWindow.getState().show(session.id, clampWindow(next, extent));
  const timeAt = (x: number) => xToTime(view, plot, x);
  const slopUs = ((view.toUs - view.fromUs) / plot.widthPx) * HOVER_SLOP_PX;

  const hover = useMemo((): { target: HoverTarget | null; timeUs: number } | null => {
    if (!pointer || pointer.x < HEADER_WIDTH) return null;
    const timeUs = timeAt(pointer.x);
    if (!answer || !layout || pointer.y < RULER_HEIGHT) return { target: null, timeUs };
    const contentY = pointer.y - RULER_HEIGHT + scrollTop;
    const track = trackAt(layout, contentY);
    return { target: track ? hoverTarget(answer, layout, track, contentY, timeUs, slopUs) : null, timeUs };
  }, [pointer, answer, layout, scrollTop, view, plot]);

  const dragRange = drag && Math.abs(drag.x - drag.startX) >= DRAG_THRESHOLD_PX ? orderedRange(timeAt(drag.startX), timeAt(drag.x)) : null;
  const viewportHeight = Math.max(RULER_HEIGHT + 1, size.height);

  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || size.width === 0 || !answer || !layout) return;
    markDrawPending(DRAW_KEY);
    const frame = requestAnimationFrame(() => {
      const began = performance.now();
      const context = prepareCanvas(canvas, size.width, viewportHeight);
      if (context) {
        const drawn = drawTimeline(context, {
          answer,
          layout,
          functions,
          view,
          widthPx: size.width,
          heightPx: viewportHeight,
          scrollTop,
          originUs,
          selection: { range: selection.range, threadId: selection.threadId, spanId: selection.spanId },
          dragRange,
          hoverUs: hover?.timeUs ?? null,
          matches,
          theme,
        });
        const root = rootRef.current;
        if (root) {
          root.dataset.lastDrawMs = (performance.now() - began).toFixed(2);
          root.dataset.itemsDrawn = String(drawn);
          root.dataset.searchMatches = matches ? String(matches.reduce((n, m) => n + m, 0)) : '';
          root.dataset.drawCount = String(Number(root.dataset.drawCount ?? '0') + 1);
        }
      }
      markDrawn(DRAW_KEY);
    });
    return () => {
      cancelAnimationFrame(frame);
      markDrawn(DRAW_KEY);
    };
  }, [answer, layout, functions, view, size.width, viewportHeight, scrollTop, originUs, selection.range, selection.threadId, selection.spanId, dragRange?.fromUs, dragRange?.toUs, hover?.timeUs, matches, theme]);

  const act = (action: TimelineAction, anchorUs?: number): void => {
    if (action.type === 'zoom' || action.type === 'pan') timelineInput.lastMs = performance.now();
    if (action.type === 'zoom') show(zoomAround(view, action.factor, anchorUs ?? (hover?.timeUs ?? (view.fromUs + view.toUs) / 2), extent));
    else if (action.type === 'pan') show(panBy(view, action.fraction, extent));
    else if (action.type === 'showAll') show(extent);
    else if (action.type === 'zoomToSelection') {
      if (selection.range) show(windowAround(selection.range, extent));
    } else {
      selection.setThread(null);
      selection.setRange(null);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (isTypingTarget(event.target)) return;
    const action = keyAction(event);
    if (!action) return;
    event.preventDefault();
    // Escape here is the timeline's; the window's own Escape (flame zoom) still runs for other views.
    if (action.type === 'clear') event.stopPropagation();
    act(action);
  };

  const onWheel = (event: WheelEvent<HTMLDivElement>) => {
    const action = wheelAction(event, plot.widthPx);
    if (!action) return;
    event.preventDefault();
    const rect = canvasRef.current?.getBoundingClientRect();
    act(action, rect ? timeAt(event.clientX - rect.left) : undefined);
  };

  const local = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    if (event.button !== 0) return;
    rootRef.current?.focus({ preventScroll: true });
    const at = local(event);
    if (at.x < HEADER_WIDTH) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    setDrag({ startX: at.x, x: at.x, pointerId: event.pointerId });
  };

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const at = local(event);
    setPointer(at);
    if (drag) setDrag({ ...drag, x: Math.max(HEADER_WIDTH, Math.min(size.width, at.x)) });
  };

  const onPointerUp = (event: PointerEvent<HTMLCanvasElement>) => {
    const at = local(event);
    if (!drag) {
      if (at.x < HEADER_WIDTH) toggleHeader(at.y);
      return;
    }
    setDrag(null);
    if (dragRange) {
      selection.setRange(dragRange);
      return;
    }
    const target = hover?.target;
    if (!target || !answer) return;
    // An instant (a log line, a heap read) selects a few pixels either side: what the CPU did around it.
    const around = (range: TimeRange): TimeRange => (range.toUs > range.fromUs ? range : { fromUs: range.fromUs - slopUs * 4, toUs: range.toUs + slopUs * 4 });
    if (target.kind === 'span') selection.selectSpan({ spanId: target.spanId, range: target.range });
    else if (target.kind === 'slice') {
      selection.setThread(target.threadId);
      selection.setRange(target.range);
    } else if (target.kind === 'log') {
      // A log line written inside a span selects that span.
      const log = answer.logs?.[target.index];
      const span = log?.spanId ? answer.spans.find((one) => one.spanId === log.spanId) : undefined;
      if (span) selection.selectSpan({ spanId: span.spanId, range: { fromUs: span.startUs, toUs: span.endUs } });
      else selection.setRange(around(target.range));
    } else if (target.kind === 'capture') {
      selection.setRange(around(target.range));
      if (answer.captures[target.index]?.kind === 'heap-snapshot') useUi.getState().showTab('snapshots');
    } else selection.setRange(around(target.range));
  };

  const toggleHeader = (y: number) => {
    if (!layout || y < RULER_HEIGHT) return;
    const track = trackAt(layout, y - RULER_HEIGHT + scrollTop);
    if (!track?.toggles) return;
    const state = useTimelineWindow.getState();
    // Limited -> every depth -> folded -> limited; tracks with nothing hidden skip the middle step.
    const deep = track.kind === 'cpu' && (layout.slices.get(track.threadId ?? -1)?.slices.maxDepth ?? 0) > DEFAULT_DEPTH_LIMIT;
    if (track.collapsed) {
      state.toggleCollapsed(track.key);
      if (state.expanded.has(track.key)) state.toggleExpanded(track.key);
    } else if (deep && !state.expanded.has(track.key)) state.toggleExpanded(track.key);
    else state.toggleCollapsed(track.key);
  };

  const card = hover?.target && answer ? hoverCard(answer, functions, hover.target, originUs) : null;
  const contentHeight = RULER_HEIGHT + (layout?.height ?? 0);
  return (
    <section
      className="timeline"
      ref={rootRef}
      tabIndex={0}
      data-testid="timeline"
      data-view-from-us={Math.round(view.fromUs)}
      data-view-to-us={Math.round(view.toUs)}
      aria-label="Timeline: W and S zoom, A and D pan, drag to select a range, Escape clears the selection, Z zooms to it"
      onKeyDown={onKeyDown}
    >
      <TimelineToolbar view={view} extent={extent} answer={answer} error={error} canZoomToSelection={selection.range !== null} onAction={act} />
      <div className="timeline-scroll" ref={scrollRef} style={{ height: layout ? contentHeight : 240 }} onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)} onWheel={onWheel}>
        <div style={{ height: Math.max(contentHeight, viewportHeight) }}>
          <canvas
            ref={canvasRef}
            className="timeline-canvas"
            data-testid="timeline-canvas"
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={() => setDrag(null)}
            onPointerLeave={() => setPointer(null)}
            onDoubleClick={() => act({ type: 'zoomToSelection' })}
            style={{ cursor: hover?.target ? 'pointer' : pointer && pointer.x < HEADER_WIDTH ? 'default' : 'crosshair' }}
          />
        </div>
        {card && pointer && (
          <div
            className="timeline-tooltip"
            data-testid="timeline-tooltip"
            role="tooltip"
            style={{ left: pointer.x + 340 > size.width ? Math.max(4, pointer.x - 340) : pointer.x + 14, top: scrollTop + Math.min(pointer.y + 14, Math.max(4, size.height - 120)) }}
          >
            <div className="timeline-tooltip-title">{card.title}</div>
            <div className="timeline-tooltip-grid">
              {card.rows.map(([label, value]) => (
                <span key={label} className="timeline-tooltip-row">
                  <span className="muted">{label}</span>
                  <span className="mono">{value}</span>
                </span>
              ))}
            </div>
            {card.source && <div className="timeline-tooltip-source mono">{card.source}</div>}
          </div>
        )}
      </div>
      <MetricLanes metrics={metrics} threadNames={threadNames} widthPx={size.width} view={view} hoverUs={hover?.timeUs ?? null} themeVersion={themeVersion} />
    </section>
  );
}

function orderedRange(a: number, b: number): TimeRange {
  return { fromUs: Math.min(a, b), toUs: Math.max(a, b) };
}
