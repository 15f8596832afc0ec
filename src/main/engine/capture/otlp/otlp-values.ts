// Reads values out of a decoded OTLP request, whichever encoding it came in: OTLP/JSON (hex ids,
// int64 as strings or numbers) or protobuf messages (ids as bytes, int64 as two 32-bit halves).
// Everything arrives as `unknown` and is narrowed here; nothing is trusted.

/** A decoded message: a parsed JSON object or a protobuf message instance. */
export type Tree = Record<string, unknown>;

/** Counts one skipped or repaired item by reason (for the session's refusal note). */
export type Tally = (reason: string) => void;

/** What one request turned into. */
export interface Converted<T> {
  items: T[];
  /** Items of the request that were not stored (the partial-success answer counts them). */
  rejected: number;
}

/** Marks an id that is present but not valid (bad length, not hex, all zeros). */
export const INVALID_ID = Symbol('invalid id');

/** Nested arrays and key-value lists deeper than this are cut (hostile or runaway bodies). */
export const MAX_VALUE_DEPTH = 16;

const HEX_ID = /^[0-9a-f]+$/;
const ALL_ZERO = /^0+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const DIGITS = /^\d+$/;
const SIGNED_DIGITS = /^-?\d+$/;
const TWO_32 = 4294967296;

export function asTree(value: unknown): Tree | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
    ? (value as Tree)
    : null;
}

/**
 * A field that was sent. Own properties only: protobuf messages keep defaults on their prototype
 * (a oneof member reads '' when another member is set), and JSON has nothing inherited worth reading.
 */
export function field(tree: Tree | null, key: string): unknown {
  return tree !== null && Object.hasOwn(tree, key) ? tree[key] : undefined;
}

export function treeAt(tree: Tree | null, key: string): Tree | null {
  return asTree(field(tree, key));
}

export function listAt(tree: Tree | null, key: string): readonly unknown[] {
  const value = field(tree, key);
  return Array.isArray(value) ? value : [];
}

export function stringAt(tree: Tree | null, key: string): string {
  const value = field(tree, key);
  return typeof value === 'string' ? value : '';
}

/**
 * An enum or small integer: a number, a decimal string, or (tolerated from proto3 JSON exporters)
 * a name from `names`. Null when absent or not understood.
 */
export function intAt(tree: Tree | null, key: string, names?: Readonly<Record<string, number>>): number | null {
  const value = field(tree, key);
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value === 'string') {
    if (SIGNED_DIGITS.test(value)) return Number(value);
    if (names && Object.hasOwn(names, value)) return names[value] ?? null;
  }
  return null;
}

/**
 * A trace id (16 bytes) or span id (8 bytes) as lowercase hex. Accepts bytes (protobuf), hex in
 * any case (OTLP/JSON) and base64 of the right length (proto3 JSON exporters). Null when absent.
 */
export function readId(value: unknown, byteLength: 16 | 8): string | null | typeof INVALID_ID {
  let hex: string;
  if (value === undefined || value === null) return null;
  if (value instanceof Uint8Array) {
    if (value.length === 0) return null;
    if (value.length !== byteLength) return INVALID_ID;
    hex = Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex');
  } else if (typeof value === 'string') {
    if (value === '') return null;
    if (value.length === byteLength * 2) {
      hex = value.toLowerCase();
      if (!HEX_ID.test(hex)) return INVALID_ID;
    } else if (BASE64.test(value) && value.length <= Math.ceil(byteLength / 3) * 4) {
      const bytes = Buffer.from(value, 'base64');
      if (bytes.length !== byteLength) return INVALID_ID;
      hex = bytes.toString('hex');
    } else {
      return INVALID_ID;
    }
  } else {
    return INVALID_ID;
  }
  return ALL_ZERO.test(hex) ? INVALID_ID : hex;
}

/** A 64-bit integer as an exact bigint: decimal string, number, bigint, or {low, high} halves. */
export function readInt64(value: unknown, signed: boolean): bigint | null {
  if (typeof value === 'string') return SIGNED_DIGITS.test(value) ? BigInt(value) : null;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)) : null;
  if (typeof value === 'bigint') return value;
  const halves = asTree(value);
  if (halves) {
    const low = halves.low;
    const high = halves.high;
    if (typeof low === 'number' && typeof high === 'number') {
      const bits = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
      return signed ? BigInt.asIntN(64, bits) : bits;
    }
  }
  return null;
}

