// .cpuprofile (node --cpu-prof, DevTools, Profiler.stop): nodes with children, then samples and
// timeDeltas, streamed: nodes become interned stacks, samples are stored in chunks as soon as
// both their node id and their time delta have been read.
import { MAIN_THREAD_ID } from '../../store/threads';
import { CallTree, asObject, callFrameOf, isInteger } from './call-tree';
import type { ImportSession } from './import-session';
import { type JsonPath, JsonRouter, type JsonValue, type NumberSink } from './json-router';
import { refuse } from './refusal';
import { NumberColumn } from './sample-columns';
import { epochNote } from './time-base';

const CHUNK_SAMPLES = 65_536;
const NODE_MAX_VALUES = 1_000_000;

export async function importCpuProfile(session: ImportSession): Promise<{ intervalUs: number }> {
  const reader = new CpuProfileReader(session);
  const router = new JsonRouter(reader, { maxBuiltValues: NODE_MAX_VALUES, maxStringBytes: 64 << 10 });
  try {
    await session.eachChunk((chunk) => {
      router.write(chunk);
      reader.emitReady(false);
    });
    router.end();
    return reader.finish();
  } finally {
    reader.dispose();
  }
}

class CpuProfileReader {
  private readonly tree: CallTree;
  private readonly samples = new NumberColumn('samples', 'int32');
  private readonly deltas = new NumberColumn('timeDeltas');
  private startTime: number | null = null;
  private endTime: number | null = null;
  private nodesDone = false;
  private seen = new Set<string>();
  private offsetUs: number | null = null;
  private monoUs = 0;
  private firstMonoUs = 0;
  private emitted = 0;

  constructor(private readonly session: ImportSession) {
    this.tree = new CallTree(session.writer.interner);
  }

  container(path: JsonPath, kind: 'object' | 'array'): 'walk' | 'build' | 'skip' {
    if (path.length === 0) {
      if (kind !== 'object') refuse('not a CPU profile (expected a JSON object with nodes, samples and timeDeltas; it is an array)');
      return 'walk';
    }
    const [top] = path;
    if (path.length === 1) {
      if (top === 'nodes' || top === 'samples' || top === 'timeDeltas') {
        if (kind !== 'array') refuse(`its "${top}" is not an array`);
        if (this.seen.has(top)) refuse(`it has two "${top}" entries`);
        this.seen.add(top);
        return 'walk';
      }
      return 'skip';
    }
    if (path.length === 2 && top === 'nodes') {
      if (kind !== 'object') refuse(`nodes[${path[1]}] is not an object`);
      return 'build';
    }
    refuse(`its "${top}" holds nested values`);
  }

  value(path: JsonPath, value: JsonValue): void {
    const [top, index] = path;
    if (path.length === 2) {
      if (top === 'nodes') this.addNode(value, index as number);
      else if (!isInteger(value)) refuse(`${String(top)}[${index}] is not an integer`);
      else if (top === 'samples') this.samples.push(value);
      else this.deltas.push(value);
      return;
    }
    if (path.length === 1 && (top === 'startTime' || top === 'endTime')) {
      if (typeof value !== 'number' || !Number.isFinite(value)) refuse(`its ${top} is not a number`);
      if (top === 'startTime') this.startTime = value;
      else this.endTime = value;
    } else if (path.length === 1 && (top === 'nodes' || top === 'samples' || top === 'timeDeltas')) {
      refuse(`its "${top}" is not an array`);
    }
  }

  /** samples and timeDeltas are taken number by number, without a path each. */
  numbers(path: JsonPath): NumberSink | null {
    if (path.length !== 1) return null;
    const [top] = path;
    const column = top === 'samples' ? this.samples : top === 'timeDeltas' ? this.deltas : null;
    if (!column) return null;
    return (value, index) => {
      if (!Number.isSafeInteger(value)) refuse(`${String(top)}[${index}] is not an integer`);
      column.push(value);
    };
  }

  closed(path: JsonPath): void {
    if (path.length === 1 && path[0] === 'nodes') this.nodesDone = true;
  }

  private addNode(value: JsonValue, index: number): void {
    const where = `nodes[${index}]`;
    const node = asObject(value);
    if (!node) refuse(`${where} is not an object`);
    if (!isInteger(node.id)) refuse(`${where} has no integer id`);
    this.tree.addNode(node.id, callFrameOf(node.callFrame, where));
    const children = node.children ?? [];
    if (!Array.isArray(children)) refuse(`${where}.children is not an array`);
    for (const child of children) {
      if (!isInteger(child)) refuse(`${where}.children holds a value that is not a node id`);
      this.tree.link(node.id, child);
    }
    // The chunked form (trace ProfileChunk) names the parent instead.
    if (node.parent !== undefined) {
      if (!isInteger(node.parent)) refuse(`${where}.parent is not a node id`);
      this.tree.link(node.parent, node.id);
    }
  }

  /** Stores every sample whose node, time and the whole node tree are known. */
  emitReady(all: boolean): void {
    if (!this.nodesDone || this.startTime === null) return;
    if (this.offsetUs === null) {
      const { offsetUs, note } = epochNote(this.session.input, this.startTime, this.endTime, 'profile');
      this.offsetUs = offsetUs;
      this.session.note('import.clock', note);
      this.monoUs = this.startTime;
      this.firstMonoUs = this.startTime;
    }
    for (;;) {
      const ready = Math.min(this.samples.available, this.deltas.available);
      if (ready === 0 || (!all && ready < CHUNK_SAMPLES)) return;
      const n = Math.min(ready, CHUNK_SAMPLES);
      const nodes = this.samples.take(n);
      const deltas = this.deltas.take(n);
      const timesUs = new Float64Array(n);
      const stackIds = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        this.monoUs += deltas[i]!;
        timesUs[i] = this.monoUs + this.offsetUs;
        stackIds[i] = this.tree.stackId(nodes[i]!);
      }
      this.emitted += n;
      this.session.see(timesUs[0]!);
      this.session.see(timesUs[n - 1]!);
      this.session.writer.addSamples({ threadId: MAIN_THREAD_ID, timesUs, stackIds });
      this.session.pace();
    }
  }

  dispose(): void {
    this.samples.dispose();
    this.deltas.dispose();
  }

  finish(): { intervalUs: number } {
    if (!this.seen.has('nodes')) refuse('it has no nodes array');
    if (this.tree.size === 0) refuse('its nodes array is empty');
    if (this.startTime === null) refuse('it has no startTime');
    if (this.samples.total !== this.deltas.total) {
      refuse(`it has ${this.samples.total} samples but ${this.deltas.total} timeDeltas (they must pair up)`);
    }
    this.emitReady(true);
    this.session.thread(MAIN_THREAD_ID, 'main');
    this.session.signals.add('cpu');
    this.session.see(this.firstMonoUs + this.offsetUs!);
    if (this.endTime !== null && this.endTime >= this.firstMonoUs) this.session.see(this.endTime + this.offsetUs!);
    const spanUs = Math.max(this.monoUs, this.endTime ?? 0) - this.firstMonoUs;
    return { intervalUs: this.emitted > 0 ? spanUs / this.emitted : 1000 };
  }
}
