// The flame graph's canvas: draws the layout for the visible rows, hit-tests hover and clicks.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { drawFlame, type FlameTheme } from '../../canvas/flame-draw';
import { frameAt, layoutFlame, type FlameIndex } from '../../canvas/flame-layout';
import { prepareCanvas, themeColor } from '../../canvas/hidpi-canvas';
import type { FlameViewStore } from '../../state/flame-view';
import { markDrawn, markDrawPending } from '../../state/idle';
import { useElementSize } from '../common/use-element-size';
import { FlameTooltip } from './FlameTooltip';
import { useThemeVersion } from './use-theme-version';

const ROW_HEIGHT = 18;

function readTheme(): FlameTheme {
  return {
    background: themeColor('--flame-bg', '#1b1d22'),
    text: themeColor('--flame-text', '#111'),
    dimFill: themeColor('--flame-dim', '#3a3d44'),
    dimText: themeColor('--flame-dim-text', '#8a8f98'),
    hoverStroke: themeColor('--flame-hover', '#ffffff'),
    matchStroke: themeColor('--flame-match', '#ffd54a'),
    font: `11px ${themeColor('--font-ui', 'system-ui, sans-serif')}`,
  };
}

export interface FlameCanvasProps {
  index: FlameIndex;
  matches: Uint8Array | null;
  view: FlameViewStore;
  /** Names this canvas for the idle signal; one per mounted graph. */
  drawKey: string;
  testId: string;
  /** Called with the clicked node, besides zooming to it. */
  onSelectNode?(node: number): void;
}

/** Labels drawn, listed on the canvas for tests: the distinct texts, widest frames first. */
const LABELS_LISTED = 120;

export function FlameCanvas({ index, matches, view, drawKey, testId, onSelectNode }: FlameCanvasProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const size = useElementSize(scrollRef);
  const [scrollTop, setScrollTop] = useState(0);
  const [hover, setHover] = useState<{ node: number; x: number; y: number } | null>(null);
  const zoomNode = view((state) => state.zoomNode);
  const zoomTo = view((state) => state.zoomTo);
  const themeVersion = useThemeVersion();

  const layout = useMemo(() => layoutFlame(index, zoomNode, size.width, 0.5), [index, zoomNode, size.width]);
  const contentHeight = Math.max(size.height, layout.rows * ROW_HEIGHT + ROW_HEIGHT);

  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || size.width === 0 || size.height === 0) return;
    markDrawPending(drawKey);
    const frame = requestAnimationFrame(() => {
      const context = prepareCanvas(canvas, size.width, size.height);
      if (context) {
        const labels: string[] = [];
        const drawn = drawFlame(context, {
          labelsOut: labels,
          index,
          layout,
          widthPx: size.width,
          heightPx: size.height,
          scrollTop,
          rowHeight: ROW_HEIGHT,
          matches,
          hoverNode: hover?.node ?? -1,
          theme: readTheme(),
        });
        canvas.dataset.framesDrawn = String(drawn);
        canvas.dataset.labels = [...new Set(labels)].slice(0, LABELS_LISTED).join('\n');
        canvas.dataset.drawCount = String(Number(canvas.dataset.drawCount ?? '0') + 1);
      }
      markDrawn(drawKey);
    });
    return () => {
      cancelAnimationFrame(frame);
      markDrawn(drawKey);
    };
  }, [index, layout, size.width, size.height, scrollTop, matches, hover?.node, themeVersion, drawKey]);

  const nodeAt = (clientX: number, clientY: number) => {
    const rect = canvasRef.current?.getBoundingClientRect();
    if (!rect) return null;
    const x = clientX - rect.left;
    const y = clientY - rect.top;
    const hit = frameAt(layout, x, Math.floor((y + scrollTop) / ROW_HEIGHT));
    return hit === -1 ? null : { node: layout.node[hit]!, x, y };
  };

  const zoomFn = index.tree.functions[index.tree.functionId[layout.zoomNode] ?? -1];
  return (
    <div className="flame-scroll" ref={scrollRef} onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}>
      <div style={{ height: contentHeight }}>
        <canvas
          ref={canvasRef}
          className="flame-canvas"
          data-testid={testId}
          data-zoom-node={layout.zoomNode}
          data-zoom-name={zoomFn?.name ?? ''}
          data-rows={layout.rows}
          role="img"
          aria-label={`${index.tree.unit === 'bytes' ? 'Allocation flame graph' : 'Flame graph'}, ${layout.count} frames, zoomed on ${zoomFn?.name || 'all'}; click a frame to zoom, Escape to zoom out`}
          onMouseMove={(event) => setHover(nodeAt(event.clientX, event.clientY))}
          onMouseLeave={() => setHover(null)}
          onClick={(event) => {
            const hit = nodeAt(event.clientX, event.clientY);
            if (!hit) return;
            zoomTo(hit.node);
            onSelectNode?.(hit.node);
          }}
          style={{ cursor: hover ? 'pointer' : 'default' }}
        />
      </div>
      {hover && <FlameTooltip tree={index.tree} node={hover.node} x={hover.x} y={hover.y} bounds={size} />}
    </div>
  );
}
