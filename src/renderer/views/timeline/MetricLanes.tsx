// Compact metric lanes under the tracks: uPlot charts on the timeline's x scale, one cursor, a brush that selects a range.
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import type { MetricSeries, TimeRange } from '../../../shared/domain';
import { themeColor } from '../../canvas/hidpi-canvas';
import { HEADER_WIDTH } from '../../canvas/timeline-layout';
import { formatMetricValue } from '../../format/units';
import { useSelection } from '../../state/selection';
import { alignSeries } from '../metrics/align-series';
import { drawSelectedBand, selectRangeOnDrag } from '../metrics/chart-selection';
import { lanePoints } from './lane-points';
import { type ChartGroup, groupMetrics } from '../metrics/metric-groups';

const LANE_HEIGHT = 30;
/** Lanes shown; the metrics panel below has every chart. */
const MAX_LANES = 3;
const SYNC_KEY = 'parallax-timeline';
const PALETTE = ['--series-1', '--series-2', '--series-3'];

interface LaneProps {
  group: ChartGroup;
  widthPx: number;
  view: TimeRange;
  hoverUs: number | null;
  themeVersion: number;
}

function Lane({ group, widthPx, view, hoverUs, themeVersion }: LaneProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const valueRef = useRef<HTMLSpanElement>(null);
  const setRange = useSelection((state) => state.setRange);
  const range = useSelection((state) => state.range);
  const rangeRef = useRef(range);
  const viewRef = useRef(view);
  viewRef.current = view;
  const series = useMemo(() => group.series.slice(0, PALETTE.length), [group]);
  const aligned = useMemo(() => alignSeries(series), [series]);
  const alignedRef = useRef(aligned);
  alignedRef.current = aligned;
  const widthRef = useRef(widthPx);
  widthRef.current = widthPx;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const shown = lanePoints(aligned, viewRef.current.fromUs / 1e6, viewRef.current.toUs / 1e6, widthRef.current);
    const plot = new uPlot(
      {
        width: Math.max(50, widthPx),
        height: LANE_HEIGHT,
        padding: [2, 0, 2, 0],
        legend: { show: false },
        cursor: { sync: { key: SYNC_KEY }, drag: { x: true, y: false, setScale: false }, points: { size: 5 }, y: false },
        scales: { x: { time: false, range: () => [viewRef.current.fromUs / 1e6, viewRef.current.toUs / 1e6] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [{ show: false }, { show: false }],
        series: [{}, ...series.map((_one, i) => ({ stroke: themeColor(PALETTE[i]!, '#4e9cff'), width: 1, spanGaps: true, points: { show: false } }))],
        hooks: {
          setSelect: [selectRangeOnDrag(setRange)],
          setCursor: [
            (u) => {
              const index = u.cursor.idx;
              const values = u.data[1];
              // Away from the lanes, the session's last value stands.
              const whole = alignedRef.current.ys[0];
              const value = index == null ? whole?.[whole.length - 1] : values?.[index];
              if (valueRef.current) valueRef.current.textContent = formatMetricValue(value ?? null, group.unit);
            },
          ],
          draw: [drawSelectedBand(() => rangeRef.current)],
        },
      },
      [shown.xs, ...shown.ys] as uPlot.AlignedData,
      host,
    );
    plotRef.current = plot;
    return () => {
      plot.destroy();
      plotRef.current = null;
    };
    // Width, view and range are applied below without rebuilding the chart.
  }, [aligned, group.unit, themeVersion, setRange]);

  // One rescale per frame however many view steps came in it, with only the window's points
  // (a few per pixel): drawing every point of a long session on each step is what made frames slow.
  const rescaleFrame = useRef<number | null>(null);
  useEffect(() => {
    if (rescaleFrame.current !== null) return;
    rescaleFrame.current = requestAnimationFrame(() => {
      rescaleFrame.current = null;
      const plot = plotRef.current;
      if (!plot) return;
      const shown = viewRef.current;
      const width = Math.max(50, widthRef.current);
      const points = lanePoints(alignedRef.current, shown.fromUs / 1e6, shown.toUs / 1e6, width);
      plot.batch(() => {
        if (plot.width !== width) plot.setSize({ width, height: LANE_HEIGHT });
        plot.setData([points.xs, ...points.ys] as uPlot.AlignedData, false);
        plot.setScale('x', { min: shown.fromUs / 1e6, max: shown.toUs / 1e6 });
      });
    });
  }, [view.fromUs, view.toUs, widthPx]);
  useEffect(
    () => () => {
      if (rescaleFrame.current !== null) cancelAnimationFrame(rescaleFrame.current);
      rescaleFrame.current = null;
    },
    [],
  );

  useEffect(() => {
    rangeRef.current = range;
    plotRef.current?.redraw(false);
  }, [range]);

  useEffect(() => {
    const plot = plotRef.current;
    if (!plot || hoverUs === null) return;
    plot.setCursor({ left: plot.valToPos(hoverUs / 1e6, 'x'), top: LANE_HEIGHT / 2 });
  }, [hoverUs]);

  const latest = series[0]?.values.at(-1);
  return (
    <div className="timeline-lane" data-testid="timeline-lane" data-unit={group.unit}>
      <div className="timeline-lane-head" style={{ width: HEADER_WIDTH }} title={group.title}>
        <span className="timeline-lane-title">{group.title}</span>
        <span className="timeline-lane-value mono" ref={valueRef}>
          {latest === undefined ? '' : formatMetricValue(latest, group.unit)}
        </span>
      </div>
      <div ref={hostRef} className="timeline-lane-plot" />
    </div>
  );
}

export function MetricLanes({ metrics, threadNames, widthPx, view, hoverUs, themeVersion }: {
  metrics: MetricSeries[] | null;
  threadNames: ReadonlyMap<number, string>;
  widthPx: number;
  view: TimeRange;
  hoverUs: number | null;
  themeVersion: number;
}) {
  const groups = useMemo(() => (metrics ? groupMetrics(metrics, threadNames).slice(0, MAX_LANES) : []), [metrics, threadNames]);
  if (groups.length === 0) return null;
  return (
    <div className="timeline-lanes" data-testid="timeline-lanes">
      {groups.map((group) => (
        <Lane key={group.key} group={group} widthPx={widthPx - HEADER_WIDTH} view={view} hoverUs={hoverUs} themeVersion={themeVersion} />
      ))}
    </div>
  );
}
