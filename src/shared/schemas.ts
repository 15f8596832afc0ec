// Schemas for every Api call's parameters, checked where a call enters the engine from another
// process (IPC, WebSocket). Callers in the same process are type-checked instead.
import { z } from 'zod';
import type { ApiMethod } from './api';

const sessionId = z.string().min(1).max(200);
const timeRange = z.object({ fromUs: z.number().finite(), toUs: z.number().finite() }).strict();
const signal = z.enum(['cpu', 'logs', 'metrics', 'heap', 'trace', 'workers', 'otlp', 'stdout', 'prometheus', 'agent']);
const hexId = (digits: number) => z.string().regex(new RegExp(`^[0-9a-f]{${digits}}$`));
const scope = z.object({ threadId: z.number().int().min(0).optional(), spanId: hexId(16).optional() }).strict();
const snapshotId = z.number().int().positive();
const traceKind = z.enum(['gc', 'mark', 'measure', 'console', 'http', 'fs', 'loop', 'other']);

const targetSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pid'), pid: z.number().int().positive() }).strict(),
  z
    .object({
      kind: z.literal('inspect'),
      host: z.string().min(1).max(255),
      port: z.number().int().min(1).max(65535),
    })
    .strict(),
  z.object({ kind: z.literal('ws'), url: z.string().min(1).max(2048) }).strict(),
  z
    .object({
      kind: z.literal('launch'),
      command: z.array(z.string().max(4096)).min(1).max(256),
      cwd: z.string().max(4096).optional(),
    })
    .strict(),
]);

const recordRequest = z
  .object({
    target: targetSpec,
    name: z.string().max(200).optional(),
    signals: z.array(signal).min(1).optional(),
    intervalUs: z.number().int().min(10).max(1_000_000).optional(),
    durationSec: z.number().positive().max(86_400).optional(),
    traceCategories: z.array(z.string().min(1).max(200)).max(100).optional(),
    heapSamplingIntervalBytes: z.number().int().min(1024).max(1 << 30).optional(),
    prometheusUrl: z.string().url().max(2048).optional(),
    otlpPort: z.number().int().min(1).max(65535).optional(),
  })
  .strict();

const logQuery = z
  .object({
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(10_000),
    text: z.string().max(1000).optional(),
    range: timeRange.optional(),
    threadId: z.number().int().min(0).optional(),
    spanId: hexId(16).optional(),
    traceId: hexId(32).optional(),
  })
  .strict();

const traceEventQuery = z
  .object({
    range: timeRange.optional(),
    kinds: z.array(traceKind).max(8).optional(),
    threadId: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

const spanQuery = z
  .object({ range: timeRange.optional(), traceId: hexId(32).optional(), limit: z.number().int().min(1).max(1_000_000).optional() })
  .strict();

const functionKey = z
  .object({
    name: z.string().max(10_000),
    url: z.string().max(10_000),
    line: z.number().int().min(0),
    column: z.number().int().min(0).optional(),
  })
  .strict();

const timelineQuery = z
  .object({
    range: timeRange,
    widthPx: z.number().int().min(1).max(16_384),
    threadIds: z.array(z.number().int().min(0)).max(1000).optional(),
    includeFunctions: z.boolean().optional(),
  })
  .strict();

// JSON turns a skipped middle argument into null: read it as absent.
const optionalRange = timeRange
  .nullable()
  .optional()
  .transform((range) => range ?? undefined);
const windowed = z.union([
  z.tuple([sessionId]),
  z.tuple([sessionId, optionalRange]),
  z.tuple([sessionId, optionalRange, scope]),
]);

export const paramSchemas: Record<ApiMethod, z.ZodType<unknown[]>> = {
  listProcesses: z.tuple([]),
  listSessions: z.tuple([]),
  getSummary: windowed,
  getFlameTree: windowed,
  getAllocationTree: windowed,
  listThreads: z.tuple([sessionId]),
  listHeapSnapshots: z.tuple([sessionId]),
  takeHeapSnapshot: z.union([z.tuple([sessionId]), z.tuple([sessionId, z.number().int().min(0)])]),
  getSnapshotClasses: z.tuple([snapshotId]),
  diffSnapshots: z.tuple([snapshotId, snapshotId]),
  getTraceEvents: z.tuple([sessionId, traceEventQuery]),
  getSpans: z.tuple([sessionId, spanQuery]),
  getFunctionSpans: z.union([z.tuple([sessionId, functionKey]), z.tuple([sessionId, functionKey, optionalRange])]),
  getTimeline: z.tuple([sessionId, timelineQuery]),
  getMetrics: z.tuple([sessionId]),
  getLogs: z.tuple([sessionId, logQuery]),
  startRecording: z.tuple([recordRequest]),
  stopRecording: z.tuple([sessionId]),
  deleteSession: z.tuple([sessionId]),
};

export const apiMethods = Object.keys(paramSchemas) as ApiMethod[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.hasOwn(paramSchemas, name);
}
