// Splitting a target's output into lines: chunks cut anywhere, multi-byte characters, CRLF, a cap
// with a truncation count, and the last line flushed at the end.
import { describe, expect, it } from 'vitest';
import { LineSplitter, characterBoundary } from '../../src/main/engine/capture/stdout/line-splitter';

function split(chunks: Buffer[], maxLineBytes?: number): [string, number][] {
  const lines: [string, number][] = [];
  const splitter = new LineSplitter((line, dropped) => lines.push([line, dropped]), maxLineBytes);
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  return lines;
}

/** Every way of cutting `bytes` into two chunks. */
function everyCut(bytes: Buffer): Buffer[][] {
  return Array.from({ length: bytes.length + 1 }, (_, i) => [bytes.subarray(0, i), bytes.subarray(i)]);
}

describe('LineSplitter', () => {
  it('gives the same lines however the stream is cut, multi-byte characters included', () => {
    const text = 'préface €uro\r\n{"msg":"日本語 🎉"}\n\nlast without newline';
    const expected: [string, number][] = [
      ['préface €uro', 0],
      ['{"msg":"日本語 🎉"}', 0],
      ['', 0],
      ['last without newline', 0],
    ];
    for (const chunks of everyCut(Buffer.from(text))) expect(split(chunks)).toEqual(expected);
    // One byte at a time.
    const bytes = Buffer.from(text);
    expect(split(Array.from(bytes, (b) => Buffer.from([b])))).toEqual(expected);
  });

  it('cuts a long line at the cap on a character boundary and counts what it dropped', () => {
    const long = '€'.repeat(10); // 30 bytes
    const lines = split([Buffer.from(`${long}\nnext\n`)], 10);
    // 10 bytes would split the fourth '€': three characters (9 bytes) stay.
    expect(lines).toEqual([
      ['€€€', 21],
      ['next', 0],
    ]);
    for (const chunks of everyCut(Buffer.from(`${long}\nnext\n`))) expect(split(chunks, 10)).toEqual(lines);
  });

  it('keeps memory bounded for a huge line arriving in many chunks', () => {
    const lines: [string, number][] = [];
    const splitter = new LineSplitter((line, dropped) => lines.push([line, dropped]), 1024);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 256; i++) splitter.write(chunk); // 16 MiB, no newline yet
    splitter.write(Buffer.from('\nafter\n'));
    expect(lines).toEqual([
      ['a'.repeat(1024), 16 * 1024 * 1024 - 1024],
      ['after', 0],
    ]);
  });

  it('passes invalid UTF-8 through as replacement characters', () => {
    expect(split([Buffer.from([0x66, 0xff, 0xfe, 0x0a, 0xc3])])).toEqual([
      ['f\ufffd\ufffd', 0],
      ['\ufffd', 0],
    ]);
  });

  it('emits nothing for an empty stream', () => {
    expect(split([])).toEqual([]);
    expect(split([Buffer.alloc(0)])).toEqual([]);
  });
});

describe('characterBoundary', () => {
  it('drops only an incomplete trailing sequence', () => {
    const euro = Buffer.from('a€');
    expect(characterBoundary(euro)).toBe(4);
    expect(characterBoundary(euro.subarray(0, 3))).toBe(1);
    expect(characterBoundary(euro.subarray(0, 2))).toBe(1);
    const emoji = Buffer.from('🎉');
    expect(characterBoundary(emoji.subarray(0, 3))).toBe(0);
    expect(characterBoundary(emoji)).toBe(4);
    expect(characterBoundary(Buffer.from([0x80, 0x80, 0x80, 0x80]))).toBe(4);
  });
});
