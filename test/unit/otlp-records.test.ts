// OTLP requests to span, log and metric records: what is kept, what is skipped, and how it is counted.
import { describe, expect, it } from 'vitest';
import { logsFromRequest } from '../../src/main/engine/capture/otlp/to-logs';
import { MetricConverter } from '../../src/main/engine/capture/otlp/to-metrics';
import { spansFromRequest } from '../../src/main/engine/capture/otlp/to-spans';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const PARENT = '1111111111111111';

function counter(): { tally: (reason: string) => void; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return { counts, tally: (reason) => void counts.set(reason, (counts.get(reason) ?? 0) + 1) };
}

function traces(spans: unknown[]): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
        scopeSpans: [{ scope: { name: '@shop/http', version: '2.0.0' }, spans }],
        someFutureField: { ignored: true },
      },
    ],
  };
}

const goodSpan = {
  traceId: TRACE,
  spanId: SPAN,
  parentSpanId: PARENT,
  name: 'GET /orders',
  kind: 2,
  startTimeUnixNano: '1700000000123456789',
  endTimeUnixNano: '1700000000223456789',
  attributes: [{ key: 'http.method', value: { stringValue: 'GET' } }],
  status: { code: 2, message: 'boom' },
  events: [{ name: 'ignored for now' }],
};

describe('spansFromRequest', () => {
  it('keeps ids, parent, kind, exact times, status, attributes, resource and scope', () => {
    const { tally, counts } = counter();
    const { items, rejected } = spansFromRequest(traces([goodSpan]), tally);
    expect(rejected).toBe(0);
    expect(counts.size).toBe(0);
    expect(items).toEqual([
      {
        traceId: TRACE,
        spanId: SPAN,
        parentSpanId: PARENT,
        name: 'GET /orders',
        kind: 2,
        startUs: 1700000000123456,
        endUs: 1700000000223456,
        statusCode: 2,
        statusMessage: 'boom',
        thread: null,
        source: 'otlp',
        attributes: { 'http.method': 'GET', 'http.request.method': 'GET', 'otel.scope.name': '@shop/http', 'otel.scope.version': '2.0.0' },
        resource: { 'service.name': 'shop' },
      },
    ]);
  });

  it('tolerates enum names and int64 numbers from proto3 JSON exporters', () => {
    const span = { ...goodSpan, parentSpanId: '', kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_OK' }, startTimeUnixNano: 1_700_000_000_000_000, endTimeUnixNano: 1_700_000_000_500_000 };
    const [record] = spansFromRequest(traces([span]), () => undefined).items;
    expect(record).toMatchObject({ kind: 3, statusCode: 1, statusMessage: null, parentSpanId: null, startUs: 1_700_000_000_000, endUs: 1_700_000_000_500 });
  });

  it('skips and counts spans with bad ids or no start time, and keeps the rest of the request', () => {
    const { tally, counts } = counter();
    const bad = [
      { ...goodSpan, traceId: '0'.repeat(32) },
      { ...goodSpan, traceId: 'not hex at all, not hex at all!!' },
      { ...goodSpan, spanId: 'abc' },
      { ...goodSpan, spanId: undefined },
      { ...goodSpan, parentSpanId: 'zzzzzzzzzzzzzzzz' },
      { ...goodSpan, startTimeUnixNano: 'yesterday' },
      'not a span',
    ];
    const { items, rejected } = spansFromRequest(traces([...bad, { ...goodSpan, spanId: '2222222222222222' }]), tally);
    expect(items.map((s) => s.spanId)).toEqual(['2222222222222222']);
    expect(rejected).toBe(bad.length);
    expect(Object.fromEntries(counts)).toEqual({
      'span skipped: missing or invalid trace id': 2,
      'span skipped: missing or invalid span id': 2,
      'span skipped: invalid parent span id': 1,
      'span skipped: missing or invalid start time': 1,
      'span skipped: not an object': 1,
    });
  });

  it('repairs an end before the start, and reads nothing from a request of the wrong shape', () => {
    const { tally, counts } = counter();
    const [record] = spansFromRequest(traces([{ ...goodSpan, endTimeUnixNano: '5' }]), tally).items;
    expect(record?.endUs).toBe(record?.startUs);
    expect(counts.get('span end time missing or before its start (set to the start)')).toBe(1);
    expect(spansFromRequest({ resourceSpans: 'nope' }, tally).items).toEqual([]);
    expect(spansFromRequest({ resourceSpans: [null, 3, { scopeSpans: [{ spans: {} }] }] }, tally).items).toEqual([]);
  });
});

function logs(records: unknown[]): Record<string, unknown> {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
        scopeLogs: [{ scope: { name: 'shop-logger' }, logRecords: records }],
      },
    ],
  };
}

