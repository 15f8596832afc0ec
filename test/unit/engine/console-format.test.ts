import type Protocol from 'devtools-protocol';
import { describe, expect, it } from 'vitest';
import { formatConsoleArgs } from '../../../src/main/engine/capture/console-format';

type R = Protocol.Runtime.RemoteObject;
const str = (value: string): R => ({ type: 'string', value });
const num = (value: number): R => ({ type: 'number', value, description: String(value) });

describe('formatConsoleArgs', () => {
  it('joins primitives with spaces, strings bare', () => {
    expect(formatConsoleArgs([str('tick'), num(3), { type: 'boolean', value: true }, { type: 'undefined' }])).toBe('tick 3 true undefined');
  });

  it('applies printf directives and keeps the rest', () => {
    expect(formatConsoleArgs([str('%s took %d ms (%i%%)'), str('GET /'), num(12.7), num(99.5), str('extra')])).toBe(
      'GET / took 12.7 ms (99%) extra',
    );
    expect(formatConsoleArgs([str('%d and %s'), str('x')])).toBe('NaN and %s');
    expect(formatConsoleArgs([str('%c styled'), str('color: red')])).toBe(' styled');
  });

  it('renders objects from their preview, arrays as lists, null and errors', () => {
    const object: R = {
      type: 'object',
      description: 'Object',
      preview: {
        type: 'object',
        description: 'Object',
        overflow: true,
        properties: [
          { name: 'a', type: 'number', value: '1' },
          { name: 's', type: 'string', value: 'x' },
          { name: 'n', type: 'object', value: 'Object' },
        ],
      },
    };
    expect(formatConsoleArgs([object])).toBe("{ a: 1, s: 'x', n: Object, … }");
    const array: R = {
      type: 'object',
      subtype: 'array',
      description: 'Array(2)',
      preview: { type: 'object', subtype: 'array', overflow: false, properties: [{ name: '0', type: 'number', value: '1' }, { name: '1', type: 'number', value: '2' }] },
    };
    expect(formatConsoleArgs([array])).toBe('[1, 2]');
    expect(formatConsoleArgs([{ type: 'object', subtype: 'null', value: null }])).toBe('null');
    expect(formatConsoleArgs([{ type: 'object', subtype: 'error', description: 'Error: boom\n    at f (a.js:1:1)' }])).toBe(
      'Error: boom\n    at f (a.js:1:1)',
    );
  });

  it('survives odd input: no args, unserializable numbers, bigint, symbols', () => {
    expect(formatConsoleArgs([])).toBe('');
    expect(formatConsoleArgs([{ type: 'number', unserializableValue: 'NaN', description: 'NaN' }])).toBe('NaN');
    expect(formatConsoleArgs([{ type: 'bigint', unserializableValue: '12n', description: '12n' }])).toBe('12n');
    expect(formatConsoleArgs([{ type: 'symbol', description: 'Symbol(x)' }])).toBe('Symbol(x)');
    expect(formatConsoleArgs([{ type: 'object', description: 'Map(0)' }])).toBe('Map(0)');
  });
});
