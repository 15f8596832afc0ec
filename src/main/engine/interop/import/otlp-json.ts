// OTLP JSON files (an ExportTraceServiceRequest, ExportLogsServiceRequest or
// ExportMetricsServiceRequest, or JSON lines of them as the collector's file exporter writes):
// streamed one resourceSpans/resourceLogs/resourceMetrics element at a time and converted by the
// OTLP receiver's own conversions, which validate ids, times and values the same way.
import { logsFromRequest } from '../../capture/otlp/to-logs';
import { MetricConverter } from '../../capture/otlp/to-metrics';
import { spansFromRequest } from '../../capture/otlp/to-spans';
import type { ImportSession } from './import-session';
import { type JsonPath, JsonRouter, type JsonValue } from './json-router';
import { refuse } from './refusal';

const BATCH_KEYS = ['resourceSpans', 'resourceLogs', 'resourceMetrics'] as const;
type BatchKey = (typeof BATCH_KEYS)[number];
/** One resource batch is built whole. */
const BATCH_MAX_VALUES = 5_000_000;

export async function importOtlpJson(session: ImportSession): Promise<{ intervalUs: number }> {
  const metrics = new MetricConverter();
  const tally = (reason: string): void => session.skip(reason);
  let batches = 0;
  let stored = 0;
  const add = (key: BatchKey, batch: JsonValue): void => {
    batches++;
    const request = { [key]: [batch] };
    const { store, sessionId, writer } = session;
    if (key === 'resourceSpans') {
      const { items } = spansFromRequest(request, tally);
      for (const span of items) {
        session.see(span.startUs);
        session.see(span.endUs);
      }
      if (items.length > 0) {
        writer.enqueue(() => {
          for (const span of items) store.spans.insert(sessionId, span);
        }, { kind: 'spans', n: items.length });
        session.signals.add('otlp');
      }
      stored += items.length;
    } else if (key === 'resourceLogs') {
      const { items } = logsFromRequest(request, tally, session.input.modifiedUs);
      for (const log of items) {
        session.see(log.timeUs);
        writer.addLog(log);
      }
      if (items.length > 0) session.signals.add('logs');
      stored += items.length;
    } else {
      const { items } = metrics.pointsFromRequest(request, tally);
      for (const point of items) {
        session.see(point.timeUs);
        writer.addMetric(point);
      }
      if (items.length > 0) session.signals.add('metrics');
      stored += items.length;
    }
    session.pace();
  };
  const router = new JsonRouter(
    {
      container(path: JsonPath, kind) {
        if (path.length === 0) {
          if (kind !== 'object') refuse('not OTLP JSON (expected a JSON object with resourceSpans, resourceLogs or resourceMetrics)');
          return 'walk';
        }
        const key = path[0] as BatchKey;
        if (path.length === 1 && BATCH_KEYS.includes(key)) {
          if (kind !== 'array') refuse(`its ${key} is not an array`);
          return 'walk';
        }
        return path.length === 2 && BATCH_KEYS.includes(key) ? 'build' : 'skip';
      },
      value(path: JsonPath, value: JsonValue) {
        if (path.length === 2 && BATCH_KEYS.includes(path[0] as BatchKey)) add(path[0] as BatchKey, value);
        else if (path.length === 1 && BATCH_KEYS.includes(path[0] as BatchKey)) refuse(`its ${path[0]} is not an array`);
        else if (path.length === 0) refuse('not OTLP JSON (a line holds a plain value, not an object)');
      },
    },
    { maxBuiltValues: BATCH_MAX_VALUES, maxStringBytes: 1 << 20, sequence: true },
  );
  await session.eachChunk((chunk) => router.write(chunk));
  router.end();
  if (batches === 0) refuse('not OTLP JSON (it holds no resourceSpans, resourceLogs or resourceMetrics)');
  if (stored === 0) refuse('none of its spans, logs or metric points could be read (see the reasons: ids, times or values missing or invalid)');
  session.thread(0, 'main');
  return { intervalUs: 1000 };
}
