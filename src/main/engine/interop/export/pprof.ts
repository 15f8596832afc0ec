// pprof out (gzipped profile.proto, encoded by the pprof-format package), for Pyroscope and
// `go tool pprof`. CPU: sample types samples/count and cpu/nanoseconds (each sample weighs the
// session's sampling interval), with labels span_id, trace_id and span_name on samples that fall in
// a span (span-attribution.ts) and thread on all. Heap: alloc_objects/count and alloc_space/bytes
// from the sampling heap profiles. Samples are summed per (stack, span, thread), so memory follows
// the number of distinct stacks, not of samples. Lines are 1-based here (CDP's are 0-based).
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Function as PprofFunction, Label, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { Redactor } from '../../bundle/redaction';
import type { Store } from '../../store/store';
import { type CallTree, frameOf, parentOf, sessionCallTree, threadChunks } from './call-tree';
import type { WrittenFile } from './cpuprofile';
import { writeFileInPieces } from './file-sink';
import { sessionThreads } from './session-rows';
import { type SpanRef, SpanSweep, spansByThread } from './span-attribution';

export interface PprofProfile {
  /** gzipped profile.proto bytes. */
  bytes: Uint8Array;
  sampleCount: number;
  fromUs: number;
  toUs: number;
}

/** Writes `<dir>/cpu.pb.gz`, and `<dir>/heap.pb.gz` when the session has heap samples. */
export function writePprofProfiles(store: Store, sessionId: string, dir: string, redactor: Redactor | null = null): WrittenFile[] {
  const written: WrittenFile[] = [];
  const profiles: [string, string, PprofProfile | null][] = [
    ['cpu.pb.gz', 'CPU samples', cpuPprof(store, sessionId, redactor)],
    ['heap.pb.gz', 'heap allocation samples', heapPprof(store, sessionId)],
  ];
  for (const [name, what, profile] of profiles) {
    if (!profile) continue;
    const path = join(dir, name);
    const bytes = writeFileInPieces(path, (sink) => sink.writeBytes(profile.bytes));
    written.push({ path, bytes, detail: `${profile.sampleCount} ${what}` });
  }
  return written;
}

/** Builds functions and locations (one per function: V8 frames carry the function's line) as stacks are used. */
class PprofBuilder {
  readonly strings = new StringTable();
  readonly functions: PprofFunction[] = [];
  readonly locations: Location[] = [];
  readonly samples: Sample[] = [];
  private readonly locationOfFunction = new Map<string, number>();
  private readonly stackLocations = new Map<number, number[]>();

  constructor(private readonly tree: CallTree) {}

  /** Location ids of a stack, leaf first (pprof's order). */
  locationsOf(stack: number): number[] {
    let ids = this.stackLocations.get(stack);
    if (ids) return ids;
    ids = [];
    for (let s = stack, guard = 0; guard < 100_000; guard++) {
      ids.push(this.locationOf(s));
      if (s <= 0) break;
      s = parentOf(this.tree, s);
      if (s === 0) break;
    }
    this.stackLocations.set(stack, ids);
    return ids;
  }

  label(key: string, value: string): Label {
    return new Label({ key: this.strings.dedup(key), str: this.strings.dedup(value) });
  }

  valueType(type: string, unit: string): ValueType {
    return new ValueType({ type: this.strings.dedup(type), unit: this.strings.dedup(unit) });
  }

  private locationOf(stack: number): number {
    const frame = frameOf(this.tree, stack);
    const key = `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber}`;
    let id = this.locationOfFunction.get(key);
    if (id !== undefined) return id;
    id = this.locations.length + 1;
    const line = Math.max(frame.lineNumber + 1, 0);
    this.functions.push(
      new PprofFunction({
        id,
        name: this.strings.dedup(frame.functionName || '(anonymous)'),
        systemName: this.strings.dedup(frame.functionName || '(anonymous)'),
        filename: this.strings.dedup(frame.url),
        startLine: line,
      }),
    );
    this.locations.push(new Location({ id, line: [new Line({ functionId: id, line, column: Math.max(frame.columnNumber + 1, 0) })] }));
    this.locationOfFunction.set(key, id);
    return id;
  }
}

