// JSON log lines → OTel-style log records, with lines made by real pino, winston and bunyan
// loggers, and hostile lines that must be refused with a count and never crash the parser.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import winston from 'winston';
import {
  type LineParseCounts,
  type ParsedLogLine,
  emptyParseCounts,
  epochUsOf,
  parseJsonLogLine,
} from '../../src/main/engine/capture/stdout/json-log-line';
import { bunyanLines, pinoLines, winstonLines } from '../support/logger-lines';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

function parse(line: string, counts = emptyParseCounts()): ParsedLogLine {
  const parsed = parseJsonLogLine(line, counts);
  if (!parsed) throw new Error(`not parsed: ${line}`);
  return parsed;
}

function parseAll(lines: string[]): ParsedLogLine[] {
  return lines.map((line) => parse(line));
}

describe('pino lines', () => {
  it('maps levels 10..60 to severities 1, 5, 9, 13, 17, 21 and takes msg and time', () => {
    const before = Date.now();
    const lines = pinoLines((log) => {
      log.trace('t');
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error('e');
      log.fatal('f');
    });
    const records = parseAll(lines);
    expect(records.map((r) => r.severityNumber)).toEqual([1, 5, 9, 13, 17, 21]);
    expect(records.map((r) => r.level)).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
    expect(records.map((r) => r.text)).toEqual(['t', 'd', 'i', 'w', 'e', 'f']);
    const first = JSON.parse(lines[0]!) as { time: number };
    expect(records[0]!.timeUs).toBe(first.time * 1000);
    expect(records[0]!.timeUs! / 1000).toBeGreaterThanOrEqual(before);
    // level, time and msg are consumed; pino's pid and hostname stay.
    expect(records[0]!.attributes).toEqual({ pid: process.pid, hostname: expect.any(String) });
  });

  it('takes trace context from the OpenTelemetry mixin keys and keeps the rest as attributes', () => {
    const [line] = pinoLines((log) =>
      log.info({ trace_id: TRACE_ID, span_id: SPAN_ID, trace_flags: '01', orderId: 42, user: { id: 'u1' } }, 'order placed'),
    );
    const record = parse(line!);
    expect(record).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, text: 'order placed', severityNumber: 9 });
    expect(record.attributes).toMatchObject({ trace_flags: '01', orderId: 42, user: { id: 'u1' } });
    expect(record.attributes).not.toHaveProperty('trace_id');
    expect(record.attributes).not.toHaveProperty('span_id');
  });

  it('keeps a serialised error, and reads a line without msg as its fields', () => {
    const [withError, withoutMsg] = pinoLines((log) => {
      log.error(new Error('card declined'), 'payment failed');
      log.info({ cartSize: 3 });
    });
    const error = parse(withError!);
    expect(error.text).toBe('payment failed');
    expect(error.attributes?.err).toMatchObject({ type: 'Error', message: 'card declined' });
    const fields = parse(withoutMsg!);
    expect(fields.text).toContain('"cartSize":3');
    expect(fields.attributes).toMatchObject({ cartSize: 3 });
  });

  it('reads ISO and epoch-second times and label levels', () => {
    const [iso] = pinoLines((log) => log.warn('iso'), { timestamp: pino.stdTimeFunctions.isoTime });
    const [unix] = pinoLines((log) => log.info('unix'), { timestamp: pino.stdTimeFunctions.unixTime });
    const [label] = pinoLines((log) => log.error('label'), { formatters: { level: (name) => ({ level: name }) } });
    const isoTime = (JSON.parse(iso!) as { time: string }).time;
    expect(parse(iso!).timeUs).toBe(Date.parse(isoTime) * 1000);
    const unixTime = (JSON.parse(unix!) as { time: number }).time;
    expect(parse(unix!).timeUs).toBe(unixTime * 1e6);
    expect(parse(label!)).toMatchObject({ level: 'error', severityNumber: 17 });
  });
});

