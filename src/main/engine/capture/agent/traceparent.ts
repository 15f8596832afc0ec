// W3C trace context `traceparent` header: parsing by the spec's rules, and formatting.

export interface TraceParent {
  version: number;
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** 16 lowercase hex digits, not all zero: the caller's span. */
  parentSpanId: string;
  /** Bit 0 is `sampled`; other bits are kept as received and not interpreted. */
  flags: number;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/**
 * Parses a traceparent header value; null when it must be ignored (the trace restarts).
 * Self-contained (no outer names) because the injected agent carries its source text.
 */
export function parseTraceparent(value: unknown): TraceParent | null {
  // Version 00 is exactly 55 characters; later versions may append '-' and more fields. A header
  // over 512 characters is refused unread: no real traceparent is anywhere near.
  if (typeof value !== 'string' || value.length < 55 || value.length > 512) return null;
  const match = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-|$)/.exec(value);
  if (!match) return null;
  const [, version = '', traceId = '', parentSpanId = '', flags = ''] = match;
  if (version === 'ff' || (version === '00' && value.length !== 55)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentSpanId)) return null;
  return { version: Number.parseInt(version, 16), traceId, parentSpanId, flags: Number.parseInt(flags, 16) };
}

/** Formats a version-00 traceparent; throws on ids that are not valid lowercase hex. */
export function formatTraceparent(traceId: string, spanId: string, flags = 1): string {
  if (!TRACE_ID.test(traceId) || traceId === ZERO_TRACE_ID) throw new RangeError(`Invalid trace id: ${traceId.slice(0, 64)}`);
  if (!SPAN_ID.test(spanId) || spanId === ZERO_SPAN_ID) throw new RangeError(`Invalid span id: ${spanId.slice(0, 64)}`);
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xff) throw new RangeError(`Invalid trace flags: ${flags}`);
  return `00-${traceId}-${spanId}-${flags.toString(16).padStart(2, '0')}`;
}

/** True for a 32-hex trace id that is not all zero. */
export function isTraceId(value: unknown): value is string {
  return typeof value === 'string' && TRACE_ID.test(value) && value !== ZERO_TRACE_ID;
}

/** True for a 16-hex span id that is not all zero. */
export function isSpanId(value: unknown): value is string {
  return typeof value === 'string' && SPAN_ID.test(value) && value !== ZERO_SPAN_ID;
}
