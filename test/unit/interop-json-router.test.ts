// The streaming JSON router the importers read with: elements built one at a time, whatever the
// chunking; "__proto__" stays data; JSON lines; refusals that say where the input broke.
import { describe, expect, it } from 'vitest';
import { type JsonPath, JsonRouter, type JsonValue } from '../../src/main/engine/interop/import/json-router';
import { sniffFormat } from '../../src/main/engine/interop/import/sniff';

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
