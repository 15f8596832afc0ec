// Groups metric series by unit and aligns each group on one shared, sorted time axis for uPlot.
import type { MetricSeries } from '../../../shared/domain';

export interface MetricGroup {
  unit: string;
  title: string;
  series: MetricSeries[];
}

export interface AlignedGroup {
  /** Seconds since the epoch (uPlot's time scale). */
  xs: number[];
  /** One row per series; null where that series has no point at that time. */
  ys: (number | null)[][];
}

const UNIT_ORDER = ['percent', '%', 'bytes', 'ms'];
const UNIT_TITLE: Record<string, string> = {
  bytes: 'Memory',
  percent: 'CPU & event loop utilisation',
  '%': 'CPU & event loop utilisation',
  ms: 'Event-loop delay',
};

// Short legend labels for the runtime poller's series; other names show as they are.
const SERIES_LABEL: Record<string, string> = {
  'heap.used': 'heap used',
  'heap.total': 'heap total',
  rss: 'RSS',
  cpu: 'CPU',
  'eventloop.utilization': 'loop utilisation',
  'eventloop.delay.p50': 'p50',
  'eventloop.delay.p99': 'p99',
  'eventloop.delay.max': 'max',
};

export function seriesLabel(name: string): string {
  return SERIES_LABEL[name] ?? name;
}

export function groupByUnit(series: MetricSeries[]): MetricGroup[] {
  const groups = new Map<string, MetricSeries[]>();
  for (const one of series) {
    if (one.timesUs.length === 0) continue;
    const list = groups.get(one.unit) ?? [];
    list.push(one);
    groups.set(one.unit, list);
  }
  const rank = (unit: string) => {
    const at = UNIT_ORDER.indexOf(unit);
    return at === -1 ? UNIT_ORDER.length : at;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([unit, list]) => ({ unit, title: UNIT_TITLE[unit] ?? (unit ? `Other (${unit})` : 'Other'), series: list }));
}

export function alignSeries(series: MetricSeries[]): AlignedGroup {
  const times = new Set<number>();
  for (const one of series) for (const t of one.timesUs) times.add(t);
  const sorted = [...times].sort((a, b) => a - b);
  const slot = new Map<number, number>();
  sorted.forEach((t, i) => slot.set(t, i));
  const ys = series.map((one) => {
    const row: (number | null)[] = new Array<number | null>(sorted.length).fill(null);
    one.timesUs.forEach((t, i) => {
      const value = one.values[i];
      row[slot.get(t)!] = value === undefined || !Number.isFinite(value) ? null : value;
    });
    return row;
  });
  return { xs: sorted.map((t) => t / 1e6), ys };
}