describe('winston lines', () => {
  it('maps npm level names to 17, 13, 9, 7, 6, 5, 1 and takes message and timestamp', () => {
    const lines = winstonLines((log) => {
      log.error('e');
      log.warn('w');
      log.info('i', { user: 'ada' });
      log.http('h');
      log.verbose('v');
      log.debug('d');
      log.silly('s');
    });
    const records = parseAll(lines);
    expect(records.map((r) => r.severityNumber)).toEqual([17, 13, 9, 7, 6, 5, 1]);
    expect(records.map((r) => r.level)).toEqual(['error', 'warn', 'info', 'debug', 'debug', 'debug', 'trace']);
    expect(records.map((r) => r.text)).toEqual(['e', 'w', 'i', 'h', 'v', 'd', 's']);
    expect(records[2]!.attributes).toEqual({ user: 'ada' });
    const stamp = (JSON.parse(lines[0]!) as { timestamp: string }).timestamp;
    expect(records[0]!.timeUs).toBe(Date.parse(stamp) * 1000);
  });

  it('maps syslog levels and reads colourised level names', () => {
    const syslog = winstonLines(
      (log) => {
        for (const level of ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug']) log.log(level, level);
      },
      { levels: winston.config.syslog.levels },
    );
    expect(parseAll(syslog).map((r) => r.severityNumber)).toEqual([23, 22, 21, 17, 13, 10, 9, 5]);

    const colour = winstonLines((log) => log.warn('coloured'), {
      format: winston.format.combine(winston.format.colorize(), winston.format.json()),
    });
    // JSON escapes the escape character; the parsed level name carries it.
    expect(colour[0]).toContain('\\u001b[');
    expect(parse(colour[0]!)).toMatchObject({ level: 'warn', severityNumber: 13, text: 'coloured' });
  });
});

describe('bunyan lines', () => {
  it('maps levels 10..60, takes msg and the ISO time, and drops the format version', () => {
    const lines = bunyanLines((log) => {
      log.trace({ step: 1 }, 't');
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error({ code: 'E42' }, 'e');
      log.fatal('f');
    });
    const records = parseAll(lines);
    expect(records.map((r) => r.severityNumber)).toEqual([1, 5, 9, 13, 17, 21]);
    expect(records[0]!.attributes).toEqual({ name: 'shop', hostname: expect.any(String), pid: process.pid, step: 1 });
    const time = (JSON.parse(lines[4]!) as { time: string }).time;
    expect(records[4]!.timeUs).toBe(Date.parse(time) * 1000);
    expect(records[4]!.attributes).toMatchObject({ code: 'E42' });
  });

  it("converts Datadog's decimal ids and keeps the rest of the dd object", () => {
    const [line] = bunyanLines((log) =>
      log.info({ dd: { trace_id: '1234567890123456789', span_id: '987654321', service: 'shop' } }, 'with dd ids'),
    );
    const record = parse(line!);
    expect(record.traceId).toBe('0000000000000000112210f47de98115');
    expect(record.spanId).toBe('000000003ade68b1');
    expect(record.attributes?.dd).toEqual({ service: 'shop' });
  });
});

describe('trace and span ids', () => {
  const line = (fields: object): string => JSON.stringify({ level: 30, msg: 'x', ...fields });

  it('reads the usual keys and normalises case and 0x', () => {
    expect(parse(line({ traceId: TRACE_ID.toUpperCase(), spanId: `0x${SPAN_ID}` }))).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
    expect(parse(line({ traceID: TRACE_ID, spanID: SPAN_ID }))).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
    expect(parse(line({ 'trace.id': TRACE_ID, 'span.id': SPAN_ID }))).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
    const ecs = parse(line({ trace: { id: TRACE_ID }, span: { id: SPAN_ID }, event: { kind: 'x' } }));
    expect(ecs).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, attributes: { event: { kind: 'x' } } });
    expect(ecs.attributes).not.toHaveProperty('trace');
    expect(parse(line({ 'dd.trace_id': '18446744073709551615', 'dd.span_id': 18446744073709 }))).toMatchObject({
      traceId: '0000000000000000ffffffffffffffff',
      spanId: '000010c6f7a0b5ed',
    });
    // 128-bit Datadog trace ids are logged as 32 hex digits.
    expect(parse(line({ dd: { trace_id: TRACE_ID } })).traceId).toBe(TRACE_ID);
  });

  it.each([
    ['all zeros', { trace_id: '0'.repeat(32), span_id: '0'.repeat(16) }],
    ['wrong length', { trace_id: SPAN_ID, span_id: TRACE_ID }],
    ['not hex', { trace_id: 'g'.repeat(32), span_id: 'xyz' }],
    ['wrong type', { trace_id: 42, span_id: { id: SPAN_ID } }],
    ['Datadog id beyond 64 bits', { 'dd.trace_id': '18446744073709551616', 'dd.span_id': '-5' }],
    ['Datadog id that lost digits as a number', { 'dd.trace_id': 2 ** 60, 'dd.span_id': 0 }],
  ])('drops an invalid id (%s) with a count and keeps the value as an attribute', (_name, fields) => {
    const counts = emptyParseCounts();
    const record = parse(line(fields), counts);
    expect(record.traceId).toBeNull();
    expect(record.spanId).toBeNull();
    expect(counts).toMatchObject({ badTraceIds: 1, badSpanIds: 1 });
    expect(Object.keys(record.attributes ?? {}).sort()).toEqual(Object.keys(fields).sort());
  });

  it('uses a later valid key when an earlier one is invalid, without counting a bad id', () => {
    const counts = emptyParseCounts();
    const record = parse(line({ trace_id: 'nope', traceId: TRACE_ID }), counts);
    expect(record.traceId).toBe(TRACE_ID);
    expect(record.attributes).toEqual({ trace_id: 'nope' });
    expect(counts.badTraceIds).toBe(0);
  });
});

