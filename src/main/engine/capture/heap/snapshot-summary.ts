// Summarises a .heapsnapshot file by constructor (count and self size) in one streaming pass:
// memory grows with the number of distinct constructor names, never with the file or node count.
import { createReadStream } from 'node:fs';
import type { SnapshotClass } from '../../../../shared/domain';
import { ParallaxError, messageOf } from '../../../../shared/errors';
import { type JsonScanHandler, JsonScanError, JsonScanner } from './json-scanner';

export interface HeapSnapshotSummary {
  /** Largest self size first. */
  classes: SnapshotClass[];
  nodeCount: number;
  totalSelfSizeBytes: number;
}

const READ_CHUNK_BYTES = 1 << 20;
/** snapshot.meta and its siblings are a few KB; anything far bigger is not a V8 snapshot. */
const MAX_HEADER_VALUES = 100_000;
/** V8 caps names in snapshots at 1024 characters. */
const MAX_NAME_BYTES = 4096;

/** Node types that group under their constructor's name; every other type groups under "(type)", as DevTools does. */
const NAMED_TYPES = new Set(['object', 'native']);
const GROUP_OF_TYPE: Record<string, string> = { hidden: '(system)', code: '(compiled code)' };

/** Reads `file` in chunks and summarises it; throws ParallaxError('bad-request') on anything that is not a whole V8 heap snapshot. */
export async function summariseHeapSnapshotFile(file: string): Promise<HeapSnapshotSummary> {
  const summariser = new HeapSnapshotSummariser();
  const stream = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  try {
    for await (const chunk of stream) summariser.write(chunk as Buffer);
  } catch (error) {
    if (error instanceof ParallaxError) throw error;
    throw new ParallaxError('bad-request', `Could not read the heap snapshot ${file}: ${messageOf(error)}`);
  } finally {
    stream.destroy();
  }
  return summariser.end();
}

type HeaderValue = string | number | boolean | null | HeaderValue[] | { [key: string]: HeaderValue };

interface NodeLayout {
  fieldCount: number;
  typeField: number;
  nameField: number;
  sizeField: number;
  typeNames: string[];
  declaredNodeCount: number | null;
}

/** The push form of summariseHeapSnapshotFile: write() chunks of any size, then end(). */
export class HeapSnapshotSummariser implements JsonScanHandler {
  private readonly scanner = new JsonScanner(this, MAX_NAME_BYTES);
  private topKey: string | null = null;
  private section: 'header' | 'nodes' | 'strings' | 'skip' | null = null;
  // The "snapshot" header, built as plain values (small, capped).
  private header: HeaderValue | undefined;
  private readonly building: { value: HeaderValue; key: string | null }[] = [];
  private headerValues = 0;
  private layout: NodeLayout | null = null;
  // Nodes: the fields of the node being read, then totals per name index (named types) or group.
  private field = 0;
  private nodeType = 0;
  private nodeName = 0;
  private nodeSize = 0;
  private nodeCount = 0;
  private nodesDone = false;
  private readonly byNameIndex = new Map<number, { count: number; sizeBytes: number }>();
  private readonly byGroup = new Map<string, { count: number; sizeBytes: number }>();
  // Strings: only those that name a constructor are kept.
  private stringIndex = 0;
  private readonly names = new Map<number, string>();
  private stringsDone = false;

  write(chunk: Buffer): void {
    try {
      this.scanner.write(chunk);
    } catch (error) {
      throw asSnapshotError(error);
    }
  }

  end(): HeapSnapshotSummary {
    try {
      this.scanner.end();
    } catch (error) {
      throw asSnapshotError(error);
    }
    if (!this.layout) refuse('it has no snapshot.meta');
    if (!this.nodesDone) refuse('it has no nodes array');
    if (!this.stringsDone) refuse('it has no strings array');
    return this.summary();
  }

  // JsonScanHandler ------------------------------------------------------------------------
  open(kind: 'object' | 'array'): void {
    const depth = this.scanner.depth; // already includes the container just opened
    if (depth === 1) {
      if (kind !== 'object') refuse('it is a JSON array, not an object');
      return;
    }
    if (depth === 2) this.startSection(kind);
    if (this.section === 'header') this.addHeaderValue(kind === 'object' ? {} : [], true);
    else if ((this.section === 'nodes' || this.section === 'strings') && depth > 2) refuse(`its ${this.topKey} array holds nested values`);
  }

