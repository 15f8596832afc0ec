// The agent's wire format, decoded: one binding payload is a header line `v1|<dropped>` and one
// line per span, fields separated by '|'. Everything in it comes from the target and is untrusted.
import { z } from 'zod';
import type { NewSpan } from '../../store/spans';
import { isSpanId, isTraceId } from './traceparent';

/** Far above a real batch (100 spans of ~150 characters): anything bigger is refused unread. */
export const MAX_PAYLOAD_CHARS = 1024 * 1024;
export const MAX_LINES_PER_PAYLOAD = 1000;

const epochUs = z.string().regex(/^\d{1,16}$/).transform(Number);
const optionalInt = (max: number) =>
  z
    .string()
    .regex(/^\d{0,5}$/)
    .transform((s) => (s === '' ? null : Number(s)))
    .refine((n) => n === null || n <= max, 'out of range');

const lineSchema = z.tuple([
  z.enum(['2', '3']).transform(Number),
  z.string().refine(isTraceId, 'bad trace id'),
  z.string().refine(isSpanId, 'bad span id'),
  z.string().refine((s) => s === '' || isSpanId(s), 'bad parent span id'),
  epochUs,
  epochUs,
  z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', '_OTHER']),
  z.string().max(200),
  z.string().min(1).max(3100),
  optionalInt(999),
  z.string().max(200),
  z.string().max(1000),
  optionalInt(65535),
]);

export interface DecodedBatch {
  spans: Omit<NewSpan, 'thread' | 'source' | 'resource'>[];
  /** Lines refused (bad fields, wrong count, ends before it starts). */
  badSpans: number;
  /** Spans the agent reports it could not deliver since it was installed. */
  droppedInTarget: number;
}

/** Decodes one payload; null when the payload as a whole is unreadable (then nothing of it is kept). */
export function decodeAgentBatch(payload: unknown): DecodedBatch | null {
  if (typeof payload !== 'string' || payload.length > MAX_PAYLOAD_CHARS) return null;
  const lines = payload.split('\n', MAX_LINES_PER_PAYLOAD + 2);
  if (lines.length > MAX_LINES_PER_PAYLOAD + 1) return null;
  const header = /^v1\|(\d{1,15})$/.exec(lines[0] ?? '');
  if (!header) return null;
  const batch: DecodedBatch = { spans: [], badSpans: 0, droppedInTarget: Number(header[1]) };
  for (let i = 1; i < lines.length; i++) {
    const parsed = lineSchema.safeParse(lines[i]!.split('|'));
    if (!parsed.success) {
      batch.badSpans++;
      continue;
    }
    const [kind, traceId, spanId, parentSpanId, startUs, endUs, method, methodOriginal, path, status, errorType, address, port] = parsed.data;
    if (endUs < startUs) {
      batch.badSpans++;
      continue;
    }
    const attributes: Record<string, string | number> = { 'http.request.method': method, 'url.path': path };
    if (method === '_OTHER' && methodOriginal) attributes['http.request.method_original'] = methodOriginal;
    if (status !== null) attributes['http.response.status_code'] = status;
    if (errorType) attributes['error.type'] = errorType;
    if (address) attributes['server.address'] = address;
    if (port !== null) attributes['server.port'] = port;
    batch.spans.push({
      traceId,
      spanId,
      parentSpanId: parentSpanId || null,
      // Semantic conventions: `{method} {route}`, or just HTTP for an unknown method. Without a
      // framework there is no route; the path stands in for it.
      name: method === '_OTHER' ? 'HTTP' : `${method} ${path}`,
      kind: kind as 2 | 3,
      startUs,
      endUs,
      statusCode: errorType ? 2 : 0,
      statusMessage: errorType ? (status !== null ? `HTTP ${status}` : errorType) : null,
      attributes,
    });
  }
  return batch;
}
