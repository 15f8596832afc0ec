// Import refuses every damaged, tampered, hostile or too-new bundle with one clear message, and
// leaves the store byte for byte as it was.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBundle } from '../../src/main/engine/bundle';
import { type Cell, ColumnKind, decodeBlock, encodeBlock } from '../../src/main/engine/bundle/columns';
import { Engine } from '../../src/main/engine/engine';
import { recordScenario } from '../support/recorded-sessions';
import { type Frame, framesOf, headerOf, joinFrames, openBundle, rebuildBundle, resealOuter } from '../support/bundle-surgery';
import { tempStorePath } from '../support/store-files';

let valid: Buffer;
let engine: Engine;
let storePath: string;
let workDir: string;
let firstId: string;
const removeAll: (() => void)[] = [];

beforeAll(async () => {
  const source = tempStorePath();
  removeAll.push(() => source.remove());
  const recorder = Engine.open({ storePath: source.path });
  try {
    const sessionId = await recordScenario(recorder, 1.5);
    await recorder.exportSession(sessionId, 'bundle', join(source.dir, 'valid.parallax'));
    valid = readFileSync(join(source.dir, 'valid.parallax'));
  } finally {
    await recorder.close();
  }
  const target = tempStorePath();
  removeAll.push(() => target.remove());
  storePath = target.path;
  workDir = target.dir;
  engine = Engine.open({ storePath });
  // One session already there, which must survive every refusal untouched.
  writeFileSync(join(workDir, 'first.parallax'), valid);
  firstId = (await engine.importFile(join(workDir, 'first.parallax'))).sessionId;
}, 60_000);

afterAll(async () => {
  await engine?.close();
  for (const remove of removeAll) remove();
});

function storeState(): string {
  const hash = createHash('sha256').update(readFileSync(storePath));
  const wal = `${storePath}-wal`;
  const snapshots = `${storePath}.snapshots`;
  hash.update(`wal ${existsSync(wal) ? statSync(wal).size : 0}`);
  hash.update(`snapshots ${existsSync(snapshots) ? readdirSync(snapshots, { recursive: true }).sort().join(',') : ''}`);
  return hash.digest('hex');
}

let counter = 0;
/** Imports `bytes`; expects a refusal matching `message`, and the store unchanged. */
/** Set by the streaming tests: import through the reader for bundles too large to read whole. */
let streaming = false;

async function expectRefused(bytes: Buffer, message: RegExp, extension = '.parallax'): Promise<string> {
  engine.store.db.pragma('wal_checkpoint(TRUNCATE)');
  const before = storeState();
  const file = join(workDir, `attempt-${counter++}${extension}`);
  writeFileSync(file, bytes);
  let error: unknown = null;
  try {
    if (streaming) await importBundle(engine.store, file, { inMemoryBytes: 0 });
    else await engine.importFile(file);
  } catch (e) {
    error = e;
  }
  expect(error, 'the import should have been refused').toBeInstanceOf(Error);
  const text = (error as Error).message;
  expect(text).toMatch(message);
  expect(text).not.toContain('\n');
  expect(storeState()).toBe(before);
  return text;
}

function mutateTable(table: string, change: (names: string[], rows: Cell[][]) => void): Buffer {
  const { payload, manifest } = openBundle(valid);
  const frames: Frame[] = framesOf(payload).map((f) => {
    if (f.type !== 1) return f;
    const block = decodeBlock(Buffer.from(f.body));
    if (block.table !== table) return f;
    const names = block.columns.map((c) => c.name);
    const rows: Cell[][] = Array.from({ length: block.rowCount }, (_r, i) => block.columns.map((c) => (c.kind === ColumnKind.Null ? null : c.values[i]!)));
    change(names, rows);
    return { type: 1, body: encodeBlock(table, names, rows, table === 'cpu_chunks' ? { times: 'float64', stacks: 'int32' } : {}) };
  });
  return rebuildBundle({ payload: joinFrames(frames), manifest });
}

