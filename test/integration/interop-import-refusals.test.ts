// Bad files are refused with one message naming the file and what is wrong, and the store (every
// table's rows, the session list, the files beside it) stays exactly as it was.
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip, gzipSync } from 'node:zlib';
import type Protocol from 'devtools-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine';
import { importForeignFile } from '../../src/main/engine/interop/import';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';
import { captureOtlpJson, pprofFromCpuProfile, recordRealProfiles } from '../support/interop-files';
import { storeState } from '../support/store-state';

const cleanups = cleanupsAfterEach();
let dir: string;
/** Valid files made by real tools, by name. */
const seeds = new Map<string, Buffer>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parallax-interop-bad-'));
  const [real, otlp] = await Promise.all([recordRealProfiles(dir), captureOtlpJson(dir)]);
  const profile = JSON.parse(readFileSync(real.cpuprofile, 'utf8')) as Protocol.Profiler.Profile;
  seeds.set('profile.cpuprofile', readFileSync(real.cpuprofile));
  seeds.set('heap.heapprofile', readFileSync(real.heapprofile));
  seeds.set('node_trace.1.log', readFileSync(real.trace));
  seeds.set('spans.json', readFileSync(otlp.traces));
  seeds.set('profile.pb', Buffer.from(pprofFromCpuProfile(profile, { timestamps: true, startNs: 1_700_000_000_000_000_000n })));
  seeds.set('profile.pb.gz', gzipSync(seeds.get('profile.pb')!));
  seeds.set('heap.heapsnapshot', readFileSync(real.heapsnapshot));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store that already holds a session, so "unchanged" is not trivially "empty". */
async function storeWithOneSession(): Promise<Engine> {
  const { engine } = openTestEngine(cleanups);
  const file = join(dir, 'seed.cpuprofile');
  writeFileSync(file, seeds.get('profile.cpuprofile')!);
  await importForeignFile(engine, file);
  return engine;
}

/** Imports `bytes` as `name`: it must be refused with a message starting with the name, and change nothing. */
async function expectRefused(engine: Engine, name: string, bytes: Buffer | string, message?: RegExp): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const before = await storeState(engine);
  const error = await importForeignFile(engine, file).then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error, `${name} should be refused`).not.toBeNull();
  expect(error!.message.startsWith(`${name}: `)).toBe(true);
  expect(error!.message).not.toMatch(/\n|\bat .*\.ts:\d+/);
  if (message) expect(error!.message).toMatch(message);
  expect(await storeState(engine)).toEqual(before);
  return error!.message;
}

