// Trace and span ids carried by JSON log lines, under the keys loggers and tracers use, normalised
// to 32/16 lowercase hex. An id that is present but invalid is reported and dropped, never guessed.

type JsonObject = Record<string, unknown>;

/** Where an id was found: a flat key, or a key inside a nested object ({ dd: { trace_id } }, ECS { trace: { id } }). */
export type IdPath = readonly [string] | readonly [string, string];

export interface FoundId {
  id: string | null;
  /** Where the valid id was; null when none was. */
  path: IdPath | null;
  /** An id key was present but no value under it was a valid id. */
  bad: boolean;
}

type Normalise = (value: unknown) => string | null;

interface IdKey {
  path: IdPath;
  normalise: Normalise;
}

const MAX_U64 = (1n << 64n) - 1n;
const HEX_32 = /^[0-9a-f]{32}$/;
const HEX_16 = /^[0-9a-f]{16}$/;
const DECIMAL = /^[0-9]{1,20}$/;
const ALL_ZERO = /^0+$/;

function hexId(value: unknown, pattern: RegExp): string | null {
  if (typeof value !== 'string') return null;
  let id = value.trim().toLowerCase();
  if (id.startsWith('0x')) id = id.slice(2);
  if (!pattern.test(id) || ALL_ZERO.test(id)) return null;
  return id;
}

/** A W3C/OTel trace id: 32 hex digits, not all zero. */
export const normaliseTraceId: Normalise = (value) => hexId(value, HEX_32);
/** A W3C/OTel span id: 16 hex digits, not all zero. */
export const normaliseSpanId: Normalise = (value) => hexId(value, HEX_16);

/**
 * Datadog prints its 64-bit ids in decimal; as an OTel id that is 16 hex digits, and a trace id
 * gets a zero high half. A number above 2^53 has lost digits in JSON.parse, so it is refused.
 */
export function datadogDecimalId(value: unknown): string | null {
  let digits: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value <= 0) return null;
    return value.toString(16).padStart(16, '0');
  } else if (typeof value === 'string' && DECIMAL.test((digits = value.trim()))) {
    // Up to 15 digits is exact as a double; beyond, BigInt.
    const id = digits.length <= 15 ? Number(digits) : BigInt(digits);
    if (id === 0 || id === 0n || id > MAX_U64) return null;
    return id.toString(16).padStart(16, '0');
  }
  return null;
}

/** dd.trace_id: decimal 64-bit, or 32 hex digits where 128-bit trace id logging is on. */
const datadogTraceId: Normalise = (value) => {
  const low = datadogDecimalId(value);
  return low ? low.padStart(32, '0') : normaliseTraceId(value);
};

const TRACE_KEYS: readonly IdKey[] = [
  { path: ['trace_id'], normalise: normaliseTraceId },
  { path: ['traceId'], normalise: normaliseTraceId },
  { path: ['traceID'], normalise: normaliseTraceId },
  { path: ['trace.id'], normalise: normaliseTraceId },
  { path: ['trace', 'id'], normalise: normaliseTraceId },
  { path: ['dd.trace_id'], normalise: datadogTraceId },
  { path: ['dd', 'trace_id'], normalise: datadogTraceId },
];

const SPAN_KEYS: readonly IdKey[] = [
  { path: ['span_id'], normalise: normaliseSpanId },
  { path: ['spanId'], normalise: normaliseSpanId },
  { path: ['spanID'], normalise: normaliseSpanId },
  { path: ['span.id'], normalise: normaliseSpanId },
  { path: ['span', 'id'], normalise: normaliseSpanId },
  { path: ['dd.span_id'], normalise: datadogDecimalId },
  { path: ['dd', 'span_id'], normalise: datadogDecimalId },
];

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The first valid id under `keys`. None of these key names exists on Object.prototype, so a
 * value that is not undefined is the record's own (JSON has no undefined).
 */
function findId(record: JsonObject, keys: readonly IdKey[]): FoundId {
  let bad = false;
  for (const { path, normalise } of keys) {
    const holder = record[path[0]];
    if (holder === undefined) continue;
    let value: unknown = holder;
    if (path.length === 2) {
      if (!isObject(holder) || !Object.prototype.hasOwnProperty.call(holder, path[1])) continue;
      value = holder[path[1]];
    }
    const id = normalise(value);
    if (id) return { id, path, bad: false };
    bad = true;
  }
  return { id: null, path: null, bad };
}

/** The trace id of one parsed log line, and where it was. */
export function findTraceId(record: JsonObject): FoundId {
  return findId(record, TRACE_KEYS);
}

/** The span id of one parsed log line, and where it was. */
export function findSpanId(record: JsonObject): FoundId {
  return findId(record, SPAN_KEYS);
}
