// Parsed exposition families → the store's metric points: one point per sample, keeping the
// family's type and every label (le and quantile included), with a unit where the name gives one.
import type { MetricKind } from '../../../../shared/domain';
import type { MetricPoint } from '../../store/metrics';
import type { ExpositionFamily, ExpositionSample, FamilyType } from './exposition-parser';

const KINDS: Record<FamilyType, MetricKind> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  // Untyped values are read as they are, which is what a gauge means.
  untyped: 'gauge',
};

// Prometheus naming puts the base unit in the name (…_seconds, …_bytes_total); the runtime
// metrics spell the same units 'bytes' and 's'.
const NAME_UNITS: [suffix: string, unit: string][] = [
  ['_seconds', 's'],
  ['_milliseconds', 'ms'],
  ['_bytes', 'bytes'],
  ['_ratio', 'ratio'],
  ['_celsius', '°C'],
];

/** The unit of a family's measured values: its `# UNIT` if given, else the one its name ends in. */
export function familyUnit(family: ExpositionFamily): string {
  if (family.unit) return family.unit;
  const base = family.name.endsWith('_total') ? family.name.slice(0, -'_total'.length) : family.name;
  return NAME_UNITS.find(([suffix]) => base.endsWith(suffix))?.[1] ?? '';
}

/** Buckets and counts count observations; only sums, quantiles and plain values carry the unit. */
function sampleUnit(family: ExpositionFamily, sample: ExpositionSample, unit: string): string {
  if (family.type !== 'histogram' && family.type !== 'summary') return unit;
  return sample.name.endsWith('_bucket') || (sample.name.endsWith('_count') && sample.name !== family.name) ? '' : unit;
}

export interface MetricPoints {
  points: MetricPoint[];
  /** NaN and ±Inf samples, left out: the store holds finite numbers (NaN is SQL NULL) and JSON has no Infinity. */
  notFinite: number;
}

/**
 * One point per finite sample, at the sample's own timestamp when it has one, else at
 * `scrapeTimeUs` (µs since the epoch).
 */
export function metricPointsOf(families: readonly ExpositionFamily[], scrapeTimeUs: number): MetricPoints {
  const points: MetricPoint[] = [];
  let notFinite = 0;
  for (const family of families) {
    const kind = KINDS[family.type];
    const unit = familyUnit(family);
    for (const sample of family.samples) {
      if (!Number.isFinite(sample.value)) {
        notFinite++;
        continue;
      }
      points.push({
        name: sample.name,
        unit: sampleUnit(family, sample, unit),
        timeUs: sample.timestampMs === null ? scrapeTimeUs : sample.timestampMs * 1000,
        value: sample.value,
        kind,
        labels: sample.labels,
        source: 'prometheus',
        threadId: 0,
      });
    }
  }
  return { points, notFinite };
}