describe('plain JSON and odd field types', () => {
  it('reads level/msg/time from any logger and level names case-insensitively', () => {
    expect(parse('{"level":"WARNING","message":"disk at 91%","time":1700000000123}')).toMatchObject({
      level: 'warn',
      severityNumber: 13,
      text: 'disk at 91%',
      timeUs: 1700000000123000,
      attributes: null,
    });
    expect(parse('{"severity":"ERROR","msg":"gcp style","@timestamp":"2024-05-01T10:00:00.250Z"}')).toMatchObject({
      severityNumber: 17,
      timeUs: Date.parse('2024-05-01T10:00:00.250Z') * 1000,
    });
    // No level at all: no severity, shown as info.
    expect(parse('{"msg":"no level"}')).toMatchObject({ level: 'info', severityNumber: null, text: 'no level' });
  });

  it('keeps fields it cannot use as attributes instead of guessing', () => {
    const record = parse('{"level":"loud","msg":{"nested":true},"time":"yesterday","timestamp":-5}');
    expect(record).toMatchObject({ severityNumber: null, timeUs: null });
    expect(record.attributes).toEqual({ level: 'loud', msg: { nested: true }, time: 'yesterday', timestamp: -5 });
    expect(parse('{"level":true,"msg":"x"}').attributes).toEqual({ level: true });
  });

  it('reads a time in s, ms, µs or ns by its size, and refuses implausible ones', () => {
    expect(epochUsOf(1_700_000_000)).toBe(1_700_000_000_000_000);
    expect(epochUsOf(1_700_000_000.5)).toBe(1_700_000_000_500_000);
    expect(epochUsOf(1_700_000_000_123)).toBe(1_700_000_000_123_000);
    expect(epochUsOf(1_700_000_000_123_456)).toBe(1_700_000_000_123_456);
    expect(epochUsOf(1_700_000_000_123_456_000)).toBe(1_700_000_000_123_456);
    expect(epochUsOf('1700000000123')).toBe(1_700_000_000_123_000);
    for (const bad of [0, -1, 5, 1e25, Number.NaN, '1', 'Tuesday', '', null, {}, []]) expect(epochUsOf(bad)).toBeNull();
  });
});

describe('hostile lines', () => {
  function refused(line: string): LineParseCounts {
    const counts = emptyParseCounts();
    expect(parseJsonLogLine(line, counts)).toBeNull();
    return counts;
  }

  it('leaves ordinary text, arrays, numbers and strings alone without counting them', () => {
    for (const line of ['', '   ', 'listening on :3000', '[1,2,3]', '42', '"text"', 'null', '{', '}', '{ a: 1 }x']) {
      expect(refused(line)).toEqual(emptyParseCounts());
    }
  });

  it('counts lines that look like JSON objects but are not', () => {
    for (const line of ['{"level":30,"msg":"cut}', '{"level":30}{"level":40}', "{ level: 30, msg: 'util.inspect' }", '{\u0000}']) {
      expect(refused(line).invalidJson).toBe(1);
    }
  });

  it('ignores JSON objects that are no log record', () => {
    expect(refused('{}')).toEqual(emptyParseCounts());
    expect(refused('{"port":3000,"env":"production"}')).toEqual(emptyParseCounts());
  });

  it('refuses deeply nested and huge objects with a count', () => {
    const deep = `{"level":30,"a":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`;
    expect(refused(deep).oversizedJson).toBe(1);
    const wide = JSON.stringify({ level: 30, msg: 'wide', ...Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) });
    expect(refused(wide).oversizedJson).toBe(1);
    const abyss = `{"level":30,"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const counts = refused(abyss);
    expect(counts.invalidJson + counts.oversizedJson).toBe(1);
  });

  it('survives binary garbage', () => {
    let seed = 7;
    for (let round = 0; round < 200; round++) {
      const bytes = Buffer.from(Array.from({ length: 256 }, () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) & 0xff));
      const text = `{${bytes.toString('latin1')}}`;
      expect(() => parseJsonLogLine(text, emptyParseCounts())).not.toThrow();
      expect(() => parseJsonLogLine(bytes.toString('utf8'))).not.toThrow();
    }
  });

  it('does not let __proto__ keys reach any prototype', () => {
    const record = parse('{"level":30,"msg":"x","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
    expect(Object.keys(record.attributes!)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const stored = JSON.parse(JSON.stringify(record.attributes)) as object;
    expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toEqual({ polluted: true });
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
  });

  it('accepts a byte-order mark and surrounding blanks', () => {
    expect(parse('\ufeff  {"level":40,"msg":"bom"} \r').severityNumber).toBe(13);
  });
});
