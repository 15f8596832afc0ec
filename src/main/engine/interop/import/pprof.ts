// pprof (gzipped or plain protobuf; Go, pyroscope, @datadog/pprof), decoded with pprof-format.
// CPU profiles become samples (at their end_timestamp_ns label when present, else spread evenly
// over the profile's duration, and the session says so); heap profiles become allocation rows.
// pprof lines are 1-based, the store's are 0-based (as the inspector reports them). Span labels
// on CPU samples become spans (pprof-spans.ts).
import { Profile } from 'pprof-format';
import { type CallFrameKey, ROOT_STACK_ID } from '../../store/cpu-samples';
import { MAIN_THREAD_ID } from '../../store/threads';
import type { ImportSession } from './import-session';
import { formatBytes } from './input';
import { checkProtobufFraming } from './protobuf-framing';
import { PprofSpans, type PprofLabel } from './pprof-spans';
import { formatCount, refuse } from './refusal';

/** pprof is read whole (protobuf has no streaming form here); real profiles are a few MB. */
const MAX_PPROF_BYTES = 512 << 20;
const MAX_SAMPLES = 50_000_000;
const CHUNK_SAMPLES = 65_536;
const DEFAULT_PERIOD_NS = 10_000_000;
const TIMESTAMP_LABELS = ['end_timestamp_ns', 'timestamp_ns'];
const TRACE_LABELS = /^(span[ _]?id|trace[ _]?id|local root span id|trace endpoint)$/i;

type Numeric = number | bigint;

export async function importPprof(session: ImportSession): Promise<{ intervalUs: number }> {
  const buffer = await session.input.whole(MAX_PPROF_BYTES, `pprof profiles are decoded whole; ${formatBytes(MAX_PPROF_BYTES)} at most`);
  checkProtobufFraming(buffer, 'pprof profile');
  let profile: Profile;
  try {
    profile = Profile.decode(buffer);
  } catch (error) {
    refuse(`not a pprof profile (protobuf decoding failed: ${error instanceof Error ? error.message : String(error)})`);
  }
  const reader = new PprofReader(session, profile);
  return reader.isHeap ? reader.importHeap() : reader.importCpu();
}

class PprofReader {
  private readonly strings: string[];
  private readonly types: { type: string; unit: string }[];
  private readonly frames = new Map<number, CallFrameKey[]>();
  private readonly stackOfLocations = new Map<string, number>();
  readonly isHeap: boolean;

  constructor(
    private readonly session: ImportSession,
    private readonly profile: Profile,
  ) {
    this.strings = profile.stringTable.strings;
    if (this.strings.length === 0 || this.strings[0] !== '') refuse('not a pprof profile (its string table does not start with the empty string)');
    this.types = profile.sampleType.map((t, i) => ({ type: this.string(t.type, `sample_type ${i}`), unit: this.string(t.unit, `sample_type ${i}`) }));
    if (this.types.length === 0) refuse('not a pprof profile (it has no sample types)');
    this.isHeap = this.types.some((t) => /space|alloc|inuse/.test(t.type) && t.unit === 'bytes');
    this.readLocations();
  }