describe('importForeignFile refuses bad files and leaves the store as it was', () => {
  it('refuses an empty file, white space, random bytes, a missing file and a folder', async () => {
    const engine = await storeWithOneSession();
    await expectRefused(engine, 'empty.cpuprofile', '', /the file is empty/);
    await expectRefused(engine, 'blank.json', '  \n\t ', /only white space/);
    const random = Buffer.alloc(4096);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
    await expectRefused(engine, 'random.bin', random, /not a format Parallax imports/);
    await expectRefused(engine, 'elf.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), /starts with bytes 7f 45 4c 46/);
    await expect(importForeignFile(engine, join(dir, 'nowhere.cpuprofile'))).rejects.toThrow('nowhere.cpuprofile: no such file');
    await expect(importForeignFile(engine, dir)).rejects.toThrow(/not a regular file/);
  });

  it('says which format it expected when the name promises one the content is not', async () => {
    const engine = await storeWithOneSession();
    await expectRefused(engine, 'trace.json', '{"something": 1, "else": [1,2]}', /^trace\.json: not a Chrome trace \(expected an array or an object with traceEvents; it is a JSON object with keys "something", "else"\)$/);
    await expectRefused(engine, 'x.cpuprofile', '[1, 2, 3]', /not a V8 CPU profile/);
    await expectRefused(engine, 'x.pb', Buffer.from([0x0f, 0xff, 0xff]), /pprof/);
  });

  for (const name of ['profile.cpuprofile', 'heap.heapprofile', 'node_trace.1.log', 'spans.json', 'profile.pb', 'profile.pb.gz', 'heap.heapsnapshot']) {
    it(`refuses ${name} truncated at any of 40 offsets`, async () => {
      const engine = await storeWithOneSession();
      const bytes = seeds.get(name)!;
      const offsets = new Set<number>();
      for (let k = 1; k <= 36; k++) offsets.add(Math.floor((bytes.length * k) / 37));
      for (const back of [1, 2, 3, 10]) offsets.add(bytes.length - back);
      for (const at of offsets) {
        const cut = bytes.subarray(0, at);
        // A JSON document cut after its last brace but before trailing white space is whole.
        if (cut.toString('latin1').trimEnd() === bytes.toString('latin1').trimEnd()) continue;
        // Protobuf has no end marker: cut at a field boundary after the samples, plain pprof is a
        // whole, smaller message (here the last 10 bytes are the trailing period fields). gzip's
        // trailer catches the same cut in profile.pb.gz.
        if (name === 'profile.pb' && at === bytes.length - 10) continue;
        await expectRefused(engine, name, cut);
      }
    });
  }

  it('refuses wrong types with a message that says where', async () => {
    const engine = await storeWithOneSession();
    const frame = '{"functionName":"f","url":"a.js","lineNumber":1,"columnNumber":1,"scriptId":"1"}';
    await expectRefused(engine, 'a.cpuprofile', '{"nodes":"many","samples":[],"timeDeltas":[]}', /"nodes" is not an array/);
    await expectRefused(engine, 'b.cpuprofile', `{"nodes":[{"id":1,"callFrame":${frame}}],"startTime":0,"samples":["1"],"timeDeltas":[1]}`, /samples\[0\] is not an integer/);
    await expectRefused(engine, 'c.cpuprofile', `{"nodes":[{"id":1,"callFrame":${frame}}],"startTime":0,"samples":[1,1],"timeDeltas":[1]}`, /2 samples but 1 timeDeltas/);
    await expectRefused(engine, 'd.cpuprofile', `{"nodes":[{"id":1,"callFrame":{"functionName":7}}],"startTime":0,"samples":[],"timeDeltas":[]}`, /nodes\[0\] has a callFrame whose functionName or url is not a string/);
    await expectRefused(engine, 'e.cpuprofile', `{"nodes":[{"id":1,"callFrame":${frame}}],"startTime":0,"samples":[5],"timeDeltas":[1]}`, /a sample names node 5, which the profile does not have/);
    await expectRefused(engine, 'f.heapprofile', '{"head":[],"samples":[]}', /head is not an object/);
    await expectRefused(engine, 'g.json', '{"traceEvents":{"a":1}}', /traceEvents is not an array/);
    await expectRefused(engine, 'h.json', '[{"ph":"X","name":"a","cat":"c","ts":"soon"}]', /none of its 1 events could be read/);
    await expectRefused(engine, 'i.json', '{"resourceSpans":5}', /resourceSpans is not an array/);
    await expectRefused(engine, 'j.json', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"no ids"}]}]}]}', /none of its spans, logs or metric points could be read/);
    await expectRefused(engine, 'k.heapsnapshot', '{"snapshot":{"meta":{"node_fields":["type"]}},"nodes":[],"strings":[]}', /node_fields lacks type, name or self_size/);
  });

  it('refuses cycles and nodes with two parents in a call tree', async () => {
    const engine = await storeWithOneSession();
    const node = (id: number, children: number[]): string => `{"id":${id},"callFrame":{"functionName":"f${id}","url":"","lineNumber":0,"columnNumber":0},"children":[${children}]}`;
    await expectRefused(engine, 'a.cpuprofile', `{"nodes":[${node(1, [2])},${node(2, [1])}],"startTime":0,"samples":[1],"timeDeltas":[1]}`, /cycle/);
    await expectRefused(engine, 'b.cpuprofile', `{"nodes":[${node(1, [2])},${node(2, [3])},${node(3, [2])}],"startTime":0,"samples":[3],"timeDeltas":[1]}`, /node 2 has two parents/);
    await expectRefused(engine, 'c.cpuprofile', `{"nodes":[${node(1, [2])},${node(2, [])},${node(2, [])}],"startTime":0,"samples":[2],"timeDeltas":[1]}`, /two nodes with id 2/);
  });

  it('imports a 200,000-deep call tree (parent links are followed without recursion), and refuses JSON nested deeper than the tokenizer allows', async () => {
    const { engine } = openTestEngine(cleanups);
    const depth = 200_000;
    const parts: string[] = [];
    for (let id = 1; id <= depth; id++) parts.push(`{"id":${id},"callFrame":{"functionName":"f","url":"deep.js","lineNumber":${id % 50},"columnNumber":0},"children":[${id < depth ? id + 1 : ''}]}`);
    const file = join(dir, 'deep.cpuprofile');
    writeFileSync(file, `{"nodes":[${parts.join(',')}],"startTime":1,"endTime":3,"samples":[${depth},${depth}],"timeDeltas":[1,1]}`);
    const { sessionId } = await importForeignFile(engine, file);
    const tree = await engine.getFlameTree(sessionId);
    expect(tree.parent.length).toBe(depth);
    await expectRefused(engine, 'nested.heapprofile', `{"head":${'{"children":['.repeat(20_000)}`, /nesting deeper than 10000 levels/);
    await expectRefused(engine, 'nested.json', `{"traceEvents":[${'['.repeat(50_000)}`, /nesting deeper than 10000 levels/);
  });

  it('refuses huge counts before allocating for them', async () => {
    const engine = await storeWithOneSession();
    // One trace event holding three million values: more than one element may hold.
    await expectRefused(engine, 'fat-event.json', `[{"ph":"X","name":"a","cat":"c","ts":1,"args":{"v":[${'0,'.repeat(3_000_000)}0]}}]`, /holds more than 2,000,000 values/);
    await expectRefused(engine, 'count.heapsnapshot', '{"snapshot":{"meta":{"node_fields":["type","name","id","self_size"],"node_types":[["object"]]},"node_count":99999999},"nodes":[0,0,1,8],"strings":["x"]}', /declares 99999999 nodes but holds 1/);
  });

  it('refuses a pprof profile whose sample counts are absurd, or whose tables point nowhere', async () => {
    const engine = await storeWithOneSession();
    const { Profile, Sample, StringTable, ValueType, Location, Line, Function: Fn } = await import('pprof-format');
    const build = (value: number, functionName: number, locationId = 1): Uint8Array => {
      const strings = new StringTable();
      const type = new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') });
      return new Profile({
        sampleType: [type],
        sample: [new Sample({ locationId: [locationId], value: [value] })],
        location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] })],
        function: [new Fn({ id: 1, name: functionName, filename: 0 })],
        stringTable: strings,
      }).encode();
    };
    await expectRefused(engine, 'huge.pb', Buffer.from(build(1e12, 1)), /holds more than 50,000,000 samples/);
    await expectRefused(engine, 'strings.pb', Buffer.from(build(1, 999)), /names string 999, past the end of the string table/);
    await expectRefused(engine, 'locations.pb', Buffer.from(build(1, 1, 7)), /names location 7, which the profile does not have/);
  });

  it('refuses a gzip bomb once it inflates past 200 times its size, without inflating it all', async () => {
    const engine = await storeWithOneSession();
    const file = join(dir, 'bomb.json.gz');
    const gzip = createGzip({ level: 9 });
    const out = gzip.pipe(createWriteStream(file));
    gzip.write('{"traceEvents":[');
    const spaces = Buffer.alloc(1 << 20, 0x20);
    for (let i = 0; i < 400; i++) if (!gzip.write(spaces)) await once(gzip, 'drain');
    gzip.end(']}');
    await once(out, 'close');
    const before = await storeState(engine);
    const started = performance.now();
    await expect(importForeignFile(engine, file)).rejects.toThrow(/^bomb\.json\.gz: it inflates more than 200 times .*decompression bomb$/);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(await storeState(engine)).toEqual(before);
  });

  it('leaves nothing when a large trace fails near its end after many rows were staged', async () => {
    const engine = await storeWithOneSession();
    const events: string[] = [];
    for (let i = 0; i < 60_000; i++) events.push(`{"ph":"X","name":"work","cat":"app","ts":${1000 + i * 10},"dur":5,"pid":1,"tid":1}`);
    const message = await expectRefused(engine, 'late.json', `[${events.join(',')},{"ph":"X",oops}]`, /not valid JSON at byte \d+/);
    expect(Number(/byte (\d+)/.exec(message)![1])).toBeGreaterThan(3_000_000);
  });

  it('removes the copied snapshot when a heap snapshot turns out broken', async () => {
    const engine = await storeWithOneSession();
    const bytes = seeds.get('heap.heapsnapshot')!;
    const broken = Buffer.concat([bytes.subarray(0, bytes.length - 100), Buffer.from('"oops"]}')]);
    await expectRefused(engine, 'broken.heapsnapshot', broken, /not a usable V8 heap snapshot/);
  });
});
