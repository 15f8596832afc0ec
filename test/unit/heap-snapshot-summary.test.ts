// The streaming heap snapshot summariser: counts by constructor on real snapshots of a process
// with known objects, in any chunking, and clear refusals of truncated, malformed or hostile input.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeapSnapshotSummariser, type HeapSnapshotSummary, summariseHeapSnapshotFile } from '../../src/main/engine/capture/heap/snapshot-summary';
import { ParallaxError } from '../../src/shared/errors';
import { tempStorePath } from '../support/store-files';

const KNOWN_OBJECTS = resolve(__dirname, '../fixtures/heap-known-objects.cjs');
const LEAKY_COUNT = 10_000;

let dir: ReturnType<typeof tempStorePath>;
let snapshotFile: string;
let snapshotBytes: Buffer;

beforeAll(() => {
  dir = tempStorePath();
  snapshotFile = join(dir.dir, 'known.heapsnapshot');
  execFileSync(process.execPath, [KNOWN_OBJECTS, snapshotFile, String(LEAKY_COUNT)], { timeout: 30_000 });
  snapshotBytes = readFileSync(snapshotFile);
}, 30_000);
afterAll(() => dir?.remove());

function summariseInChunks(bytes: Buffer, chunkSizes: () => number): HeapSnapshotSummary {
  const summariser = new HeapSnapshotSummariser();
  for (let at = 0; at < bytes.length; ) {
    const size = chunkSizes();
    summariser.write(bytes.subarray(at, at + size));
    at += size;
  }
  return summariser.end();
}

function summariseText(text: string): HeapSnapshotSummary {
  const summariser = new HeapSnapshotSummariser();
  summariser.write(Buffer.from(text));
  return summariser.end();
}

/** The refusal a summariser gives `text`: always a ParallaxError meant for people. */
function refusalOf(text: string | Buffer): string {
  try {
    const summariser = new HeapSnapshotSummariser();
    summariser.write(typeof text === 'string' ? Buffer.from(text) : text);
    summariser.end();
  } catch (error) {
    expect(error).toBeInstanceOf(ParallaxError);
    return (error as ParallaxError).message;
  }
  throw new Error('the input was accepted');
}

const META = {
  node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
  node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure', 'native'], 'string', 'number', 'number', 'number'],
  edge_fields: ['type', 'name_or_index', 'to_node'],
};
/** A hand-made snapshot: two Foo objects, one string, one hidden node. */
function tinySnapshot(overrides: { meta?: unknown; nodeCount?: number; nodes?: number[]; strings?: string[] } = {}): string {
  const nodes = overrides.nodes ?? [3, 1, 1, 16, 0, 3, 1, 3, 24, 0, 2, 2, 5, 20, 0, 0, 0, 7, 8, 0];
  return JSON.stringify({
    snapshot: { meta: overrides.meta ?? META, node_count: overrides.nodeCount ?? nodes.length / 5, edge_count: 0 },
    nodes,
    edges: [],
    strings: overrides.strings ?? ['', 'Foo', 'hello'],
  });
}

describe('summarising real heap snapshots', () => {
  it('counts every instance of a known class, with its self size', async () => {
    const summary = await summariseHeapSnapshotFile(snapshotFile);
    const leaky = summary.classes.find((c) => c.name === 'Leaky');
    expect(leaky?.count).toBe(LEAKY_COUNT);
    // One small object per instance: a header plus an in-object field.
    expect(leaky!.selfSizeBytes / LEAKY_COUNT).toBeGreaterThanOrEqual(12);
    expect(leaky!.selfSizeBytes / LEAKY_COUNT).toBeLessThanOrEqual(64);
    expect(summary.classes.find((c) => c.name === 'Marker')?.count).toBe(3);
  });

  it('agrees with a whole-file parse on every class, node count and total size', async () => {
    const summary = await summariseHeapSnapshotFile(snapshotFile);
    const parsed = JSON.parse(snapshotBytes.toString('utf8')) as {
      snapshot: { meta: { node_fields: string[]; node_types: [string[]] }; node_count: number };
      nodes: number[];
      strings: string[];
    };
    const fields = parsed.snapshot.meta.node_fields;
    const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
    const expected = new Map<string, { count: number; selfSizeBytes: number }>();
    for (let at = 0; at < parsed.nodes.length; at += fields.length) {
      const type = parsed.snapshot.meta.node_types[0][parsed.nodes[at + typeAt!]!]!;
      const name =
        type === 'object' || type === 'native'
          ? parsed.strings[parsed.nodes[at + nameAt!]!]!
          : ({ hidden: '(system)', code: '(compiled code)' } as Record<string, string>)[type] ?? `(${type})`;
      const entry = expected.get(name) ?? { count: 0, selfSizeBytes: 0 };
      entry.count++;
      entry.selfSizeBytes += parsed.nodes[at + sizeAt!]!;
      expected.set(name, entry);
    }
    expect(summary.nodeCount).toBe(parsed.snapshot.node_count);
    expect(new Map(summary.classes.map((c) => [c.name, { count: c.count, selfSizeBytes: c.selfSizeBytes }]))).toEqual(expected);
    expect(summary.totalSelfSizeBytes).toBe(summary.classes.reduce((sum, c) => sum + c.selfSizeBytes, 0));
  });

  it('groups internal nodes as DevTools does and sorts by self size', async () => {
    const summary = await summariseHeapSnapshotFile(snapshotFile);
    const names = summary.classes.map((c) => c.name);
    for (const group of ['(string)', '(array)', '(compiled code)', '(system)', '(closure)']) expect(names).toContain(group);
    for (let i = 1; i < summary.classes.length; i++) {
      expect(summary.classes[i]!.selfSizeBytes).toBeLessThanOrEqual(summary.classes[i - 1]!.selfSizeBytes);
    }
  });

  it('gives the same summary however the file is cut into chunks', async () => {
    const whole = await summariseHeapSnapshotFile(snapshotFile);
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    expect(summariseInChunks(snapshotBytes, () => 1 + (random() % 13))).toEqual(whole);
    expect(summariseInChunks(snapshotBytes, () => 65_536)).toEqual(whole);
  });
});

