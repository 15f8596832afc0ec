// What the receiver answers, in the request's encoding: an Export*ServiceResponse (empty, or with
// partial_success when items were not stored) or, for a refused request, a google.rpc.Status.
import { type OtlpSignal, otlpType } from './decode-protobuf';

export type OtlpEncoding = 'json' | 'protobuf';

export const CONTENT_TYPES: Record<OtlpEncoding, string> = { json: 'application/json', protobuf: 'application/x-protobuf' };

export interface PartialSuccess {
  rejected: number;
  message: string;
}

const RESPONSES: Record<OtlpSignal, { type: string; partialType: string; rejectedField: string }> = {
  traces: { type: 'otlp.ExportTraceServiceResponse', partialType: 'otlp.ExportTracePartialSuccess', rejectedField: 'rejectedSpans' },
  logs: { type: 'otlp.ExportLogsServiceResponse', partialType: 'otlp.ExportLogsPartialSuccess', rejectedField: 'rejectedLogRecords' },
  metrics: { type: 'otlp.ExportMetricsServiceResponse', partialType: 'otlp.ExportMetricsPartialSuccess', rejectedField: 'rejectedDataPoints' },
};

/** google.rpc.Code values for the statuses the receiver sends. */
const RPC_CODES: Record<number, number> = { 400: 3, 404: 5, 405: 12, 413: 8, 415: 3, 403: 7, 500: 13 };

export function encodeResponse(signal: OtlpSignal, encoding: OtlpEncoding, partial: PartialSuccess | null): Uint8Array {
  const spec = RESPONSES[signal];
  if (encoding === 'json') {
    if (!partial) return Buffer.from('{}');
    return Buffer.from(JSON.stringify({ partialSuccess: { [spec.rejectedField]: String(partial.rejected), errorMessage: partial.message } }));
  }
  const type = otlpType(spec.type);
  if (!partial) return type.encode(type.create({})).finish();
  const partialSuccess = otlpType(spec.partialType).create({ [spec.rejectedField]: partial.rejected, errorMessage: partial.message });
  return type.encode(type.create({ partialSuccess })).finish();
}

export function encodeStatus(encoding: OtlpEncoding, httpStatus: number, message: string): Uint8Array {
  const code = RPC_CODES[httpStatus] ?? 2;
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const type = otlpType('otlp.RpcStatus');
  return type.encode(type.create({ code, message })).finish();
}
