// Reading a script's source map from disk: every form of the comment, and bad maps answered with a reason.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readSourceMap, scriptPath, sourceMappingUrlOf } from '../../../src/main/engine/capture/source-maps/read-source-map';

const dir = mkdtempSync(join(tmpdir(), 'parallax-map-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MAP = JSON.stringify({ version: 3, sources: ['a.ts'], names: [], mappings: 'AAAA' });

function script(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return pathToFileURL(path).href;
}

describe('reading source maps', () => {
  it('finds the last sourceMappingURL comment, in // or /* form', () => {
    expect(sourceMappingUrlOf('x\n//# sourceMappingURL=a.js.map\n//# sourceMappingURL=b.js.map\n')).toBe('b.js.map');
    expect(sourceMappingUrlOf('x\n/*# sourceMappingURL=c.map */')).toBe('c.map');
    expect(sourceMappingUrlOf('const s = "//# sourceMappingURL=no.map";')).toBeNull();
  });

  it('reads a map beside the script, by relative path, and inline', () => {
    writeFileSync(join(dir, 'rel.js.map'), MAP);
    const beside = readSourceMap(script('rel.js', 'f()\n//# sourceMappingURL=rel.js.map\n'));
    expect(beside).toEqual({ kind: 'map', mapUrl: pathToFileURL(join(dir, 'rel.js.map')).href, mapJson: MAP });
    const inline = readSourceMap(script('inline.js', `f()\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(MAP).toString('base64')}\n`));
    expect(inline).toMatchObject({ kind: 'map', mapJson: MAP });
    expect(readSourceMap(script('plain.js', 'f()\n'))).toEqual({ kind: 'none' });
  });

  it('answers a bad map with a reason, never a throw', () => {
    writeFileSync(join(dir, 'bad.map'), '{ not json');
    writeFileSync(join(dir, 'v2.map'), JSON.stringify({ version: 2, sources: [], mappings: '' }));
    expect(readSourceMap(script('a.js', '//# sourceMappingURL=gone.map'))).toEqual({ kind: 'failed', reason: expect.stringContaining('the file is missing') });
    expect(readSourceMap(script('b.js', '//# sourceMappingURL=bad.map'))).toEqual({ kind: 'failed', reason: expect.stringContaining('not JSON') });
    expect(readSourceMap(script('c.js', '//# sourceMappingURL=v2.map'))).toEqual({ kind: 'failed', reason: expect.stringContaining('version 3') });
    expect(readSourceMap(script('d.js', '//# sourceMappingURL=https://cdn.example/d.map'))).toEqual({ kind: 'failed', reason: expect.stringContaining('not a local file') });
    expect(readSourceMap(script('e.js', '//# sourceMappingURL=data:application/json,%7Bbroken'))).toEqual({ kind: 'failed', reason: expect.stringContaining('not JSON') });
  });

  it('reads only local scripts', () => {
    expect(scriptPath('node:internal/timers')).toBeNull();
    expect(scriptPath('https://example.com/a.js')).toBeNull();
    expect(readSourceMap('node:fs')).toEqual({ kind: 'none' });
  });
});
