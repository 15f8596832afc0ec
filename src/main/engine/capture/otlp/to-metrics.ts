// OTLP ExportMetricsServiceRequest -> metric points, typed and labelled by data point attributes.
// Gauge -> 'gauge'. Sum -> 'counter' when monotonic, else 'gauge'; delta sums are added up per
// series, so every stored sum reads as a running total whatever temporality the exporter chose.
// Histograms and summaries are stored as Prometheus exposes them, so both sources read alike:
//   histogram:   <name>_bucket{le="<bound>"|"+Inf"} (cumulative counts), <name>_count, <name>_sum
//   summary:     <name>{quantile="<q>"}, <name>_count, <name>_sum
//   exponential: <name>_count and <name>_sum only (its buckets have no fixed bounds to label)
// Histogram and summary points are stored as sent (per interval when the exporter sends deltas).
import type { MetricKind } from '../../../../shared/domain';
import { type MetricPoint, labelsKey } from '../../store/metrics';
import { type Converted, type Tally, type Tree, asTree, field, intAt, labelsOf, listAt, nanosToUs, readNumber, stringAt, treeAt } from './otlp-values';

const TEMPORALITY_NAMES: Readonly<Record<string, number>> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};
const DELTA = 1;
/** DataPointFlags.NO_RECORDED_VALUE: the point only says the series went away. */
const NO_RECORDED_VALUE = 1;

interface MetricContext {
  name: string;
  unit: string;
  points: MetricPoint[];
  tally: Tally;
  rejected: number;
}

/** Converts metric requests; holds the running totals of delta sums across requests of one recording. */
export class MetricConverter {
  private readonly deltaTotals = new Map<string, number>();

  pointsFromRequest(request: Tree, tally: Tally): Converted<MetricPoint> {
    const context: MetricContext = { name: '', unit: '', points: [], tally, rejected: 0 };
    for (const resourceMetrics of listAt(request, 'resourceMetrics')) {
      for (const scopeMetrics of listAt(asTree(resourceMetrics), 'scopeMetrics')) {
        for (const value of listAt(asTree(scopeMetrics), 'metrics')) this.addMetric(asTree(value), context);
      }
    }
    return { items: context.points, rejected: context.rejected };
  }

  private addMetric(metric: Tree | null, context: MetricContext): void {
    context.name = stringAt(metric, 'name');
    context.unit = stringAt(metric, 'unit');
    if (!metric || context.name === '') {
      context.tally('metric skipped: no name');
      context.rejected++;
      return;
    }
    const gauge = treeAt(metric, 'gauge');
    const sum = treeAt(metric, 'sum');
    const histogram = treeAt(metric, 'histogram');
    const exponential = treeAt(metric, 'exponentialHistogram');
    const summary = treeAt(metric, 'summary');
    if (gauge) this.eachPoint(gauge, context, (point, at) => this.addNumber(point, at, 'gauge', false, context));
    else if (sum) {
      const kind: MetricKind = field(sum, 'isMonotonic') === true ? 'counter' : 'gauge';
      const delta = intAt(sum, 'aggregationTemporality', TEMPORALITY_NAMES) === DELTA;
      this.eachPoint(sum, context, (point, at) => this.addNumber(point, at, kind, delta, context));
    } else if (histogram) this.eachPoint(histogram, context, (point, at) => addHistogram(point, at, context));
    else if (exponential) this.eachPoint(exponential, context, (point, at) => addCountAndSum(point, at, 'histogram', context));
    else if (summary) this.eachPoint(summary, context, (point, at) => addSummary(point, at, context));
    else context.tally('metric skipped: no gauge, sum, histogram or summary data');
  }

  private eachPoint(data: Tree, context: MetricContext, add: (point: Tree, at: PointBase) => void): void {
    for (const value of listAt(data, 'dataPoints')) {
      const point = asTree(value);
      const timeUs = nanosToUs(field(point, 'timeUnixNano'));
      if (!point || !timeUs) {
        context.tally('metric point skipped: missing or invalid time');
        context.rejected++;
        continue;
      }
      if (((intAt(point, 'flags') ?? 0) & NO_RECORDED_VALUE) !== 0) {
        context.tally('metric point without a recorded value (skipped)');
        continue;
      }
      add(point, { timeUs, labels: labelsOf(listAt(point, 'attributes'), context.tally) });
    }
  }

  private addNumber(point: Tree, at: PointBase, kind: MetricKind, delta: boolean, context: MetricContext): void {
    const raw = Object.hasOwn(point, 'asDouble') ? readNumber(point.asDouble) : Object.hasOwn(point, 'asInt') ? readNumber(point.asInt, true) : null;
    if (raw === null || !Number.isFinite(raw)) {
      context.tally('metric point skipped: missing or non-finite value');
      context.rejected++;
      return;
    }
    let value = raw;
    if (delta) {
      const key = `${context.name}\u0000${labelsKey(at.labels)}`;
      value = (this.deltaTotals.get(key) ?? 0) + raw;
      this.deltaTotals.set(key, value);
    }
    push(context, context.name, context.unit, kind, at, at.labels, value);
  }
}

interface PointBase {
  timeUs: number;
  labels: Record<string, string>;
}

function addHistogram(point: Tree, at: PointBase, context: MetricContext): void {
  if (!addCountAndSum(point, at, 'histogram', context)) return;
  const counts = listAt(point, 'bucketCounts').map((c) => readNumber(c));
  const bounds = listAt(point, 'explicitBounds').map((b) => readNumber(b));
  if (counts.length === 0) return;
  if (counts.length !== bounds.length + 1 || counts.some((c) => c === null || c < 0) || bounds.some((b) => b === null)) {
    context.tally('histogram buckets do not match its bounds (buckets skipped)');
    return;
  }
  let cumulative = 0;
  counts.forEach((count, i) => {
    cumulative += count ?? 0;
    const bound = bounds[i];
    const le = bound === undefined || bound === null ? '+Inf' : String(bound);
    push(context, `${context.name}_bucket`, '', 'histogram', at, { ...at.labels, le }, cumulative);
  });
}

function addSummary(point: Tree, at: PointBase, context: MetricContext): void {
  if (!addCountAndSum(point, at, 'summary', context)) return;
  for (const value of listAt(point, 'quantileValues')) {
    const quantile = readNumber(field(asTree(value), 'quantile')) ?? 0;
    const v = readNumber(field(asTree(value), 'value'));
    if (v === null || !Number.isFinite(v)) continue;
    push(context, context.name, context.unit, 'summary', at, { ...at.labels, quantile: String(quantile) }, v);
  }
}

/** <name>_count and (when sent) <name>_sum; false when the point has no usable count. */
function addCountAndSum(point: Tree, at: PointBase, kind: MetricKind, context: MetricContext): boolean {
  const count = readNumber(field(point, 'count')) ?? 0;
  if (!Number.isFinite(count) || count < 0) {
    context.tally('metric point skipped: invalid count');
    context.rejected++;
    return false;
  }
  push(context, `${context.name}_count`, '', kind, at, at.labels, count);
  const sum = field(point, 'sum');
  const sumValue = sum === undefined || sum === null ? null : readNumber(sum);
  if (sumValue !== null && Number.isFinite(sumValue)) push(context, `${context.name}_sum`, context.unit, kind, at, at.labels, sumValue);
  return true;
}

function push(context: MetricContext, name: string, unit: string, kind: MetricKind, at: PointBase, labels: Record<string, string>, value: number): void {
  context.points.push({ name, unit, timeUs: at.timeUs, value, kind, labels, source: 'otlp', threadId: 0 });
}