describe('bundle import refuses', () => {
  it('a bundle cut short at any point', async () => {
    const offsets = new Set([0, 1, 8, 15, 16, 17, 100, valid.length - 49, valid.length - 48, valid.length - 33, valid.length - 1]);
    for (let i = 1; i < 20; i++) offsets.add(Math.floor((valid.length * i) / 20));
    for (const offset of offsets) await expectRefused(valid.subarray(0, offset), /cannot be opened: it (is not a Parallax bundle|is truncated)/);
  });

  it('a bundle with flipped bytes anywhere', async () => {
    for (let i = 0; i < 40; i++) {
      const at = 16 + Math.floor(((valid.length - 16) * i) / 40);
      const damaged = Buffer.from(valid);
      damaged[at] = damaged[at]! ^ 0x5a;
      await expectRefused(damaged, /cannot be opened: it (is damaged|is truncated)/);
    }
  });

  it('content changed after export even when the outer checksum is recomputed', async () => {
    const { payload, manifest } = openBundle(valid);
    const changed = Buffer.from(payload);
    changed[changed.length - 10] = changed[changed.length - 10]! ^ 1;
    const text = await expectRefused(rebuildBundle({ payload: changed, manifest, keepContentChecksum: true }), /does not match the checksum in its manifest|content is invalid|damaged|does not match its checksum/);
    expect(text).toMatch(/cannot be opened/);
    const flipped = Buffer.from(valid);
    flipped[40] = flipped[40]! ^ 0xff;
    await expectRefused(resealOuter(flipped), /cannot be opened: it/);
  });

  it('a bundle from a newer format, or from a newer store schema', async () => {
    const { payload, manifest } = openBundle(valid);
    const newer = rebuildBundle({ header: headerOf(3), payload, manifest: { ...manifest, formatVersion: 3 } });
    await expectRefused(newer, /made by a newer Parallax \(bundle format 3; this version reads up to 1\)/);
    await expectRefused(rebuildBundle({ payload, manifest: { ...manifest, schemaVersion: 99 } }), /made by a newer Parallax \(store schema 99; this version reads up to \d+\)/);
  });

  it('a file that is not a bundle goes to the interop importers, which say what is wrong', async () => {
    await expectRefused(Buffer.from('{"nodes": [], "samples": []}'), /: its nodes array is empty/, '.json');
    await expectRefused(Buffer.alloc(0), /: the file is empty/, '');
    await expectRefused(Buffer.from('{"a": 1}'), /not a format Parallax imports \(expected a \.parallax bundle, /, '.bin');
    await expectRefused(Buffer.from('PK\u0003\u0004 a zip'), /cannot be opened: it is not a Parallax bundle \(the file does not start with the bundle signature\)/);
  });

  it('a decompression bomb, declared small or declared huge', async () => {
    const { manifest } = openBundle(valid);
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const compressed = brotliCompressSync(zeros, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
    const small = rebuildBundle({ payload: Buffer.alloc(1000), compressed, manifest });
    await expectRefused(small, /inflates beyond the size its manifest declares/);
    const huge = rebuildBundle({ payload: zeros, compressed, manifest });
    await expectRefused(huge, /decompression bomb|over the limit/);
  });

  it('huge declared counts and sizes', async () => {
    const { manifest } = openBundle(valid);
    const bigFrame = Buffer.alloc(5);
    bigFrame[0] = 1;
    bigFrame.writeUInt32LE(0xffffffff, 1);
    await expectRefused(rebuildBundle({ payload: bigFrame, manifest }), /section of 4294967295 bytes, over the limit/);
    // A table block claiming 2^40 rows, and one with a dictionary larger than its bytes.
    const rows = Buffer.from([0x08, ...Buffer.from('sessions'), 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x01]);
    await expectRefused(rebuildBundle({ payload: joinFrames([{ type: 1, body: rows }]), manifest }), /row count \d+ is over the limit/);
    const columns = Buffer.from([0x08, ...Buffer.from('sessions'), 0x01, 0xff, 0xff, 0x03]);
    await expectRefused(rebuildBundle({ payload: joinFrames([{ type: 1, body: columns }]), manifest }), /column count \d+ is over the limit/);
    await expectRefused(rebuildBundle({ payload: Buffer.alloc(0), manifest: { ...manifest, files: Array.from({ length: 3 }, (_v, i) => ({ snapshotId: i, name: 'x', bytes: 2 ** 52, sha256: '0'.repeat(64) })) } }), /over the limit/);
  });

  it('deep nesting in the manifest and in stored JSON', async () => {
    const { payload, manifest } = openBundle(valid);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const manifestText = JSON.stringify(manifest).replace('"tables":', `"deep":${deep},"tables":`);
    await expectRefused(rebuildBundle({ payload, manifest, manifestText }), /manifest is nested too deeply/);
    await expectRefused(rebuildBundle({ payload, manifest, manifestText: '{"format": 5' }), /manifest is not valid JSON/);
    const nested = mutateTable('logs', (names, rows) => {
      rows[0]![names.indexOf('attributes')] = `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    });
    await expectRefused(nested, /logs.attributes holds JSON nested too deeply/);
  });

  it('rows that break references or types, with every checksum recomputed', async () => {
    await expectRefused(
      mutateTable('stacks', (names, rows) => {
        rows[0]![names.indexOf('parent_id')] = 999_999;
      }),
      /stack \d+ has parent 999999, which does not come before it/,
    );
    await expectRefused(
      mutateTable('stacks', (names, rows) => {
        rows[0]![names.indexOf('function_id')] = 999_999;
      }),
      /refers to a missing function 999999/,
    );
    await expectRefused(
      mutateTable('cpu_chunks', (names, rows) => {
        const stacks = Buffer.from(rows[0]![names.indexOf('stacks')] as Buffer);
        stacks.writeInt32LE(777_777, 0);
        rows[0]![names.indexOf('stacks')] = stacks;
      }),
      /a CPU sample refers to a missing stack 777777/,
    );
    await expectRefused(
      mutateTable('cpu_chunks', (names, rows) => {
        const times = Buffer.from(rows[0]![names.indexOf('times')] as Buffer);
        times.writeDoubleLE(Number.POSITIVE_INFINITY, 0);
        rows[0]![names.indexOf('times')] = times;
      }),
      /time that is not a finite number/,
    );
    await expectRefused(
      mutateTable('cpu_chunks', (names, rows) => {
        rows[0]![names.indexOf('sample_count')] = 1_000_000;
      }),
      /sample count that does not match/,
    );
    await expectRefused(
      mutateTable('logs', (names, rows) => {
        rows[0]![names.indexOf('session_id')] = 'someone-else';
      }),
      /logs holds rows of another session/,
    );
    await expectRefused(
      mutateTable('logs', (names, rows) => {
        for (const row of rows) row[names.indexOf('ts_us')] = 'yesterday';
      }),
      /logs.ts_us holds values of the wrong type/,
    );
    await expectRefused(
      mutateTable('logs', (names, rows) => {
        rows.push([...rows[0]!]);
      }),
      /has \d+ rows but the manifest says/,
    );
    await expectRefused(
      mutateTable('sessions', (names, rows) => {
        rows[0]![names.indexOf('status')] = 'recording';
      }),
      /unknown status "recording"/,
    );
    await expectRefused(
      mutateTable('heap_snapshots', (names, rows) => {
        rows[0]![names.indexOf('file')] = '../../etc/passwd';
      }),
      /unsafe file name/,
    );
  });

  it('the same way when a bundle is too large to read whole and streams from disk', async () => {
    streaming = true;
    try {
      for (const offset of [17, Math.floor(valid.length / 2), valid.length - 1]) await expectRefused(valid.subarray(0, offset), /cannot be opened: it is truncated/);
      const flipped = Buffer.from(valid);
      flipped[Math.floor(valid.length / 3)] = flipped[Math.floor(valid.length / 3)]! ^ 1;
      await expectRefused(flipped, /cannot be opened: it is damaged/);
      const { manifest } = openBundle(valid);
      const compressed = brotliCompressSync(Buffer.alloc(64 * 1024 * 1024), { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
      await expectRefused(rebuildBundle({ payload: Buffer.alloc(1000), compressed, manifest }), /inflates beyond the size its manifest declares/);
      await expectRefused(rebuildBundle({ payload: Buffer.alloc(1000), compressed: Buffer.from('not brotli at all'), manifest }), /compressed content is damaged/);
    } finally {
      streaming = false;
    }
    // And a whole bundle, heap snapshot included, streams in as well.
    const file = join(workDir, 'streamed.parallax');
    writeFileSync(file, valid);
    const { sessionId } = await importBundle(engine.store, file, { inMemoryBytes: 0 });
    expect((await engine.getSummary(sessionId)).counts).toEqual((await engine.getSummary(firstId)).counts);
    expect(await engine.listHeapSnapshots(sessionId)).toHaveLength(1);
    // Rows are written with foreign-key checks suspended (validation checked every reference):
    // every reference holds all the same, and the connection checks keys again afterwards.
    expect(engine.store.db.pragma('foreign_key_check')).toEqual([]);
    expect(engine.store.db.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});