describe('summarising hand-made snapshots', () => {
  it('reads the node layout from meta, whatever the field order', () => {
    const reordered = {
      ...META,
      node_fields: ['self_size', 'id', 'name', 'type', 'edge_count'],
      node_types: [0, 0, 0, META.node_types[0], 0],
    };
    const summary = summariseText(tinySnapshot({ meta: reordered, nodes: [16, 1, 1, 3, 0, 24, 3, 1, 3, 0] }));
    expect(summary.classes).toEqual([{ name: 'Foo', count: 2, selfSizeBytes: 40 }]);
  });

  it('counts objects, strings and system nodes apart', () => {
    expect(summariseText(tinySnapshot()).classes).toEqual([
      { name: 'Foo', count: 2, selfSizeBytes: 40 },
      { name: '(string)', count: 1, selfSizeBytes: 20 },
      { name: '(system)', count: 1, selfSizeBytes: 8 },
    ]);
  });

  it('keeps names with escapes and skips strings no node names', () => {
    const summary = summariseText(tinySnapshot({ strings: ['', 'F\\"o\u00e9\n', 'x'.repeat(100_000)] }));
    expect(summary.classes[0]!.name).toBe('F\\"o\u00e9\n');
  });
});

describe('refusing what is not a whole heap snapshot', () => {
  it('refuses a truncated snapshot at any cut, with where it ends', () => {
    const text = tinySnapshot();
    for (let cut = 0; cut < text.length; cut++) {
      expect(refusalOf(text.slice(0, cut))).toMatch(/not a usable V8 heap snapshot/);
    }
    expect(refusalOf(snapshotBytes.subarray(0, Math.floor(snapshotBytes.length / 2)))).toMatch(/ends early \(truncated at byte \d+\)/);
  });

  it('refuses malformed JSON with the byte it stopped at', () => {
    expect(refusalOf('{"snapshot": }')).toMatch(/not valid JSON at byte 13: unexpected '}'/);
    expect(refusalOf('{"snapshot":{"meta":{"a":1,,}}}')).toMatch(/not valid JSON/);
    expect(refusalOf(tinySnapshot().replace('"nodes":[3', '"nodes":[03'))).toMatch(/leading zero/);
    expect(refusalOf(tinySnapshot().replace('"edges":[]', '"edges":[tru]'))).toMatch(/unknown word/);
    expect(refusalOf(`${tinySnapshot()} {}`)).toMatch(/unexpected '\{'/);
    expect(refusalOf(Buffer.from([0x7b, 0x22, 0x00, 0x22]))).toMatch(/control character/);
    expect(refusalOf(Buffer.from([0xff, 0xfe, 0x00, 0x01]))).toMatch(/not valid JSON at byte 0: unexpected byte 0xff/);
    expect(refusalOf('')).toMatch(/ends early \(truncated at byte 0\)/);
  });

  it('refuses JSON that is not a heap snapshot', () => {
    expect(refusalOf('[1,2,3]')).toMatch(/JSON array, not an object/);
    expect(refusalOf('42')).toMatch(/no snapshot\.meta/);
    expect(refusalOf('{"traceEvents":[]}')).toMatch(/no snapshot\.meta/);
    expect(refusalOf('{"snapshot":{},"nodes":[],"strings":[]}')).toMatch(/no snapshot\.meta/);
    expect(refusalOf('{"snapshot":[],"nodes":[]}')).toMatch(/"snapshot" is not an object/);
    expect(refusalOf('{"snapshot":7}')).toMatch(/"snapshot" is not an object/);
    expect(refusalOf(tinySnapshot().replace('"strings":[', '"strings_":['))).toMatch(/no strings array/);
    expect(refusalOf('{"nodes":[1,2,3],"snapshot":{}}')).toMatch(/"nodes" comes before snapshot\.meta/);
  });

  it('refuses a meta that does not describe the nodes', () => {
    expect(refusalOf(tinySnapshot({ meta: { ...META, node_fields: ['id', 'self_size'] } }))).toMatch(/lacks type, name or self_size/);
    expect(refusalOf(tinySnapshot({ meta: { ...META, node_fields: 'type,name' } }))).toMatch(/node_fields is not a list/);
    expect(refusalOf(tinySnapshot({ meta: { ...META, node_types: [7] } }))).toMatch(/node_types does not list/);
    expect(refusalOf(tinySnapshot({ nodes: [3, 1, 1, 16, 0, 3], nodeCount: 1 }))).toMatch(/ends in the middle of a node/);
    expect(refusalOf(tinySnapshot({ nodes: [99, 1, 1, 16, 0] }))).toMatch(/node 0 has type 99/);
    expect(refusalOf(tinySnapshot({ nodes: [3, 9, 1, 16, 0] }))).toMatch(/named by string 9, but the snapshot has 3 strings/);
    expect(refusalOf(tinySnapshot().replace('"nodes":[3', '"nodes":["3"'))).toMatch(/nodes array holds strings/);
    expect(refusalOf(tinySnapshot().replace('"nodes":[3', '"nodes":[[3]'))).toMatch(/nodes array holds nested values/);
  });

  it('refuses huge or impossible counts without allocating for them', () => {
    expect(refusalOf(tinySnapshot({ nodeCount: 1e15 }))).toMatch(/declares 1000000000000000 nodes but holds 4/);
    expect(refusalOf(tinySnapshot({ nodeCount: -1 }))).toMatch(/node_count is not a count/);
    expect(refusalOf(tinySnapshot({ nodes: [3, 1, 1, 1e300, 0] }))).toMatch(/self size of 1e\+300/);
    expect(refusalOf(tinySnapshot({ nodes: [3, 1, 1, -5, 0] }))).toMatch(/self size of -5/);
    expect(refusalOf(tinySnapshot().replace('"edges":[]', `"edges":[${'9'.repeat(1000)}]`))).toMatch(/longer than 64/);
  });

  it('refuses hostile structure without deep recursion or unbounded memory', () => {
    const deep = `{"snapshot":{"meta":${JSON.stringify(META)}},"edges":${'['.repeat(20_000)}`;
    expect(refusalOf(deep)).toMatch(/nesting deeper than 10000/);
    const bigHeader = `{"snapshot":{"meta":${JSON.stringify(META)},"x":[${'0,'.repeat(200_000)}0]}}`;
    expect(refusalOf(bigHeader)).toMatch(/header holds more than 100000 values/);
    expect(refusalOf(`{"snapshot":{"meta":${JSON.stringify(META)},"__proto__":{"polluted":1}}}`)).toMatch(/no nodes array/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(refusalOf(tinySnapshot() + tinySnapshot().slice(1))).toMatch(/not valid JSON/);
    expect(refusalOf(tinySnapshot().replace('"edges":[]', `"nodes":[]`))).toMatch(/two "nodes" entries/);
  });

  it('survives random corruption: every result is a summary or a clear refusal', () => {
    const text = Buffer.from(tinySnapshot());
    let seed = 11;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 2000; round++) {
      const bytes = Buffer.from(text);
      for (let k = 0; k < 1 + (round % 4); k++) bytes[random() % bytes.length] = random() % 256;
      try {
        summariseText(bytes.toString('latin1'));
      } catch (error) {
        expect(error).toBeInstanceOf(ParallaxError);
      }
    }
  });

  it('says so when the file cannot be read', async () => {
    await expect(summariseHeapSnapshotFile(join(dir.dir, 'missing.heapsnapshot'))).rejects.toThrow(/Could not read the heap snapshot/);
    const notSnapshot = join(dir.dir, 'not-a-snapshot.json');
    writeFileSync(notSnapshot, JSON.stringify({ hello: 'world' }));
    await expect(summariseHeapSnapshotFile(notSnapshot)).rejects.toThrow(/not a usable V8 heap snapshot: it has no snapshot\.meta/);
  });
});
