// Pure grouping of metric series into charts: runtime series by unit, labelled series by name, top-N by variance.
import type { MetricSeries } from '../../../shared/domain';
import { groupByUnit, seriesLabel } from './align-series';

/** A chart draws at most this many lines; more become unreadable. */
export const MAX_SERIES_PER_CHART = 6;

export interface ChartGroup {
  key: string;
  title: string;
  unit: string;
  /** Series drawn, most varying first. */
  series: MetricSeries[];
  /** Legend text of each drawn series. */
  labels: string[];
  /** Series of this group left out of the chart. */
  hidden: number;
}

/** Variance of a series' finite values; a flat line scores 0. */
export function variance(values: readonly number[]): number {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    n++;
    const delta = value - mean;
    mean += delta / n;
    m2 += delta * (value - mean);
  }
  return n > 1 ? m2 / n : 0;
}

/** Labels as `key=value, …` in key order; empty when there are none. */
export function labelText(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(', ');
}

function threadSuffix(threadId: number, threadNames: ReadonlyMap<number, string>): string {
  return threadId === 0 ? '' : ` · ${threadNames.get(threadId) ?? `thread ${threadId}`}`;
}

function topByVariance(series: MetricSeries[], max: number): { shown: MetricSeries[]; hidden: number } {
  const ranked = series.map((one) => ({ one, score: variance(one.values) })).sort((a, b) => b.score - a.score || labelText(a.one.labels).localeCompare(labelText(b.one.labels)));
  return { shown: ranked.slice(0, max).map((entry) => entry.one), hidden: Math.max(0, ranked.length - max) };
}

/**
 * Charts for a session's series: the runtime poller's grouped by unit (memory, utilisation, delay),
 * then every other metric name on a chart of its own, its label sets as the legend.
 */
export function groupMetrics(all: readonly MetricSeries[], threadNames: ReadonlyMap<number, string> = new Map(), max = MAX_SERIES_PER_CHART): ChartGroup[] {
  const withPoints = all.filter((one) => one.timesUs.length > 0);
  const runtime = withPoints.filter((one) => one.source === 'runtime' || one.source === '');
  const others = withPoints.filter((one) => !(one.source === 'runtime' || one.source === ''));
  const groups: ChartGroup[] = groupByUnit(runtime).map((group) => {
    const { shown, hidden } = topByVariance(group.series, max);
    // Runtime charts keep their fixed order (heap used, total, RSS) when nothing is hidden.
    const series = hidden === 0 ? group.series : shown;
    return {
      key: `runtime:${group.unit}`,
      title: group.title,
      unit: group.unit,
      series,
      labels: series.map((one) => `${seriesLabel(one.name)}${threadSuffix(one.threadId, threadNames)}`),
      hidden,
    };
  });
  const byName = new Map<string, MetricSeries[]>();
  for (const one of others) {
    const key = `${one.source}:${one.name}:${one.unit}`;
    const list = byName.get(key);
    if (list) list.push(one);
    else byName.set(key, [one]);
  }
  const named = [...byName.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const [key, list] of named) {
    const first = list[0]!;
    const { shown, hidden } = topByVariance(list, max);
    groups.push({
      key,
      title: `${first.name}${first.unit ? ` (${first.unit})` : ''} · ${first.source} ${first.kind}`,
      unit: first.unit,
      series: shown,
      labels: shown.map((one) => `${labelText(one.labels) || first.name}${threadSuffix(one.threadId, threadNames)}`),
      hidden,
    });
  }
  return groups;
}

/** Groups whose title or labels contain the filter text (case-insensitive). */
export function filterGroups(groups: readonly ChartGroup[], text: string): ChartGroup[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [...groups];
  return groups.filter((group) => group.title.toLowerCase().includes(needle) || group.labels.some((label) => label.toLowerCase().includes(needle)));
}
