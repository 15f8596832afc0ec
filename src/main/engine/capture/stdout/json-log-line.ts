// One line of a target's output → an OTel-style log record, when the line is a JSON object from
// pino, bunyan, winston or any logger with level/msg/message/time/timestamp keys; null otherwise.
import type { LogLevel } from '../../../../shared/domain';
import { logLevelOf, severityOfLevelName, severityOfNumericLevel } from './severity';
import { type IdPath, findSpanId, findTraceId } from './trace-ids';

type JsonObject = Record<string, unknown>;

export interface ParsedLogLine {
  /** The line's own time (epoch µs), or null when it carries none that can be read. */
  timeUs: number | null;
  level: LogLevel;
  /** OTel SeverityNumber; null when the level is missing or unknown. */
  severityNumber: number | null;
  text: string;
  traceId: string | null;
  spanId: string | null;
  /** The keys the line had beyond those turned into the fields above; null when none. */
  attributes: JsonObject | null;
}

/** What the parser met that people should know about, counted across lines. */
export interface LineParseCounts {
  /** Looked like a JSON object but did not parse. */
  invalidJson: number;
  /** Parsed, but nested too deep or too big to keep as attributes. */
  oversizedJson: number;
  badTraceIds: number;
  badSpanIds: number;
}

export function emptyParseCounts(): LineParseCounts {
  return { invalidJson: 0, oversizedJson: 0, badTraceIds: 0, badSpanIds: 0 };
}

/** Deeper or bigger objects are kept as plain text: they are not log records anyone wrote on purpose. */
export const MAX_JSON_DEPTH = 16;
export const MAX_JSON_VALUES = 4096;

const TIME_KEYS = ['time', 'timestamp', '@timestamp'] as const;
const ISO_LIKE = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/;
const NUMERIC = /^\d{9,20}(?:\.\d+)?$/;

/**
 * Parses one line (without its newline). Returns null for anything that is not a JSON log
 * object; lines that looked like JSON but could not be used are added to `counts`, as are ids
 * that were present but invalid (those are set to null and left in the attributes).
 *
 * The keys read here (level, msg, time, trace_id...) are not on Object.prototype, so a value
 * that is not undefined is the record's own: JSON has no undefined.
 */
export function parseJsonLogLine(line: string, counts?: LineParseCounts): ParsedLogLine | null {
  // JSON.parse refuses a byte-order mark, which a stream's first line may carry.
  const source = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  if (!looksLikeObject(source)) return null;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    // Also a nesting deep enough to exhaust the parser's stack (RangeError).
    if (counts) counts.invalidJson++;
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as JsonObject;
  if (!hasLogKey(record)) return null;
  if (!withinLimits(record, 1, { values: 0 })) {
    if (counts) counts.oversizedJson++;
    return null;
  }

  const taken: string[] = [];
  // bunyan's format version says nothing about the event.
  if (record.v === 0 && typeof record.level === 'number') taken.push('v');
  const severityNumber = takeSeverity(record, taken);
  const text = takeMessage(record, taken);
  const timeUs = takeTime(record, taken);
  const trace = findTraceId(record);
  const span = findSpanId(record);
  if (counts) {
    if (trace.bad) counts.badTraceIds++;
    if (span.bad) counts.badSpanIds++;
  }
  const attributes = remainingAttributes(record, taken, trace.path, span.path);
  return {
    timeUs,
    level: logLevelOf(severityNumber),
    severityNumber,
    // A line with no message reads as its fields, so a list of records never shows a blank row.
    text: text ?? (attributes ? JSON.stringify(attributes) : ''),
    traceId: trace.id,
    spanId: span.id,
    attributes,
  };
}

