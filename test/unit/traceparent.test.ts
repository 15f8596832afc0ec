// W3C traceparent parsing and formatting, by the rules of the trace context spec: what is kept,
// and every malformed, hostile or future-version header that must be ignored.
import { describe, expect, it } from 'vitest';
import { formatTraceparent, isSpanId, isTraceId, parseTraceparent } from '../../src/main/engine/capture/agent/traceparent';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const VALID = `00-${TRACE}-${SPAN}-01`;

describe('parseTraceparent', () => {
  it('reads a version-00 header: trace id, parent span id and flags', () => {
    expect(parseTraceparent(VALID)).toEqual({ version: 0, traceId: TRACE, parentSpanId: SPAN, flags: 1 });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.flags).toBe(0);
    // Unknown flag bits are kept as received, not interpreted.
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-ff`)?.flags).toBe(0xff);
  });

  it('reads a higher version at the fixed offsets and ignores fields it does not know', () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01`)).toMatchObject({ version: 1, traceId: TRACE });
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01-what-the-future-holds`)).toMatchObject({ version: 0xcc, parentSpanId: SPAN });
    // A later field must start with '-'.
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01.x`)).toBeNull();
  });

  it.each([
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['version 00 with a trailing field', `${VALID}-extra`],
    ['version 00 with a trailing character', `${VALID}x`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['uppercase hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['a non-hex character', `00-${TRACE.slice(0, 31)}g-${SPAN}-01`],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01x`],
    ['a wrong separator', `00_${TRACE}-${SPAN}-01`],
    ['bad flags', `00-${TRACE}-${SPAN}-0x`],
    ['a one-digit version', `0-${TRACE}-${SPAN}-01-`],
    ['truncated', VALID.slice(0, 54)],
    ['empty', ''],
    ['leading whitespace', ` ${VALID}`],
    ['two headers joined', `${VALID}, ${VALID}`],
    ['a huge value', `cc-${TRACE}-${SPAN}-01-${'a'.repeat(1_000_000)}`],
  ])('ignores %s', (_what, header) => {
    expect(parseTraceparent(header)).toBeNull();
  });

  it.each([[undefined], [null], [42], [[VALID]], [{ toString: () => VALID }]])('ignores a value that is not a string: %j', (value) => {
    expect(parseTraceparent(value)).toBeNull();
  });
});

describe('formatTraceparent', () => {
  it('writes version 00 and round-trips through the parser', () => {
    expect(formatTraceparent(TRACE, SPAN)).toBe(VALID);
    expect(formatTraceparent(TRACE, SPAN, 0)).toBe(`00-${TRACE}-${SPAN}-00`);
    expect(parseTraceparent(formatTraceparent(TRACE, SPAN, 3))).toEqual({ version: 0, traceId: TRACE, parentSpanId: SPAN, flags: 3 });
  });

  it('refuses ids and flags that would make an invalid header', () => {
    expect(() => formatTraceparent('0'.repeat(32), SPAN)).toThrow(RangeError);
    expect(() => formatTraceparent(TRACE, SPAN.toUpperCase())).toThrow(RangeError);
    expect(() => formatTraceparent(TRACE, SPAN, 256)).toThrow(RangeError);
    expect(() => formatTraceparent(TRACE, SPAN, 1.5)).toThrow(RangeError);
  });
});

describe('id checks', () => {
  it('accepts lowercase hex of the right length that is not all zero', () => {
    expect(isTraceId(TRACE)).toBe(true);
    expect(isSpanId(SPAN)).toBe(true);
    for (const bad of ['0'.repeat(32), TRACE.toUpperCase(), TRACE.slice(1), `${TRACE}0`, 42]) expect(isTraceId(bad)).toBe(false);
    for (const bad of ['0'.repeat(16), SPAN.toUpperCase(), SPAN.slice(1), null]) expect(isSpanId(bad)).toBe(false);
  });
});
