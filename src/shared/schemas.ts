// Schemas for every Api call's parameters, checked where a call enters the engine from another
// process (IPC, WebSocket). Callers in the same process are type-checked instead.
import { z } from 'zod';
import type { ApiMethod } from './api';

const sessionId = z.string().min(1).max(200);
const timeRange = z.object({ fromUs: z.number().finite(), toUs: z.number().finite() }).strict();
const signal = z.enum(['cpu', 'logs', 'metrics']);

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
  })
  .strict();

const logQuery = z
  .object({
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(10_000),
    text: z.string().max(1000).optional(),
    range: timeRange.optional(),
  })
  .strict();

export const paramSchemas: Record<ApiMethod, z.ZodType<unknown[]>> = {
  listProcesses: z.tuple([]),
  listSessions: z.tuple([]),
  getSummary: z.union([z.tuple([sessionId]), z.tuple([sessionId, timeRange])]),
  getFlameTree: z.union([z.tuple([sessionId]), z.tuple([sessionId, timeRange])]),
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