describe('logsFromRequest', () => {
  it('maps severity numbers to levels, bodies to text, and keeps trace context', () => {
    const severities = [1, 4, 5, 9, 13, 16, 17, 21, 24];
    const records = severities.map((severityNumber) => ({
      timeUnixNano: '1700000000123456789',
      severityNumber,
      body: { stringValue: `s${severityNumber}` },
      traceId: TRACE,
      spanId: SPAN,
    }));
    const { items } = logsFromRequest(logs(records), () => undefined, 1);
    expect(items.map((l) => l.level)).toEqual(['trace', 'trace', 'debug', 'info', 'warn', 'warn', 'error', 'fatal', 'fatal']);
    expect(items[0]).toMatchObject({ timeUs: 1700000000123456, source: 'otlp', text: 's1', severityNumber: 1, traceId: TRACE, spanId: SPAN });
    expect(items[0]?.attributes).toEqual({ resource: { 'service.name': 'shop' }, 'otel.scope.name': 'shop-logger' });
  });

  it('uses the observed time when the time is 0, then the time it arrived', () => {
    const { items } = logsFromRequest(
      logs([
        { timeUnixNano: '0', observedTimeUnixNano: '1700000000000001000', body: { stringValue: 'observed' } },
        { body: { stringValue: 'no time' } },
      ]),
      () => undefined,
      42,
    );
    expect(items.map((l) => l.timeUs)).toEqual([1700000000000001, 42]);
  });

  it('writes a structured body as JSON and reads the level from the text when no number came', () => {
    const { items } = logsFromRequest(
      logs([{ timeUnixNano: '1', severityText: 'ERROR', body: { kvlistValue: { values: [{ key: 'order', value: { intValue: '7' } }] } } }]),
      () => undefined,
      1,
    );
    expect(items[0]).toMatchObject({ text: '{"order":7}', level: 'error', severityNumber: null });
  });

  it('drops bad trace and span ids from a record, keeps the record, and counts them', () => {
    const { tally, counts } = counter();
    const { items, rejected } = logsFromRequest(logs([{ timeUnixNano: '1', body: { stringValue: 'x' }, traceId: '0'.repeat(32), spanId: 'xyz' }, 7]), tally, 1);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ traceId: null, spanId: null, text: 'x' });
    expect(rejected).toBe(1);
    expect(Object.fromEntries(counts)).toEqual({
      'log trace id invalid (dropped from the record)': 1,
      'log span id invalid (dropped from the record)': 1,
      'log record skipped: not an object': 1,
    });
  });
});

function metrics(list: unknown[]): Record<string, unknown> {
  return { resourceMetrics: [{ scopeMetrics: [{ metrics: list }] }] };
}
const T = '1700000000000000000';
const route = [{ key: 'route', value: { stringValue: '/orders' } }, { key: 'code', value: { intValue: 200 } }];