/** First and last non-blank characters are braces: cheap, and skips every ordinary line. */
function looksLikeObject(line: string): boolean {
  let start = 0;
  let end = line.length - 1;
  while (start <= end && isBlank(line.charCodeAt(start))) start++;
  while (end > start && isBlank(line.charCodeAt(end))) end--;
  return end > start && line.charCodeAt(start) === 0x7b && line.charCodeAt(end) === 0x7d;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

function hasLogKey(r: JsonObject): boolean {
  return (
    r.level !== undefined ||
    r.msg !== undefined ||
    r.message !== undefined ||
    r.time !== undefined ||
    r.timestamp !== undefined ||
    r.severity !== undefined ||
    r['@timestamp'] !== undefined
  );
}

/** Depth and value count; the depth check comes before each descent, so recursion stays shallow. */
function withinLimits(value: object, depth: number, seen: { values: number }): boolean {
  if (depth > MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const child of value as unknown[]) {
      if (++seen.values > MAX_JSON_VALUES) return false;
      if (typeof child === 'object' && child !== null && !withinLimits(child, depth + 1, seen)) return false;
    }
    return true;
  }
  for (const key in value) {
    if (++seen.values > MAX_JSON_VALUES) return false;
    const child = (value as JsonObject)[key];
    if (typeof child === 'object' && child !== null && !withinLimits(child, depth + 1, seen)) return false;
  }
  return true;
}

/** `level` (a pino/bunyan number or a winston name), else `severity`; an unknown level stays an attribute. */
function takeSeverity(record: JsonObject, taken: string[]): number | null {
  const fromLevel = severityOf(record.level);
  if (fromLevel !== null) {
    taken.push('level');
    return fromLevel;
  }
  const fromSeverity = severityOf(record.severity);
  if (fromSeverity !== null) taken.push('severity');
  return fromSeverity;
}

function severityOf(level: unknown): number | null {
  if (typeof level === 'number') return severityOfNumericLevel(level);
  if (typeof level === 'string') return severityOfLevelName(level);
  return null;
}

/** pino and bunyan say `msg`, winston says `message`. */
function takeMessage(record: JsonObject, taken: string[]): string | null {
  const msg = messageOf(record.msg);
  if (msg !== null) {
    taken.push('msg');
    return msg;
  }
  const message = messageOf(record.message);
  if (message !== null) taken.push('message');
  return message;
}

function messageOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function takeTime(record: JsonObject, taken: string[]): number | null {
  for (const key of TIME_KEYS) {
    const value = record[key];
    if (value === undefined) continue;
    const timeUs = epochUsOf(value);
    if (timeUs !== null) {
      taken.push(key);
      return timeUs;
    }
  }
  return null;
}

/**
 * The record's keys minus those taken; a nested id ({ dd: { trace_id } }) is taken out of a copy
 * of its object, which is left out when nothing else remains in it. `__proto__` is copied as an
 * own property, never set as a prototype.
 */
function remainingAttributes(record: JsonObject, taken: string[], trace: IdPath | null, span: IdPath | null): JsonObject | null {
  if (trace?.length === 1) taken.push(trace[0]);
  if (span?.length === 1) taken.push(span[0]);
  let out: JsonObject | null = null;
  for (const key in record) {
    if (taken.includes(key)) continue;
    let value = record[key];
    const innerTrace = trace?.length === 2 && trace[0] === key ? trace[1] : null;
    const innerSpan = span?.length === 2 && span[0] === key ? span[1] : null;
    if (innerTrace !== null || innerSpan !== null) {
      const rest = copyWithout(value as JsonObject, innerTrace, innerSpan);
      if (!rest) continue;
      value = rest;
    }
    out ??= {};
    setOwn(out, key, value);
  }
  return out;
}

function copyWithout(object: JsonObject, a: string | null, b: string | null): JsonObject | null {
  let out: JsonObject | null = null;
  for (const key in object) {
    if (key === a || key === b) continue;
    out ??= {};
    setOwn(out, key, object[key]);
  }
  return out;
}

function setOwn(object: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/**
 * pino prints epoch ms (or s with unixTime, or an ISO string with isoTime), bunyan and winston
 * ISO strings. A number's unit is read from its size (each unit has its own span of plausible
 * dates, 1973 onwards); anything else is not a time and stays an attribute.
 */
export function epochUsOf(value: unknown): number | null {
  if (typeof value === 'string') {
    const text = value.trim();
    if (NUMERIC.test(text)) return epochUsOf(Number(text));
    if (!ISO_LIKE.test(text)) return null;
    const ms = Date.parse(text);
    return Number.isFinite(ms) ? Math.round(ms * 1000) : null;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  if (value < 1e8) return null;
  if (value < 1e11) return Math.round(value * 1e6); // s
  if (value < 1e14) return Math.round(value * 1e3); // ms
  if (value < 1e17) return Math.round(value); // µs
  if (value < 1e20) return Math.round(value / 1e3); // ns
  return null;
}