  importCpu(): { intervalUs: number } {
    const countIndex = this.types.findIndex((t) => t.type === 'samples');
    const timeIndex = this.types.findIndex((t) => t.unit === 'nanoseconds');
    if (countIndex < 0 && timeIndex < 0) refuse(`it has no sample count or CPU time (sample types: ${this.types.map((t) => `${t.type}/${t.unit}`).join(', ')})`);
    const periodNs = this.number(this.profile.period, 'period') || DEFAULT_PERIOD_NS;
    const counts: number[] = [];
    let total = 0;
    let stamped = 0;
    for (const [i, sample] of this.profile.sample.entries()) {
      const value = sample.value[countIndex >= 0 ? countIndex : timeIndex];
      const raw = value === undefined ? 0 : this.number(value, `sample ${i}`);
      const count = countIndex >= 0 ? raw : Math.round(raw / periodNs);
      if (!Number.isSafeInteger(count) || count < 0) refuse(`sample ${i} has a count of ${raw}`);
      counts.push(count);
      total += count;
      if (total > MAX_SAMPLES) refuse(`it holds more than ${formatCount(MAX_SAMPLES)} samples`);
      if (this.timestampOf(sample.label) !== null) stamped++;
    }
    if (total === 0) refuse('it holds no samples');
    const durationUs = this.nanos(this.profile.durationNanos, 'duration') / 1000 || (total * periodNs) / 1000;
    const timeNanos = this.nanos(this.profile.timeNanos, 'time');
    const startUs = timeNanos > 0 ? timeNanos / 1000 : this.session.input.modifiedUs - durationUs;
    const evenly = stamped < this.profile.sample.length;
    this.session.note(
      'import.clock',
      evenly
        ? `pprof samples carry no times: their ${formatCount(total)} samples are spread evenly over the profile's ${(durationUs / 1e6).toFixed(3)} s` +
            (timeNanos > 0 ? ', from its time_nanos.' : `, ending at the file's modification time.`)
        : 'Sample times come from each sample\'s end_timestamp_ns label.',
    );
    const stepUs = durationUs / total;
    const spans = new PprofSpans(this.strings);
    const spanOf = this.profile.sample.map((sample) => spanOfSample(spans, sample.label));
    let timesUs = new Float64Array(Math.min(total, CHUNK_SAMPLES));
    let stackIds = new Int32Array(timesUs.length);
    let n = 0;
    let index = 0;
    for (const i of placementOrder(spanOf, evenly)) {
      const sample = this.profile.sample[i]!;
      const stackId = this.stackOf(sample.locationId, `sample ${i}`);
      const stampUs = evenly ? null : this.timestampOf(sample.label)! / 1000;
      const count = counts[i]!;
      const spanId = spanOf[i];
      if (spanId && count > 0) spans.add(spanId, sample.label, stampUs ?? startUs + (index + 0.5) * stepUs, stampUs ?? startUs + (index + count - 0.5) * stepUs, count);
      for (let k = 0; k < count; k++, index++) {
        timesUs[n] = stampUs ?? startUs + (index + 0.5) * stepUs;
        stackIds[n++] = stackId;
        if (n === timesUs.length) {
          this.emit(timesUs, stackIds);
          timesUs = new Float64Array(Math.min(total - index - 1, CHUNK_SAMPLES) || 1);
          stackIds = new Int32Array(timesUs.length);
          n = 0;
        }
      }
    }
    if (n > 0) this.emit(timesUs.subarray(0, n), stackIds.subarray(0, n));
    spans.store(this.session, !evenly);
    if (spans.unreadable > 0) this.session.skip('pprof span labels whose value is not a span id', spans.unreadable);
    if (spans.size === 0) this.noteLabels();
    this.session.see(startUs);
    this.session.see(startUs + durationUs);
    this.session.thread(MAIN_THREAD_ID, 'main');
    this.session.signals.add('cpu');
    return { intervalUs: evenly ? stepUs : periodNs / 1000 };
  }

  importHeap(): { intervalUs: number } {
    const bytesIndex = Math.max(this.types.findIndex((t) => t.type === 'alloc_space'), this.types.findIndex((t) => t.unit === 'bytes'));
    const byType = (name: string): number => this.types.findIndex((t) => t.type === name);
    const countIndex = byType('alloc_objects') >= 0 ? byType('alloc_objects') : byType('inuse_objects');
    const timeNanos = this.nanos(this.profile.timeNanos, 'time');
    const capturedUs = timeNanos > 0 ? timeNanos / 1000 : this.session.input.modifiedUs;
    const byStack = new Map<number, { bytes: number; count: number }>();
    let samples = 0;
    for (const [i, sample] of this.profile.sample.entries()) {
      const bytes = this.number(sample.value[bytesIndex] ?? 0, `sample ${i}`);
      const count = countIndex >= 0 ? this.number(sample.value[countIndex] ?? 0, `sample ${i}`) : 1;
      if (bytes < 0 || count < 0 || !Number.isSafeInteger(count) || count > MAX_SAMPLES) refuse(`sample ${i} has a size of ${bytes} bytes in ${count} objects`);
      samples += count;
      if (samples > Number.MAX_SAFE_INTEGER / 2) refuse('its object counts are too large');
      const stackId = this.stackOf(sample.locationId, `sample ${i}`);
      const entry = byStack.get(stackId) ?? { bytes: 0, count: 0 };
      entry.bytes += bytes;
      entry.count += count;
      byStack.set(stackId, entry);
    }
    if (byStack.size === 0) refuse('it holds no samples');
    const { store, sessionId } = this.session;
    this.session.writer.enqueue(
      () => {
        for (const [stackId, { bytes, count }] of byStack) {
          store.heap.insertSampleRow(sessionId, { threadId: MAIN_THREAD_ID, capturedUs, stackId, selfSizeBytes: bytes, sampleCount: count });
        }
      },
      { kind: 'heapSamples', n: samples },
    );
    this.session.note('import.clock', `A heap profile is one moment: its allocations are placed at ${timeNanos > 0 ? 'its time_nanos' : "the file's modification time"}.`);
    this.noteLabels();
    this.session.see(capturedUs);
    this.session.thread(MAIN_THREAD_ID, 'main');
    this.session.signals.add('heap');
    return { intervalUs: 1000 };
  }

  private emit(timesUs: Float64Array, stackIds: Int32Array): void {
    this.session.writer.addSamples({ threadId: MAIN_THREAD_ID, timesUs: timesUs.slice(), stackIds: stackIds.slice() });
    this.session.pace();
  }