describe('MetricConverter', () => {
  it('types gauges and sums, and labels them with data point attributes as strings', () => {
    const converter = new MetricConverter();
    const { items } = converter.pointsFromRequest(
      metrics([
        { name: 'queue.depth', unit: '{job}', gauge: { dataPoints: [{ timeUnixNano: T, asInt: '12', attributes: route }] } },
        { name: 'requests', sum: { isMonotonic: true, aggregationTemporality: 2, dataPoints: [{ timeUnixNano: T, asDouble: 5 }] } },
        { name: 'in.flight', sum: { isMonotonic: false, aggregationTemporality: 2, dataPoints: [{ timeUnixNano: T, asInt: 3 }] } },
      ]),
      () => undefined,
    );
    expect(items).toEqual([
      { name: 'queue.depth', unit: '{job}', timeUs: 1700000000000000, value: 12, kind: 'gauge', labels: { route: '/orders', code: '200' }, source: 'otlp', threadId: 0 },
      { name: 'requests', unit: '', timeUs: 1700000000000000, value: 5, kind: 'counter', labels: {}, source: 'otlp', threadId: 0 },
      { name: 'in.flight', unit: '', timeUs: 1700000000000000, value: 3, kind: 'gauge', labels: {}, source: 'otlp', threadId: 0 },
    ]);
  });

  it('adds up delta sums per series across requests, so a counter reads as a running total', () => {
    const converter = new MetricConverter();
    const delta = (value: number, r: string): unknown =>
      metrics([{ name: 'hits', sum: { isMonotonic: true, aggregationTemporality: 1, dataPoints: [{ timeUnixNano: T, asInt: value, attributes: [{ key: 'r', value: { stringValue: r } }] }] } }]);
    const values = [delta(2, 'a'), delta(3, 'a'), delta(10, 'b')].map((request) => converter.pointsFromRequest(request as Record<string, unknown>, () => undefined).items[0]?.value);
    expect(values).toEqual([2, 5, 10]);
  });

  it('stores a histogram as cumulative _bucket series labelled le, plus _count and _sum', () => {
    const { items } = new MetricConverter().pointsFromRequest(
      metrics([{ name: 'latency', unit: 'ms', histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: T, count: '6', sum: 123.5, bucketCounts: ['1', '2', '3'], explicitBounds: [10, 100], attributes: route }] } }]),
      () => undefined,
    );
    expect(items.map((p) => [p.name, p.labels?.le ?? null, p.value, p.unit, p.kind])).toEqual([
      ['latency_count', null, 6, '', 'histogram'],
      ['latency_sum', null, 123.5, 'ms', 'histogram'],
      ['latency_bucket', '10', 1, '', 'histogram'],
      ['latency_bucket', '100', 3, '', 'histogram'],
      ['latency_bucket', '+Inf', 6, '', 'histogram'],
    ]);
    expect(items[2]?.labels).toEqual({ route: '/orders', code: '200', le: '10' });
  });

  it('stores summaries by quantile and exponential histograms by count and sum', () => {
    const { items } = new MetricConverter().pointsFromRequest(
      metrics([
        { name: 'rtt', unit: 's', summary: { dataPoints: [{ timeUnixNano: T, count: 4, sum: 2, quantileValues: [{ quantile: 0.5, value: 0.4 }, { quantile: 0.99, value: 0.9 }] }] } },
        { name: 'size', exponentialHistogram: { dataPoints: [{ timeUnixNano: T, count: '3', sum: 30, scale: 2, positive: { offset: 1, bucketCounts: ['3'] } }] } },
      ]),
      () => undefined,
    );
    expect(items.map((p) => [p.name, p.labels?.quantile ?? null, p.value, p.kind])).toEqual([
      ['rtt_count', null, 4, 'summary'],
      ['rtt_sum', null, 2, 'summary'],
      ['rtt', '0.5', 0.4, 'summary'],
      ['rtt', '0.99', 0.9, 'summary'],
      ['size_count', null, 3, 'histogram'],
      ['size_sum', null, 30, 'histogram'],
    ]);
  });

  it('skips and counts points without a time or a finite value, and buckets that do not match their bounds', () => {
    const { tally, counts } = counter();
    const { items, rejected } = new MetricConverter().pointsFromRequest(
      metrics([
        { name: 'g', gauge: { dataPoints: [{ asDouble: 1 }, { timeUnixNano: T, asDouble: 'Infinity' }, { timeUnixNano: T }, { timeUnixNano: T, asDouble: 2, flags: 1 }] } },
        { name: 'h', histogram: { dataPoints: [{ timeUnixNano: T, count: 2, bucketCounts: [1, 1], explicitBounds: [] }] } },
        { gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }] } },
        { name: 'nothing' },
      ]),
      tally,
    );
    expect(items.map((p) => p.name)).toEqual(['h_count']);
    expect(rejected).toBe(4);
    expect(Object.fromEntries(counts)).toEqual({
      'metric point skipped: missing or invalid time': 1,
      'metric point skipped: missing or non-finite value': 2,
      'metric point without a recorded value (skipped)': 1,
      'histogram buckets do not match its bounds (buckets skipped)': 1,
      'metric skipped: no name': 1,
      'metric skipped: no gauge, sum, histogram or summary data': 1,
    });
  });
});
