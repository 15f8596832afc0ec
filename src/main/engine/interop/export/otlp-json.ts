// OTLP/JSON out: a directory with traces.json, logs.json and metrics.json, each one
// Export{Trace,Logs,Metrics}ServiceRequest (what a collector's OTLP/HTTP JSON endpoint takes as a
// body). A signal the session lacks gets no file. Each file is streamed batch by batch.
import { join } from 'node:path';
import type { Redactor } from '../../bundle/redaction';
import type { Store } from '../../store/store';
import type { WrittenFile } from './cpuprofile';
import { writeFileInPieces } from './file-sink';
import { type OtlpSignal, REQUEST_LIST_KEYS, otlpRequests } from './otlp-requests';

const ITEMS: Record<OtlpSignal, [string, string]> = {
  traces: ['scopeSpans', 'spans'],
  logs: ['scopeLogs', 'logRecords'],
  metrics: ['scopeMetrics', 'metrics'],
};

const ITEM_NOUNS: Record<OtlpSignal, string> = { traces: 'spans', logs: 'log records', metrics: 'metric data points' };

/** Spans and log records count one each; a metric counts its data points. */
function itemCount(signal: OtlpSignal, items: Record<string, unknown>[]): number {
  if (signal !== 'metrics') return items.length;
  return items.reduce((n, m) => n + (((m.sum ?? m.gauge) as { dataPoints: unknown[] } | undefined)?.dataPoints.length ?? 0), 0);
}

export function writeOtlpJson(store: Store, sessionId: string, dir: string, redactor: Redactor | null = null): WrittenFile[] {
  const written: WrittenFile[] = [];
  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    const requests = otlpRequests(store, sessionId, signal, { redactor });
    const firstBatch = requests.next();
    if (firstBatch.done) continue;
    const listKey = REQUEST_LIST_KEYS[signal];
    const [scopeKey, itemKey] = ITEMS[signal];
    let items = 0;
    const path = join(dir, `${signal}.json`);
    const bytes = writeFileInPieces(path, (sink) => {
      sink.write(`{"${listKey}":[`);
      let first = true;
      let batch: IteratorResult<Record<string, unknown>> = firstBatch;
      for (; !batch.done; batch = requests.next()) {
        for (const entry of batch.value[listKey] as Record<string, unknown>[]) {
          for (const scope of entry[scopeKey] as Record<string, unknown>[]) items += itemCount(signal, scope[itemKey] as Record<string, unknown>[]);
          sink.write(`${first ? '' : ',\n'}${JSON.stringify(entry)}`);
          first = false;
        }
      }
      sink.write(']}\n');
    });
    written.push({ path, bytes, detail: `${items} ${ITEM_NOUNS[signal]}` });
  }
  return written;
}
