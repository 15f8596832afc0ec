// One trace as a waterfall: spans nested by parent, bars on the trace's own time axis.
import { useEffect, useMemo, useRef } from 'react';
import type { SpanRecord } from '../../../shared/domain';
import { formatDurationMs } from '../../format/units';
import { axisTicks, barOf, waterfallRows, type TraceGroup } from './span-waterfall';
import { SpanKindIcon } from './SpanKindIcon';

const INDENT_PX = 14;
/** Bars are placed in percent of the track, so the layout needs no measured width. */
const TRACK = 100;

export function TraceWaterfall({ trace, selectedSpanId, onSelect }: { trace: TraceGroup; selectedSpanId: string | null; onSelect(span: SpanRecord): void }) {
  const rows = useMemo(() => waterfallRows(trace.spans), [trace]);
  const axis = { fromUs: trace.startUs, toUs: Math.max(trace.endUs, trace.startUs + 1) };
  const ticks = axisTicks(axis, 5);
  const ref = useRef<HTMLDivElement>(null);
  // A span chosen elsewhere (a log's link, a function's spans) is brought into view.
  useEffect(() => {
    if (selectedSpanId) ref.current?.querySelector(`[data-span-id="${selectedSpanId}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selectedSpanId, trace]);
  return (
    <div className="waterfall" ref={ref} role="tree" aria-label={`Spans of trace ${trace.traceId}`} data-testid="waterfall" data-trace-id={trace.traceId}>
      <div className="waterfall-row waterfall-axis" aria-hidden="true">
        <span className="waterfall-name muted">Span</span>
        <span className="waterfall-track">
          {ticks.map((offsetUs) => (
            <span key={offsetUs} className="waterfall-tick" style={{ left: `${(offsetUs / (axis.toUs - axis.fromUs)) * 100}%` }}>
              {formatDurationMs(offsetUs / 1000)}
            </span>
          ))}
        </span>
      </div>
      {rows.map(({ span, depth, orphan }) => {
        const bar = barOf(span, axis, TRACK, 0.3);
        const selected = span.spanId === selectedSpanId;
        const durationText = formatDurationMs((span.endUs - span.startUs) / 1000);
        return (
          <button
            type="button"
            role="treeitem"
            aria-level={depth + 1}
            aria-selected={selected}
            key={span.spanId}
            className={`waterfall-row${selected ? ' is-selected' : ''}`}
            data-testid="span-row"
            data-span-id={span.spanId}
            data-depth={depth}
            data-status={span.statusCode}
            title={`${span.name}\n${durationText}${orphan ? '\nparent span not received' : ''}`}
            onClick={() => onSelect(span)}
          >
            <span className="waterfall-name" style={{ paddingLeft: 6 + depth * INDENT_PX }}>
              <SpanKindIcon kind={span.kind} />
              <span className={`ellipsis${orphan ? ' orphan' : ''}`}>{span.name}</span>
            </span>
            <span className="waterfall-track">
              {ticks.map((offsetUs) => (
                <span key={offsetUs} className="waterfall-grid" style={{ left: `${(offsetUs / (axis.toUs - axis.fromUs)) * 100}%` }} />
              ))}
              <span className={`span-bar status-${span.statusCode}`} style={{ left: `${bar.left}%`, width: `${bar.width}%` }} />
              <span
                className={`span-bar-label mono${bar.left + bar.width > 80 ? ' is-inside' : ''}`}
                style={bar.left + bar.width > 80 ? (bar.width > 12 ? { left: `${bar.left + 0.5}%` } : { right: `${TRACK - bar.left + 0.5}%` }) : { left: `${bar.left + bar.width + 0.5}%` }}
              >
                {durationText}
              </span>
            </span>
          </button>
        );
      })}
    </div>
  );
}
