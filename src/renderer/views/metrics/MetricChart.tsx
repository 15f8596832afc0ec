// One uPlot chart for the metric series that share a unit; cursor synced, drag selects a range.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { MetricSeries, TimeRange } from '../../../shared/domain';
import { themeColor } from '../../canvas/hidpi-canvas';
import { formatAxisClock, formatAxisValue, formatMetricValue } from '../../format/units';
import { alignSeries } from './align-series';
import { drawSelectedBand, selectRangeOnDrag } from './chart-selection';

export const METRICS_SYNC_KEY = 'parallax-metrics';
const PALETTE = ['--series-1', '--series-2', '--series-3', '--series-4', '--series-5', '--series-6'];
const FALLBACK = ['#4e9cff', '#ff9d42', '#3fcf8e', '#c678dd', '#e5c07b', '#ef596f'];

export interface MetricChartProps {
  unit: string;
  series: MetricSeries[];
  /** Legend text per series. */
  labels: string[];
  width: number;
  height: number;
  range: TimeRange | null;
  themeVersion: number;
  /** Only the bottom chart labels the shared time axis. */
  showTimeAxis: boolean;
  onSelectRange(range: TimeRange): void;
}

function buildOptions(props: MetricChartProps, rangeRef: { current: TimeRange | null }, onSelect: { current: (r: TimeRange) => void }): uPlot.Options {
  const axisColor = themeColor('--text-muted', '#8a8f98');
  const gridColor = themeColor('--grid', 'rgba(255,255,255,0.06)');
  const font = `10px ${themeColor('--font-ui', 'system-ui, sans-serif')}`;
  const axis = { stroke: axisColor, font, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1, size: 4 } };
  return {
    width: props.width,
    height: props.height,
    cursor: {
      sync: { key: METRICS_SYNC_KEY },
      drag: { x: true, y: false, setScale: false },
      points: { size: 6 },
    },
    scales: {
      x: { time: true },
      // Runtime metrics are never negative: anchor the axis at zero so small wiggles look small.
      y: { range: (_u, min, max) => (min >= 0 ? [0, max > 0 ? max * 1.08 : 1] : [min, max]) },
    },
    legend: { show: true, live: true },
    axes: [
      props.showTimeAxis
        ? {
            ...axis,
            space: 80,
            size: 22,
            values: (_u, values) => {
              const step = values.length > 1 ? values[1]! - values[0]! : 1;
              return values.map((v) => formatAxisClock(v, step < 1));
            },
          }
        : { ...axis, space: 80, size: 4, values: () => [] },
      {
        ...axis,
        size: 64,
        space: 24,
        values: (_u, values) => values.map((v) => formatAxisValue(v, props.unit)),
      },
    ],
    series: [
      { label: 'Time', value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleTimeString()) },
      ...props.series.map((one, i) => ({
        label: props.labels[i] ?? one.name,
        stroke: themeColor(PALETTE[i % PALETTE.length]!, FALLBACK[i % FALLBACK.length]!),
        width: 1.5,
        spanGaps: true,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => formatMetricValue(v, props.unit),
      })),
    ],
    hooks: {
      setSelect: [selectRangeOnDrag((range) => onSelect.current(range))],
      draw: [drawSelectedBand(() => rangeRef.current)],
    },
  };
}

export function MetricChart(props: MetricChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const rangeRef = useRef<TimeRange | null>(props.range);
  const selectRef = useRef(props.onSelectRange);
  selectRef.current = props.onSelectRange;
  const { series, unit, themeVersion } = props;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const aligned = alignSeries(series);
    const plot = new uPlot(
      buildOptions({ ...props, width: Math.max(100, props.width), height: Math.max(60, props.height) }, rangeRef, selectRef),
      [aligned.xs, ...aligned.ys] as uPlot.AlignedData,
      host,
    );
    plotRef.current = plot;
    return () => {
      plot.destroy();
      plotRef.current = null;
    };
    // Size and range changes are applied below without rebuilding the chart.
  }, [series, unit, themeVersion, props.showTimeAxis]);

  useEffect(() => {
    plotRef.current?.setSize({ width: Math.max(100, props.width), height: Math.max(60, props.height) });
  }, [props.width, props.height]);

  useEffect(() => {
    rangeRef.current = props.range;
    plotRef.current?.redraw(false);
  }, [props.range]);

  return <div ref={hostRef} className="metric-chart" data-testid="metric-chart" data-unit={unit} />;
}
