// Source maps on real recordings: a TypeScript target compiled by the installed tsc (map file
// beside it, inline data: map, map gone missing) is recorded; its hot function shows at its .ts
// line in the flame tree and the summary, the generated location stays beside it, and a missing
// map is noted on the session without failing the recording.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/main/cli-format';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';
import { REPO_ROOT } from '../support/e2e-browser';

const SOURCE = resolve(__dirname, '../fixtures/ts-target/hot-loop.ts');
const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
/** crunchNumbers' line in hot-loop.ts. */
const TS_LINE = 15;
const cleanups = cleanupsAfterEach();

/** Compiles hot-loop.ts into its own folder with the given tsc map options; returns the .js path. */
function compile(root: string, name: string, mapOptions: string[]): string {
  const dir = join(root, name);
  const source = join(dir, 'hot-loop.ts');
  execFileSync('mkdir', ['-p', dir]);
  copyFileSync(SOURCE, source);
  const result = spawnSync(process.execPath, [TSC, '--target', 'es2020', '--module', 'commonjs', '--types', 'node', '--typeRoots', join(REPO_ROOT, 'node_modules/@types'), ...mapOptions, '--outDir', dir, source], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tsc failed: ${result.stdout}${result.stderr}`);
  return join(dir, 'hot-loop.js');
}

describe('source maps', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'parallax-maps-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function recordScript(script: string) {
    const { engine } = openTestEngine(cleanups);
    const { sessionId } = await engine.startRecording({ target: { kind: 'launch', command: [process.execPath, script, '1200'] }, signals: ['cpu'] });
    cleanups.push(async () => void (await engine.stopRecording(sessionId)));
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.status).toBe('target-exited');
    return { engine, session };
  }

  it.each([
    ['a map file beside the script', ['--sourceMap']],
    ['an inline data: map', ['--inlineSourceMap', '--inlineSources']],
  ])('shows the hot function at its TypeScript line with %s', async (label, options) => {
    const script = compile(root, label.replace(/\W+/g, '-'), options);
    const { engine, session } = await recordScript(script);
    expect(session.notes['sourcemaps.stored']).toBe('1');
    expect(session.notes['sourcemaps.failed']).toBeUndefined();

    const tree = await engine.getFlameTree(session.id);
    const hot = tree.functions.find((f) => f.name === 'crunchNumbers');
    expect(hot, tree.functions.map((f) => f.name).join(', ')).toBeDefined();
    expect(hot!.url).toBe(pathToFileURL(join(script, '../hot-loop.ts')).href);
    expect(hot!.line).toBe(TS_LINE);
    expect(hot!.kind).toBe('app');
    expect(hot!.generated).toMatchObject({ url: pathToFileURL(script).href });
    expect(hot!.generated!.line).not.toBe(TS_LINE);

    const summary = await engine.getSummary(session.id);
    const top = summary.topFunctions.find((f) => f.name === 'crunchNumbers');
    expect(top).toMatchObject({ line: TS_LINE, url: hot!.url, generated: { url: pathToFileURL(script).href } });
    expect(formatSummary(summary)).toContain(`hot-loop.ts:${TS_LINE}`);

    // Function to spans asks by the generated location, which the tree keeps.
    expect(await engine.getFunctionSpans(session.id, { name: hot!.name, ...hot!.generated! })).toEqual([]);
  }, 60_000);

  it('notes a map it cannot read and keeps the generated locations', async () => {
    const script = compile(root, 'missing', ['--sourceMap']);
    rmSync(`${script}.map`);
    const { engine, session } = await recordScript(script);
    expect(session.notes['sourcemaps.failed']).toMatch(/hot-loop\.js: the file is missing/);
    const hot = (await engine.getFlameTree(session.id)).functions.find((f) => f.name === 'crunchNumbers');
    expect(hot!.url).toBe(pathToFileURL(script).href);
    expect(hot!.generated).toBeUndefined();
  }, 60_000);
});