/** The session's CPU samples as one pprof profile, span names redacted when a redactor is given; null when it has none. */
export function cpuPprof(store: Store, sessionId: string, redactor: Redactor | null = null): PprofProfile | null {
  const session = store.sessions.get(sessionId);
  const tree = sessionCallTree(store, sessionId);
  const builder = new PprofBuilder(tree);
  const spans = spansByThread(store, sessionId, redactor);
  const periodNs = session.intervalUs * 1000;
  let sampleCount = 0;
  let fromUs = Infinity;
  let toUs = -Infinity;
  for (const thread of sessionThreads(store, sessionId)) {
    const sweep = new SpanSweep(spans.get(thread.id) ?? []);
    const counts = new Map<string, { stack: number; span: SpanRef | null; n: number }>();
    for (const chunk of threadChunks(store, sessionId, thread.id)) {
      for (let i = 0; i < chunk.stackIds.length; i++) {
        const t = chunk.timesUs[i]!;
        const stack = chunk.stackIds[i]!;
        const span = sweep.at(t);
        const key = `${stack}:${span?.spanId ?? ''}`;
        const entry = counts.get(key);
        if (entry) entry.n++;
        else counts.set(key, { stack, span, n: 1 });
        if (t < fromUs) fromUs = t;
        if (t > toUs) toUs = t;
        sampleCount++;
      }
    }
    const threadLabel = builder.label('thread', thread.name);
    for (const { stack, span, n } of counts.values()) {
      const label = [threadLabel];
      if (span) label.push(builder.label('span_id', span.spanId), builder.label('trace_id', span.traceId), builder.label('span_name', span.name));
      builder.samples.push(new Sample({ locationId: builder.locationsOf(stack), value: [n, n * periodNs], label }));
    }
  }
  if (sampleCount === 0) return null;
  const profile = new Profile({
    sampleType: [builder.valueType('samples', 'count'), builder.valueType('cpu', 'nanoseconds')],
    periodType: builder.valueType('cpu', 'nanoseconds'),
    period: periodNs,
    defaultSampleType: builder.strings.dedup('cpu'),
    timeNanos: BigInt(Math.round(fromUs)) * 1000n,
    durationNanos: BigInt(Math.max(Math.round(toUs - fromUs), 0)) * 1000n,
  });
  return finish(profile, builder, sampleCount, fromUs, toUs);
}

/** The session's sampling heap profiles as one pprof profile; null when it has none. */
export function heapPprof(store: Store, sessionId: string): PprofProfile | null {
  const tree = sessionCallTree(store, sessionId);
  const builder = new PprofBuilder(tree);
  const rows = store.db
    .prepare(
      `SELECT stack_id, SUM(self_size_bytes) AS bytes, SUM(sample_count) AS n, MIN(captured_us) AS fromUs, MAX(captured_us) AS toUs
       FROM heap_samples WHERE session_id = ? GROUP BY stack_id`,
    )
    .all(sessionId) as { stack_id: number; bytes: number; n: number; fromUs: number; toUs: number }[];
  if (rows.length === 0) return null;
  let sampleCount = 0;
  let fromUs = Infinity;
  let toUs = -Infinity;
  for (const row of rows) {
    builder.samples.push(new Sample({ locationId: builder.locationsOf(row.stack_id), value: [row.n, row.bytes] }));
    sampleCount += row.n;
    fromUs = Math.min(fromUs, row.fromUs);
    toUs = Math.max(toUs, row.toUs);
  }
  const profile = new Profile({
    sampleType: [builder.valueType('alloc_objects', 'count'), builder.valueType('alloc_space', 'bytes')],
    periodType: builder.valueType('space', 'bytes'),
    defaultSampleType: builder.strings.dedup('alloc_space'),
    timeNanos: BigInt(Math.round(fromUs)) * 1000n,
    durationNanos: BigInt(Math.max(Math.round(toUs - fromUs), 0)) * 1000n,
  });
  return finish(profile, builder, sampleCount, fromUs, toUs);
}

function finish(profile: Profile, builder: PprofBuilder, sampleCount: number, fromUs: number, toUs: number): PprofProfile {
  profile.sample = builder.samples;
  profile.location = builder.locations;
  profile.function = builder.functions;
  profile.stringTable = builder.strings;
  return { bytes: gzipSync(profile.encode()), sampleCount, fromUs, toUs };
}