  close(): void {
    const depth = this.scanner.depth;
    if (this.section === 'header') {
      this.building.pop();
      if (depth === 1) this.endSection();
    } else if (depth === 1) this.endSection();
  }

  key(name: string): void {
    if (this.scanner.depth === 1) this.topKey = name;
    else if (this.section === 'header') this.building[this.building.length - 1]!.key = name;
  }

  wantsString(): boolean {
    if (this.section === 'header') return true;
    return this.section === 'strings' && this.scanner.depth === 2 && this.byNameIndex.has(this.stringIndex);
  }

  string(value: string): void {
    if (this.section === 'header') this.addHeaderValue(value, false);
    else if (this.section === 'strings') this.names.set(this.stringIndex++, value);
    else this.scalarOutsideSections();
  }

  skippedString(): void {
    if (this.section === 'strings') this.stringIndex++;
    else if (this.section === 'nodes') refuse('its nodes array holds strings');
    else this.scalarOutsideSections();
  }

  number(value: number): void {
    if (this.section === 'skip') return; // edges: most of the file
    if (this.section === 'nodes') this.nodeField(value);
    else if (this.section === 'header') this.addHeaderValue(value, false);
    else if (this.section === 'strings') refuse('its strings array holds numbers');
    else this.scalarOutsideSections();
  }

  literal(value: boolean | null): void {
    if (this.section === 'header') this.addHeaderValue(value, false);
    else if (this.section === 'nodes' || this.section === 'strings') refuse(`its ${this.topKey} array holds ${String(value)}`);
    else this.scalarOutsideSections();
  }

  // Sections -------------------------------------------------------------------------------
  private startSection(kind: 'object' | 'array'): void {
    const seen = { snapshot: this.header !== undefined, nodes: this.nodesDone, strings: this.stringsDone };
    if (this.topKey !== null && Object.hasOwn(seen, this.topKey) && seen[this.topKey as keyof typeof seen]) {
      refuse(`it has two "${this.topKey}" entries`);
    }
    if (this.topKey === 'snapshot') {
      if (kind !== 'object') refuse('its "snapshot" is not an object');
      this.section = 'header';
    } else if (this.topKey === 'nodes') {
      if (kind !== 'array') refuse('its "nodes" is not an array');
      // V8 writes snapshot, nodes, edges, ..., strings in this order, and DevTools relies on it too.
      if (!this.layout) refuse('"nodes" comes before snapshot.meta');
      this.section = 'nodes';
    } else if (this.topKey === 'strings') {
      if (kind !== 'array') refuse('its "strings" is not an array');
      if (!this.nodesDone) refuse('"strings" comes before "nodes"');
      this.section = 'strings';
    } else this.section = 'skip';
  }

  private endSection(): void {
    if (this.section === 'header') this.layout = layoutOf(this.header);
    else if (this.section === 'nodes') {
      if (this.field !== 0) refuse('its nodes array ends in the middle of a node');
      const declared = this.layout!.declaredNodeCount;
      if (declared !== null && declared !== this.nodeCount) refuse(`it declares ${declared} nodes but holds ${this.nodeCount}`);
      this.nodesDone = true;
    } else if (this.section === 'strings') this.stringsDone = true;
    this.section = null;
  }

  private scalarOutsideSections(): void {
    if (this.scanner.depth <= 1 && this.topKey !== null && ['snapshot', 'nodes', 'strings'].includes(this.topKey)) {
      refuse(`its "${this.topKey}" is not ${this.topKey === 'snapshot' ? 'an object' : 'an array'}`);
    }
  }

  private addHeaderValue(value: HeaderValue, isContainer: boolean): void {
    if (++this.headerValues > MAX_HEADER_VALUES) refuse(`its "snapshot" header holds more than ${MAX_HEADER_VALUES} values`);
    const parent = this.building[this.building.length - 1];
    if (!parent) this.header = value;
    else if (Array.isArray(parent.value)) parent.value.push(value);
    else if (parent.value !== null && typeof parent.value === 'object' && parent.key !== null) {
      // Object.defineProperty: a key such as "__proto__" must stay plain data.
      Object.defineProperty(parent.value, parent.key, { value, enumerable: true, writable: true, configurable: true });
    }
    if (isContainer) this.building.push({ value, key: null });
  }

