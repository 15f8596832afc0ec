// Reading OTLP values from either encoding: ids, exact nanosecond times, AnyValue flattening.
import { describe, expect, it } from 'vitest';
import {
  INVALID_ID,
  MAX_VALUE_DEPTH,
  nanosToUs,
  plainAttributes,
  plainValue,
  readId,
  readInt64,
} from '../../src/main/engine/capture/otlp/otlp-values';

function tallyInto(counts: Map<string, number>): (reason: string) => void {
  return (reason) => void counts.set(reason, (counts.get(reason) ?? 0) + 1);
}

describe('readId', () => {
  it('reads hex in any case as lowercase, and bytes as hex', () => {
    expect(readId('4BF92F3577B34DA6A3CE929D0E0E4736', 16)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(readId(Buffer.from('00f067aa0ba902b7', 'hex'), 8)).toBe('00f067aa0ba902b7');
  });

  it('tolerates base64 ids of the right length (proto3 JSON exporters)', () => {
    const bytes = Buffer.from('4bf92f3577b34da6a3ce929d0e0e4736', 'hex');
    expect(readId(bytes.toString('base64'), 16)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('treats empty as absent and refuses bad lengths, non-hex, all zeros and other types', () => {
    expect(readId('', 16)).toBeNull();
    expect(readId(undefined, 8)).toBeNull();
    expect(readId(new Uint8Array(0), 8)).toBeNull();
    expect(readId('0'.repeat(32), 16)).toBe(INVALID_ID);
    expect(readId(new Uint8Array(8), 8)).toBe(INVALID_ID);
    expect(readId('zz'.repeat(16), 16)).toBe(INVALID_ID);
    expect(readId('abc', 8)).toBe(INVALID_ID);
    expect(readId('4bf92f3577b34da6a3ce929d0e0e4736', 8)).toBe(INVALID_ID);
    expect(readId(Buffer.alloc(9, 1), 8)).toBe(INVALID_ID);
    expect(readId(12345, 8)).toBe(INVALID_ID);
    expect(readId({ low: 1, high: 2 }, 8)).toBe(INVALID_ID);
  });
});

describe('nanosToUs', () => {
  it('converts int64 strings exactly, beyond what a double holds in nanoseconds', () => {
    expect(nanosToUs('1700000000123456789')).toBe(1700000000123456);
    expect(nanosToUs('999')).toBe(0);
  });

  it('reads protobuf halves and numbers the same way', () => {
    const nanos = 1700000000123456789n;
    const halves = { low: Number(nanos & 0xffffffffn) | 0, high: Number(nanos >> 32n) | 0, unsigned: true };
    expect(nanosToUs(halves)).toBe(1700000000123456);
    expect(nanosToUs(1_700_000_000_000_000)).toBe(1_700_000_000_000);
  });

  it('refuses negative, fractional-looking and non-numeric values', () => {
    expect(nanosToUs('-5')).toBeNull();
    expect(nanosToUs('12.5')).toBeNull();
    expect(nanosToUs('soon')).toBeNull();
    expect(nanosToUs(-1)).toBeNull();
    expect(nanosToUs(Number.NaN)).toBeNull();
    expect(nanosToUs(true)).toBeNull();
    expect(nanosToUs(undefined)).toBeNull();
  });
});

describe('readInt64', () => {
  it('reads signed halves as signed', () => {
    expect(readInt64({ low: -1, high: -1 }, true)).toBe(-1n);
    expect(readInt64({ low: -1, high: -1 }, false)).toBe(2n ** 64n - 1n);
  });
});

describe('plainValue', () => {
  it('flattens every AnyValue kind into plain JSON values', () => {
    const counts = new Map<string, number>();
    const value = {
      kvlistValue: {
        values: [
          { key: 's', value: { stringValue: 'x' } },
          { key: 'b', value: { boolValue: true } },
          { key: 'i', value: { intValue: '42' } },
          { key: 'big', value: { intValue: '9007199254740993' } },
          { key: 'd', value: { doubleValue: 1.5 } },
          { key: 'nan', value: { doubleValue: 'NaN' } },
          { key: 'bytes', value: { bytesValue: Buffer.from('hi') } },
          { key: 'a', value: { arrayValue: { values: [{ intValue: 1 }, { stringValue: 'two' }, {}] } } },
          { key: '__proto__', value: { stringValue: 'plain data' } },
        ],
      },
    };
    const plain = plainValue(value, tallyInto(counts)) as Record<string, unknown>;
    expect(plain).toEqual({
      s: 'x',
      b: true,
      i: 42,
      big: '9007199254740993',
      d: 1.5,
      nan: 'NaN',
      bytes: Buffer.from('hi').toString('base64'),
      a: [1, 'two', null],
      ['__proto__']: 'plain data',
    });
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(counts.size).toBe(0);
  });

  it('reads a oneof member only when it was sent, not a default', () => {
    // A protobuf message keeps defaults on its prototype: stringValue reads '' when intValue is set.
    const message = Object.create({ stringValue: '' }) as Record<string, unknown>;
    message.intValue = { low: 7, high: 0 };
    expect(plainValue(message, () => undefined)).toBe(7);
  });

  it('cuts values nested past the depth limit and counts them', () => {
    const counts = new Map<string, number>();
    let value: unknown = { stringValue: 'bottom' };
    for (let i = 0; i < MAX_VALUE_DEPTH + 50; i++) value = { arrayValue: { values: [value] } };
    const json = JSON.stringify(plainValue(value, tallyInto(counts)));
    expect(json).toContain('[nested too deep]');
    expect(json).not.toContain('bottom');
    expect(counts.get('attribute value nested too deep (cut)')).toBe(1);
  });

  it('skips attributes without a key and ignores junk values', () => {
    const counts = new Map<string, number>();
    const attributes = plainAttributes([{ value: { stringValue: 'orphan' } }, null, 'text', { key: 'ok', value: 'not an AnyValue' }], tallyInto(counts));
    expect(attributes).toEqual({ ok: null });
    expect(counts.get('attribute without a key (skipped)')).toBe(3);
  });
});