/**
 * Unix nanoseconds to epoch microseconds, exactly (nanoseconds since the epoch do not fit a
 * double; microseconds do). Null when absent or not a non-negative integer; 0 stays 0.
 */
export function nanosToUs(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && DIGITS.test(value)) {
    return value.length <= 3 ? 0 : Number(value.slice(0, -3));
  }
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value / 1000) : null;
  const nanos = readInt64(value, false);
  return nanos === null || nanos < 0n ? null : Number(nanos / 1000n);
}

/** A count or int64 metric value as a number (exact up to 2^53, which counts never reach). */
export function readNumber(value: unknown, signed = false): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    // proto3 JSON spells the special doubles as strings.
    if (value === 'NaN') return NaN;
    if (value === 'Infinity') return Infinity;
    if (value === '-Infinity') return -Infinity;
  }
  const halves = asTree(value);
  if (halves && typeof halves.low === 'number' && typeof halves.high === 'number') {
    const high = signed ? halves.high | 0 : halves.high >>> 0;
    return high * TWO_32 + (halves.low >>> 0);
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

/**
 * An AnyValue as a plain JSON value: string, boolean, number (an int64 beyond 2^53 stays a decimal
 * string, so it is not rounded), array, object for a key-value list, base64 string for bytes.
 * Null for an empty value.
 */
export function plainValue(value: unknown, tally: Tally, depth = 0): unknown {
  const tree = asTree(value);
  if (!tree) return null;
  if (Object.hasOwn(tree, 'stringValue')) return String(tree.stringValue);
  if (Object.hasOwn(tree, 'boolValue')) return tree.boolValue === true || tree.boolValue === 'true';
  if (Object.hasOwn(tree, 'intValue')) {
    const n = readInt64(tree.intValue, true);
    if (n === null) return null;
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
  }
  if (Object.hasOwn(tree, 'doubleValue')) {
    const n = readNumber(tree.doubleValue, true);
    // JSON has no NaN or Infinity: keep their names rather than lose them as null.
    return n === null ? null : Number.isFinite(n) ? n : String(n);
  }
  if (Object.hasOwn(tree, 'bytesValue')) {
    const bytes = tree.bytesValue;
    if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
    return typeof bytes === 'string' ? bytes : null;
  }
  if (depth >= MAX_VALUE_DEPTH && (Object.hasOwn(tree, 'arrayValue') || Object.hasOwn(tree, 'kvlistValue'))) {
    tally('attribute value nested too deep (cut)');
    return '[nested too deep]';
  }
  if (Object.hasOwn(tree, 'arrayValue')) {
    return listAt(asTree(tree.arrayValue), 'values').map((item) => plainValue(item, tally, depth + 1));
  }
  if (Object.hasOwn(tree, 'kvlistValue')) {
    return plainAttributes(listAt(asTree(tree.kvlistValue), 'values'), tally, depth + 1);
  }
  return null;
}

/** KeyValue pairs as an object; a pair without a key is skipped and counted. */
export function plainAttributes(pairs: readonly unknown[], tally: Tally, depth = 0): Record<string, unknown> {
  const entries: [string, unknown][] = [];
  for (const pair of pairs) {
    const tree = asTree(pair);
    const key = stringAt(tree, 'key');
    if (key === '') {
      tally('attribute without a key (skipped)');
      continue;
    }
    entries.push([key, plainValue(field(tree, 'value'), tally, depth)]);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays plain data.
  return Object.fromEntries(entries);
}

/** Attributes as metric labels: strings as they are, anything else as JSON. */
export function labelsOf(pairs: readonly unknown[], tally: Tally): Record<string, string> {
  const attributes = Object.entries(plainAttributes(pairs, tally));
  return Object.fromEntries(attributes.map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

/** The resource attributes of one ResourceSpans / ResourceLogs / ResourceMetrics batch. */
export function resourceOf(resourceBatch: Tree | null, tally: Tally): Record<string, unknown> {
  return plainAttributes(listAt(treeAt(resourceBatch, 'resource'), 'attributes'), tally);
}
