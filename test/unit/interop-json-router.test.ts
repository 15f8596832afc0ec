// The streaming JSON router the importers read with: elements built one at a time, whatever the
// chunking; "__proto__" stays data; JSON lines; refusals that say where the input broke.
import { describe, expect, it } from 'vitest';
import { type JsonPath, JsonRouter, type JsonValue } from '../../src/main/engine/interop/import/json-router';
import { UndecidedHead, sniffFormat } from '../../src/main/engine/interop/import/sniff';

function route(text: string, chunkBytes: number, sequence = false): { built: JsonValue[]; scalars: [string, JsonValue][] } {
  const built: JsonValue[] = [];
  const scalars: [string, JsonValue][] = [];
  const router = new JsonRouter(
    {
      container: (path: JsonPath) => (path.length === 2 && path[0] === 'items' ? 'build' : path.length <= 1 ? 'walk' : 'skip'),
      value: (path: JsonPath, value: JsonValue) => (path.length === 2 && path[0] === 'items' ? built.push(value) : scalars.push([path.join('.'), value])),
    },
    { maxBuiltValues: 1000, maxStringBytes: 1024, sequence },
  );
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += chunkBytes) router.write(bytes.subarray(at, at + chunkBytes));
  router.end();
  return { built, scalars };
}

describe('JsonRouter', () => {
  const doc = '{"items":[{"a":1,"b":[true,null,"x\\u00e9"]},{"__proto__":{"polluted":1}}],"skip":{"deep":[1,2,{"c":3}]},"n":-2.5e3}';

  it('builds each element whole and passes walked scalars, at any chunk size', () => {
    for (const size of [1, 2, 7, 4096]) {
      const { built, scalars } = route(doc, size);
      expect(built[0]).toEqual({ a: 1, b: [true, null, 'xé'] });
      expect(scalars).toEqual([['n', -2500]]);
      const second = built[1] as Record<string, unknown>;
      expect(Object.keys(second)).toEqual(['__proto__']);
      expect(Object.getPrototypeOf(second)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('reads JSON lines in sequence mode, and refuses a second value otherwise', () => {
    const lines = '{"items":[1]}\n{"items":[{"k":2}]}\n\n';
    expect(route(lines, 3, true).built).toEqual([1, { k: 2 }]);
    expect(() => route(lines, 3)).toThrow(/not valid JSON at byte 14/);
  });

  it('says where a truncated or broken document ends', () => {
    expect(() => route('{"items":[{"a":1}', 5)).toThrow('the file ends early (truncated at byte 17)');
    expect(() => route('{"items":[{"a":01}]}', 5)).toThrow(/not valid JSON at byte \d+: a number with a leading zero/);
  });

  it('refuses an element larger than its cap', () => {
    expect(() => route(`{"items":[[${'1,'.repeat(2000)}1]]}`, 64)).toThrow(/items\[0\] holds more than 1,000 values/);
  });
});

describe('sniffFormat', () => {
  const sniff = (text: string, name = 'file'): string => sniffFormat(Buffer.from(text), name);
  it('recognises each format by its content, whatever the name', () => {
    expect(sniff('{"nodes":[{"id":1')).toBe('cpuprofile');
    expect(sniff('{"head":{"callFrame"')).toBe('heapprofile');
    expect(sniff('{"snapshot":{"meta":')).toBe('heapsnapshot');
    expect(sniff('[{"pid":1,"ph":"X"')).toBe('chrome-trace');
    expect(sniff('  {"traceEvents":[')).toBe('chrome-trace');
    expect(sniff('{"resourceLogs":[')).toBe('otlp-json');
    expect(sniffFormat(Buffer.from([0x0a, 0x04, 0x08, 0x01]), 'x')).toBe('pprof');
  });
  it('names what it found when it recognises nothing', () => {
    expect(() => sniff('{"a":1}')).toThrow(/not a format Parallax imports .*; it is a JSON object with keys "a"/);
    expect(() => sniff('[1,2]', 'x.cpuprofile')).toThrow(/not a V8 CPU profile \(expected a JSON object with nodes, samples and timeDeltas; it is a JSON array of plain values\)/);
  });
});

describe('short strings from the cache', () => {
  it('reads strings that share lengths, hashes and prefixes, cut at any chunk boundary, as JSON.parse does', () => {
    // Strings that collide in a small cache, differ in one byte, cross the 32-character bound,
    // carry escapes or UTF-8, and the empty string: each must come back exactly.
    const strings: string[] = ['', 'a', 'b', 'ab', 'ba', 'X', 'x', 'é', 'ü1', '\\u00e9', 'a\\"b', 'tab\\t'];
    for (let i = 0; i < 3000; i++) strings.push(`k${i}`, `k${i}`.padEnd(31 + (i % 4), String.fromCharCode(97 + (i % 26))));
    for (let i = 0; i < 200; i++) strings.push('Aa'.repeat(i % 17) + 'BB'.repeat(16 - (i % 17)));
    const text = `{"items":[${strings.map((s) => `{"${s}":"${s}","v":"${s}"}`).join(',')}]}`;
    const expected = (JSON.parse(text) as { items: JsonValue[] }).items;
    for (const chunk of [5, 33, 4096, 1 << 20]) {
      const { built } = routeWide(text, chunk);
      expect(built).toEqual(expected);
    }
  });
});

describe('sniffing a head cut short', () => {
  it('asks for a look at the whole file only for an object cut before any deciding key', () => {
    expect(() => sniffFormat(Buffer.from('{"metadata":{"a":"b'), 'x.json')).toThrow(UndecidedHead);
    expect(() => sniffFormat(Buffer.from('{"metadata":{"a":"b"}}'), 'x.json')).not.toThrow(UndecidedHead);
    expect(() => sniffFormat(Buffer.from('{"metadata":{"a":"b"}}'), 'x.json')).toThrow(/not a Chrome trace .*keys "metadata"/);
    expect(() => sniffFormat(Buffer.from('[{"a":1},'), 'x.json')).not.toThrow(UndecidedHead);
    expect(() => sniffFormat(Buffer.from('{"a":1, oops'), 'x.json')).not.toThrow(UndecidedHead);
    const manyKeys = Array.from({ length: 100 }, (_, i) => `"k${i}":${i}`).join(',');
    expect(sniffFormat(Buffer.from(`{${manyKeys},"traceEvents":[`), 'x')).toBe('chrome-trace');
  });
});

/** Like route, with room for the many values of one test element list. */
function routeWide(text: string, chunkBytes: number): { built: JsonValue[] } {
  const built: JsonValue[] = [];
  const router = new JsonRouter(
    {
      container: (path: JsonPath) => (path.length === 2 ? 'build' : 'walk'),
      value: (path: JsonPath, value: JsonValue) => void (path.length === 2 && built.push(value)),
    },
    { maxBuiltValues: 100, maxStringBytes: 1024 },
  );
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += chunkBytes) router.write(bytes.subarray(at, at + chunkBytes));
  router.end();
  return { built };
}
