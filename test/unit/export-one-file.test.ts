// Saving a session as one file: folder formats become a zip that yauzl reads back member by member;
// a format the session cannot fill leaves neither the file nor a partial one.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportSessionFile } from '../../src/main/engine/export-file';
import { exportAsOneFile } from '../../src/main/engine/export-one-file';
import { Store } from '../../src/main/engine/store/store';
import { frame, writeSyntheticSession } from '../support/synthetic-session';
import { readZip } from '../support/zip-members';

const T0 = 1_700_000_000_000_000;
let store: Store;
let dir: string;

beforeEach(() => {
  store = Store.open(':memory:');
  dir = mkdtempSync(join(tmpdir(), 'parallax-one-file-'));
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const writer = (sessionId: string) => (format: string, outPath: string) => exportSessionFile(store, sessionId, format, outPath);

describe('exportAsOneFile', () => {
  it('zips a profile per thread, and pprof members as they are', async () => {
    const samples = [0, 1].flatMap((threadId) =>
      Array.from({ length: 20 }, (_v, i) => ({ threadId, timeUs: T0 + i * 1000, stack: [frame('main'), frame(threadId === 0 ? 'render' : 'crunch')] })),
    );
    const id = writeSyntheticSession(store, { id: 'two-threads', threads: [{ id: 0, name: 'main' }, { id: 1, name: 'worker' }], samples });

    const profiles = join(dir, 'profiles.zip');
    const written = await exportAsOneFile(writer(id), 'cpuprofile', profiles);
    expect(written).toHaveLength(2);
    const members = await readZip(profiles);
    expect([...members.keys()]).toEqual(['0-main.cpuprofile', '1-worker.cpuprofile']);
    const worker = JSON.parse(members.get('1-worker.cpuprofile')!.toString('utf8')) as { nodes: { callFrame: { functionName: string } }[]; samples: number[] };
    expect(worker.samples).toHaveLength(20);
    expect(worker.nodes.map((n) => n.callFrame.functionName)).toContain('crunch');

    const pprof = join(dir, 'pprof.zip');
    await exportAsOneFile(writer(id), 'pprof', pprof);
    const cpu = (await readZip(pprof)).get('cpu.pb.gz')!;
    expect(gunzipSync(cpu).length).toBeGreaterThan(0);
    expect(readdirSync(dir).sort()).toEqual(['pprof.zip', 'profiles.zip']);
  });

  it('writes a file format where asked, and leaves nothing when the session lacks what a format needs', async () => {
    const id = writeSyntheticSession(store, { id: 'empty' });
    await expect(exportAsOneFile(writer(id), 'cpuprofile', join(dir, 'none.zip'))).rejects.toThrow('The session has no CPU samples to write as cpuprofile');
    await expect(exportAsOneFile(writer(id), 'svg', join(dir, 'x.svg'))).rejects.toThrow('Unknown export format "svg"');
    expect(readdirSync(dir)).toEqual([]);
    await exportAsOneFile(writer(id), 'chrome-trace', join(dir, 'trace.json'));
    expect(existsSync(join(dir, 'trace.json'))).toBe(true);
    expect(readdirSync(dir)).toEqual(['trace.json']);
  });
});