  /** Frames of each location, caller first (the last line of a location is the caller its other lines were inlined into). */
  private readLocations(): void {
    const functions = new Map<number, { name: string; file: string }>();
    for (const [i, f] of this.profile.function.entries()) {
      const id = this.number(f.id, `function ${i}`);
      if (id === 0 || functions.has(id)) refuse(`function ${i} has ${id === 0 ? 'id 0' : `the duplicate id ${id}`}`);
      functions.set(id, { name: this.string(f.name, `function ${id}`), file: this.string(f.filename, `function ${id}`) });
    }
    for (const [i, location] of this.profile.location.entries()) {
      const id = this.number(location.id, `location ${i}`);
      if (id === 0 || this.frames.has(id)) refuse(`location ${i} has ${id === 0 ? 'id 0' : `the duplicate id ${id}`}`);
      const frames: CallFrameKey[] = [];
      for (let l = location.line.length - 1; l >= 0; l--) {
        const line = location.line[l]!;
        const fn = functions.get(this.number(line.functionId, `location ${id}`));
        if (!fn) refuse(`location ${id} names function ${String(line.functionId)}, which the profile does not have`);
        const lineNumber = this.number(line.line, `location ${id}`);
        const column = this.number(line.column, `location ${id}`);
        frames.push({ functionName: fn.name, url: fn.file, lineNumber: lineNumber > 0 ? lineNumber - 1 : -1, columnNumber: column > 0 ? column - 1 : -1 });
      }
      this.frames.set(id, frames);
    }
  }

  /** Location ids are leaf first; the stack is built from the root. */
  private stackOf(locationIds: Numeric[], where: string): number {
    const key = locationIds.join(',');
    const known = this.stackOfLocations.get(key);
    if (known !== undefined) return known;
    const interner = this.session.writer.interner;
    let stack = ROOT_STACK_ID;
    for (let i = locationIds.length - 1; i >= 0; i--) {
      const frames = this.frames.get(this.number(locationIds[i]!, where));
      if (!frames) refuse(`${where} names location ${String(locationIds[i])}, which the profile does not have`);
      for (const frame of frames) stack = interner.stackId(stack, interner.functionId(frame));
    }
    this.stackOfLocations.set(key, stack);
    return stack;
  }

  private timestampOf(labels: { key: Numeric; num: Numeric }[]): number | null {
    for (const label of labels) {
      const key = this.strings[Number(label.key)];
      if (key !== undefined && TIMESTAMP_LABELS.includes(key)) {
        const ns = Number(label.num);
        if (Number.isFinite(ns) && ns > 0) return ns;
      }
    }
    return null;
  }

  private noteLabels(): void {
    const keys = new Set<string>();
    for (const sample of this.profile.sample) for (const label of sample.label) keys.add(this.strings[Number(label.key)] ?? '');
    const traceKeys = [...keys].filter((k) => TRACE_LABELS.test(k));
    if (traceKeys.length > 0) {
      this.session.note(
        'import.pprof.labels',
        `Samples carry ${traceKeys.join(', ')} labels; the store keeps no labels per sample, so samples are tied to spans by thread and time only.`,
      );
    }
  }

  private string(index: Numeric, where: string): string {
    const i = Number(index);
    const value = Number.isSafeInteger(i) && i >= 0 ? this.strings[i] : undefined;
    if (value === undefined) refuse(`${where} names string ${String(index)}, past the end of the string table (${formatCount(this.strings.length)} strings)`);
    return value;
  }

  /** A time in ns since the epoch (beyond 2^53: read to the nearest few hundred ns, well under a µs). */
  private nanos(value: Numeric, where: string): number {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > 2 ** 63) refuse(`its ${where} is not a time (${String(value)})`);
    return n;
  }

  private number(value: Numeric, where: string): number {
    const n = Number(value);
    if (!Number.isFinite(n) || n > Number.MAX_SAFE_INTEGER) refuse(`${where} has a number too large to read (${String(value)})`);
    return n;
  }
}

function spanOfSample(spans: PprofSpans, labels: readonly PprofLabel[]): string | null {
  return labels.length > 0 ? spans.spanOf(labels) : null;
}

/**
 * The order samples are placed in: as written, or, when their times are spread evenly, each
 * span's samples together (in the order spans first appear), so a span's stretch holds only them.
 */
function placementOrder(spanOf: readonly (string | null)[], evenly: boolean): number[] {
  const order = spanOf.map((_, i) => i);
  if (!evenly || spanOf.every((id) => id === null)) return order;
  const rank = new Map<string | null, number>();
  for (const id of spanOf) if (!rank.has(id)) rank.set(id, rank.size);
  return order.sort((a, b) => rank.get(spanOf[a] ?? null)! - rank.get(spanOf[b] ?? null)! || a - b);
}
