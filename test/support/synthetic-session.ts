// Sessions written straight into a store, for exporter tests that need shapes a real target does not
// make on demand: empty, one sample, unicode names, samples on threads with no row, corrupt tables.
import type { LogLevel, SpanKind } from '../../src/shared/domain';
import { type CallFrameKey, StackInterner } from '../../src/main/engine/store/cpu-samples';
import type { Store } from '../../src/main/engine/store/store';

export interface SyntheticSample {
  timeUs: number;
  /** Frames from the root's child to the leaf; empty means the root itself. */
  stack: CallFrameKey[];
  threadId?: number;
}

export interface SyntheticSession {
  id: string;
  name?: string;
  startedUs?: number;
  intervalUs?: number;
  pid?: number | null;
  threads?: { id: number; name: string }[];
  samples?: SyntheticSample[];
  spans?: {
    traceId: string;
    spanId: string;
    parentSpanId?: string | null;
    name: string;
    startUs: number;
    endUs: number;
    thread?: number | null;
    attributes?: Record<string, unknown>;
    resource?: Record<string, unknown>;
  }[];
  logs?: { timeUs: number; text: string; level?: LogLevel; threadId?: number; traceId?: string; spanId?: string }[];
  metrics?: { name: string; unit: string; kind?: 'gauge' | 'counter'; labels?: Record<string, string>; points: [number, number][] }[];
  heap?: { capturedUs: number; stack: CallFrameKey[]; bytes: number; count: number }[];
}

export function frame(functionName: string, url = 'file:///app/main.js', lineNumber = 0, columnNumber = 0): CallFrameKey {
  return { functionName, url, lineNumber, columnNumber };
}

/** Writes a whole session in one transaction; returns its id. */
export function writeSyntheticSession(store: Store, session: SyntheticSession): string {
  const startedUs = session.startedUs ?? 1_700_000_000_000_000;
  store.sessions.create({
    id: session.id,
    name: session.name ?? session.id,
    startedUs,
    target: { pid: session.pid ?? 4242, nodeVersion: 'v20.0.0', title: session.name ?? 'synthetic', attachedVia: 'test' },
    signals: ['cpu', 'logs', 'metrics', 'heap', 'otlp'],
    intervalUs: session.intervalUs ?? 1000,
  });
  const interner = new StackInterner();
  const stackOf = (frames: CallFrameKey[]): number => frames.reduce((parent, f) => interner.stackId(parent, interner.functionId(f)), 0);
  store.transaction(() => {
    for (const thread of session.threads ?? []) store.threads.upsert(session.id, thread, startedUs);
    const byThread = new Map<number, SyntheticSample[]>();
    for (const sample of session.samples ?? []) {
      const list = byThread.get(sample.threadId ?? 0) ?? [];
      list.push(sample);
      byThread.set(sample.threadId ?? 0, list);
    }
    for (const [threadId, samples] of byThread) {
      const stacks = Int32Array.from(samples, (s) => stackOf(s.stack));
      store.cpu.write(session.id, interner, { threadId, timesUs: Float64Array.from(samples, (s) => s.timeUs), stackIds: stacks });
    }
    const heapRows = (session.heap ?? []).map((h) => ({ ...h, stackId: stackOf(h.stack) }));
    store.cpu.write(session.id, interner, null);
    for (const h of heapRows) {
      store.heap.insertSampleRow(session.id, { threadId: 0, capturedUs: h.capturedUs, stackId: h.stackId, selfSizeBytes: h.bytes, sampleCount: h.count });
    }
    for (const span of session.spans ?? []) {
      store.spans.insert(session.id, {
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? null,
        name: span.name,
        kind: 1 as SpanKind,
        startUs: span.startUs,
        endUs: span.endUs,
        statusCode: 0,
        statusMessage: null,
        thread: span.thread ?? null,
        source: 'otlp',
        attributes: span.attributes ?? {},
        resource: span.resource ?? { 'service.name': 'synthetic-service' },
      });
    }
    for (const log of session.logs ?? []) {
      store.logs.insert(session.id, {
        timeUs: log.timeUs,
        level: log.level ?? 'info',
        source: 'console',
        text: log.text,
        url: null,
        line: null,
        threadId: log.threadId ?? 0,
        traceId: log.traceId ?? null,
        spanId: log.spanId ?? null,
      });
    }
    for (const metric of session.metrics ?? []) {
      for (const [timeUs, value] of metric.points) {
        store.metrics.insert(session.id, { name: metric.name, unit: metric.unit, kind: metric.kind, labels: metric.labels, timeUs, value });
      }
    }
  });
  return session.id;
}