  // Nodes ----------------------------------------------------------------------------------
  private nodeField(value: number): void {
    const layout = this.layout!;
    const field = this.field;
    if (field === layout.typeField) this.nodeType = value;
    else if (field === layout.nameField) this.nodeName = value;
    else if (field === layout.sizeField) this.nodeSize = value;
    if (field + 1 < layout.fieldCount) {
      this.field = field + 1;
      return;
    }
    this.field = 0;
    this.addNode(layout);
  }

  private addNode(layout: NodeLayout): void {
    const index = this.nodeCount++;
    const { nodeType: type, nodeName: name, nodeSize: size } = this;
    if (!Number.isSafeInteger(size) || size < 0) refuse(`node ${index} has a self size of ${size}`);
    const typeName = Number.isInteger(type) ? layout.typeNames[type] : undefined;
    if (typeName === undefined) refuse(`node ${index} has type ${type}, which snapshot.meta does not list`);
    if (NAMED_TYPES.has(typeName)) {
      if (!Number.isSafeInteger(name) || name < 0) refuse(`node ${index} has name index ${name}`);
      add(this.byNameIndex, name, size);
    } else add(this.byGroup, GROUP_OF_TYPE[typeName] ?? `(${typeName})`, size);
  }

  private summary(): HeapSnapshotSummary {
    const totals = new Map(this.byGroup);
    for (const [nameIndex, entry] of this.byNameIndex) {
      const name = this.names.get(nameIndex);
      if (name === undefined) refuse(`a node is named by string ${nameIndex}, but the snapshot has ${this.stringIndex} strings`);
      const merged = totals.get(name);
      if (merged) {
        merged.count += entry.count;
        merged.sizeBytes += entry.sizeBytes;
      } else totals.set(name, { ...entry });
    }
    let totalSelfSizeBytes = 0;
    const classes: SnapshotClass[] = [];
    for (const [name, { count, sizeBytes }] of totals) {
      classes.push({ name, count, selfSizeBytes: sizeBytes });
      totalSelfSizeBytes += sizeBytes;
    }
    classes.sort((a, b) => b.selfSizeBytes - a.selfSizeBytes || b.count - a.count || a.name.localeCompare(b.name));
    return { classes, nodeCount: this.nodeCount, totalSelfSizeBytes };
  }
}

function add<K>(totals: Map<K, { count: number; sizeBytes: number }>, key: K, sizeBytes: number): void {
  const entry = totals.get(key);
  if (entry) {
    entry.count++;
    entry.sizeBytes += sizeBytes;
  } else totals.set(key, { count: 1, sizeBytes });
}

/** Where the type, name and self size sit in each node, read from snapshot.meta (field order varies by V8 version). */
function layoutOf(header: HeaderValue | undefined): NodeLayout {
  const snapshot = asRecord(header);
  const meta = asRecord(snapshot?.meta);
  if (!meta) refuse('it has no snapshot.meta');
  const fields = meta.node_fields;
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => typeof f === 'string')) {
    refuse('snapshot.meta.node_fields is not a list of names');
  }
  const names = fields as string[];
  const positions = ['type', 'name', 'self_size'].map((f) => names.indexOf(f));
  if (positions.some((p) => p < 0)) refuse('snapshot.meta.node_fields lacks type, name or self_size');
  const types = Array.isArray(meta.node_types) ? meta.node_types[positions[0]!] : undefined;
  if (!Array.isArray(types) || !types.every((t) => typeof t === 'string')) refuse('snapshot.meta.node_types does not list the node types');
  const declared = snapshot?.node_count;
  if (declared !== undefined && (typeof declared !== 'number' || !Number.isSafeInteger(declared) || declared < 0)) {
    refuse('snapshot.node_count is not a count');
  }
  return {
    fieldCount: names.length,
    typeField: positions[0]!,
    nameField: positions[1]!,
    sizeField: positions[2]!,
    typeNames: types as string[],
    declaredNodeCount: typeof declared === 'number' ? declared : null,
  };
}

function asRecord(value: HeaderValue | undefined): { [key: string]: HeaderValue } | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
}

function refuse(why: string): never {
  throw new ParallaxError('bad-request', `This is not a usable V8 heap snapshot: ${why}`);
}

function asSnapshotError(error: unknown): unknown {
  if (error instanceof JsonScanError) return new ParallaxError('bad-request', `This is not a usable V8 heap snapshot: ${error.message}`);
  return error;
}
