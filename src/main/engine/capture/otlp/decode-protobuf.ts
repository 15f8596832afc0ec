// OTLP protobuf bodies, decoded by protobufjs from the schema in otlp-proto.ts. Messages come back
// as protobufjs instances: ids as bytes, 64-bit integers as {low, high} halves (read by otlp-values).
import protobuf from 'protobufjs';
import { OTLP_PROTO } from './otlp-proto';
import { type Tree, asTree } from './otlp-values';
import { OtlpRefusal } from './refusal';

export type OtlpSignal = 'traces' | 'logs' | 'metrics';

const REQUEST_TYPES: Record<OtlpSignal, string> = {
  traces: 'otlp.ExportTraceServiceRequest',
  logs: 'otlp.ExportLogsServiceRequest',
  metrics: 'otlp.ExportMetricsServiceRequest',
};

let root: protobuf.Root | null = null;

/** A message type of the OTLP schema (parsed once, on first use). */
export function otlpType(name: string): protobuf.Type {
  root ??= protobuf.parse(OTLP_PROTO, { keepCase: false }).root;
  return root.lookupType(name);
}

/** Throws OtlpRefusal (400) when the body is not a well-formed request of this signal. */
export function decodeProtobuf(signal: OtlpSignal, body: Uint8Array): Tree {
  let message: unknown;
  try {
    message = otlpType(REQUEST_TYPES[signal]).decode(body);
  } catch (error) {
    // Truncated or hostile input: protobufjs throws on reads past the end and on bad wire types
    // (and a RangeError on nesting deep enough to exhaust the stack).
    throw new OtlpRefusal(400, 'malformed protobuf', error instanceof Error ? error.message : String(error));
  }
  const tree = asTree(message);
  if (!tree) throw new OtlpRefusal(400, 'malformed protobuf', 'not a message');
  return tree;
}
