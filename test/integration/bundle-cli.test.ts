// `parallax export` and `parallax import` as a user runs them, on a real recording.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { cleanupsAfterEach } from '../support/cleanups';
import { recordScenario } from '../support/recorded-sessions';
import { tempStorePath } from '../support/store-files';

const ROOT = resolve(__dirname, '../..');
const CLI = resolve(ROOT, 'bin/parallax.js');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const cleanups = cleanupsAfterEach();

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}

function store(): { path: string; dir: string } {
  const s = tempStorePath();
  cleanups.push(() => s.remove());
  return s;
}

describe('parallax export and import', () => {
  it('round-trips a recorded session: summary --json is identical apart from the id', async () => {
    const source = store();
    const engine = Engine.open({ storePath: source.path });
    let sessionId: string;
    try {
      sessionId = await recordScenario(engine, 1.5, { heapSnapshot: false });
    } finally {
      await engine.close();
    }
    const file = join(source.dir, 'out.parallax');
    const exported = await cli(['export', sessionId.slice(0, 8), '--format', 'bundle', '--out', file, '--store', source.path]);
    expect(exported.stderr).toMatch(/^Wrote .*out\.parallax \(\d+ bytes\): bundle\n$/);
    expect(exported.code).toBe(0);

    const fresh = store();
    const imported = await cli(['import', file, '--store', fresh.path]);
    expect(imported.code, imported.stderr).toBe(0);
    const newId = imported.stdout.trim().split('\n').pop()!;
    expect(newId).toMatch(UUID);
    expect(newId).not.toBe(sessionId);

    const before = JSON.parse((await cli(['summary', sessionId, '--json', '--store', source.path])).stdout) as Record<string, unknown>;
    const after = JSON.parse((await cli(['summary', newId, '--json', '--store', fresh.path])).stdout) as Record<string, unknown>;
    expect({ ...after, id: sessionId }).toEqual(before);
  });

  it('refuses an unknown format as a usage error listing the known ones, and a foreign file with one line', async () => {
    const s = store();
    const usage = await cli(['export', 'abc', '--format', 'zip', '--out', join(s.dir, 'x'), '--store', s.path]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/export wants --format bundle\|cpuprofile\|chrome-trace\|pprof\|otlp-json, got "zip"/);
    const missing = await cli(['export', 'abc', '--out', join(s.dir, 'x'), '--store', s.path]);
    expect(missing.code).toBe(2);

    const foreign = join(s.dir, 'profile.json');
    writeFileSync(foreign, '{"nodes":[]}');
    const refused = await cli(['import', foreign, '--store', s.path]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('parallax: profile.json: its nodes array is empty\n');
    const damaged = join(s.dir, 'damaged.parallax');
    writeFileSync(damaged, Buffer.from([0x89, 0x50, 0x4c, 0x58, 0x42, 0x0d, 0x0a, 0x1a, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]));
    const cut = await cli(['import', damaged, '--store', s.path]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toBe('parallax: damaged.parallax cannot be opened: it is truncated (shorter than a bundle can be)\n');
  });
});
