// .heapprofile (node --heap-prof, HeapProfiler.stopSampling): a nested allocation tree and its
// samples. Samples are summed per node as they stream; the tree is walked iteratively and each
// node's sampled bytes become one heap sample row on the session's interned stacks.
import { ROOT_STACK_ID } from '../../store/cpu-samples';
import type { HeapSampleRow } from '../../store/heap';
import { MAIN_THREAD_ID } from '../../store/threads';
import { asObject, callFrameOf, isInteger, MAX_PROFILE_NODES } from './call-tree';
import type { ImportSession } from './import-session';
import { type JsonPath, JsonRouter, type JsonValue } from './json-router';
import { formatCount, refuse } from './refusal';

/** The tree is built whole: bounded by values (a node is ~12 values). */
const TREE_MAX_VALUES = 10_000_000;

export async function importHeapProfile(session: ImportSession): Promise<{ intervalUs: number }> {
  let head: JsonValue | undefined;
  let sawSamples = false;
  const bySampleNode = new Map<number, { bytes: number; count: number }>();
  const router = new JsonRouter(
    {
      container(path, kind) {
        if (path.length === 0) {
          if (kind !== 'object') refuse('not a heap profile (expected a JSON object with head and samples; it is an array)');
          return 'walk';
        }
        if (path.length === 1 && path[0] === 'head') return 'build';
        if (path.length === 1 && path[0] === 'samples') {
          if (kind !== 'array') refuse('its "samples" is not an array');
          sawSamples = true;
          return 'walk';
        }
        if (path.length === 2 && path[0] === 'samples') return 'build';
        return 'skip';
      },
      value(path: JsonPath, value: JsonValue) {
        if (path.length === 1 && path[0] === 'head') head = value;
        else if (path.length === 2 && path[0] === 'samples') addSample(bySampleNode, value, path[1] as number);
        else if (path.length === 1 && (path[0] === 'head' || path[0] === 'samples')) refuse(`its "${path[0]}" is not ${path[0] === 'head' ? 'an object' : 'an array'}`);
      },
    },
    { maxBuiltValues: TREE_MAX_VALUES, maxStringBytes: 64 << 10 },
  );
  await session.eachChunk((chunk) => router.write(chunk));
  router.end();
  if (head === undefined) refuse('it has no head node');
  const rows = rowsOfTree(session, head, sawSamples ? bySampleNode : null);
  if (rows.length === 0) refuse('it holds no allocations');
  const capturedUs = session.input.modifiedUs;
  let samples = 0;
  for (const row of rows) samples += row.sampleCount;
  session.writer.enqueue(
    () => {
      for (const row of rows) session.store.heap.insertSampleRow(session.sessionId, row);
    },
    { kind: 'heapSamples', n: samples },
  );
  session.see(capturedUs);
  session.thread(MAIN_THREAD_ID, 'main');
  session.signals.add('heap');
  session.note(
    'import.clock',
    `A sampling heap profile carries no times: its allocations are all placed at the file's modification time (${new Date(capturedUs / 1000).toISOString()}).`,
  );
  if (!sawSamples) session.note('import.heap', 'The profile has no samples list: each node\'s selfSize is stored as one sample.');
  return { intervalUs: 1000 };
}

function addSample(bySampleNode: Map<number, { bytes: number; count: number }>, value: JsonValue, index: number): void {
  const sample = asObject(value);
  if (!sample || !isInteger(sample.nodeId) || typeof sample.size !== 'number' || !(sample.size >= 0) || !Number.isFinite(sample.size)) {
    refuse(`samples[${index}] is not a {size, nodeId} object`);
  }
  const entry = bySampleNode.get(sample.nodeId);
  if (entry) {
    entry.bytes += sample.size;
    entry.count++;
  } else bySampleNode.set(sample.nodeId, { bytes: sample.size, count: 1 });
}

/** Walks the tree breadth-first (no recursion) and gives each node with allocations a row. */
function rowsOfTree(session: ImportSession, head: JsonValue, bySampleNode: Map<number, { bytes: number; count: number }> | null): HeapSampleRow[] {
  const interner = session.writer.interner;
  const rows: HeapSampleRow[] = [];
  const seen = new Set<number>();
  const queue: { node: JsonValue; stackId: number; where: string }[] = [{ node: head, stackId: ROOT_STACK_ID, where: 'head' }];
  for (let at = 0; at < queue.length; at++) {
    const { node: value, stackId, where } = queue[at]!;
    queue[at] = undefined as never; // let the walked part of the tree go
    const node = asObject(value);
    if (!node) refuse(`${where} is not an object`);
    if (!isInteger(node.id)) refuse(`${where} has no integer id`);
    if (seen.has(node.id)) refuse(`it has two nodes with id ${node.id}`);
    seen.add(node.id);
    if (seen.size > MAX_PROFILE_NODES) refuse(`it has more than ${formatCount(MAX_PROFILE_NODES)} nodes`);
    const children = node.children ?? [];
    if (!Array.isArray(children)) refuse(`${where}.children is not an array`);
    const own = bySampleNode ? bySampleNode.get(node.id) : selfSizeOf(node.selfSize, where);
    if (own && own.count > 0) rows.push({ threadId: MAIN_THREAD_ID, capturedUs: session.input.modifiedUs, stackId, selfSizeBytes: own.bytes, sampleCount: own.count });
    children.forEach((child, i) => {
      const childWhere = `${where}.children[${i}]`;
      const frame = callFrameOf(asObject(child)?.callFrame, childWhere);
      queue.push({ node: child, stackId: interner.stackId(stackId, interner.functionId(frame)), where: at < 64 ? childWhere : `node ${String(asObject(child)?.id)}` });
    });
  }
  if (bySampleNode) {
    // V8 writes samples of nodes it has pruned from the tree (seen in node --heap-prof output).
    let orphans = 0;
    for (const [nodeId, { count }] of bySampleNode) if (!seen.has(nodeId)) orphans += count;
    if (orphans > 0) session.skip('heap samples naming a node the tree does not have (V8 prunes such nodes)', orphans);
  }
  return rows;
}

function selfSizeOf(value: JsonValue | undefined, where: string): { bytes: number; count: number } | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) refuse(`${where}.selfSize is not a size`);
  return value > 0 ? { bytes: value, count: 1 } : undefined;
}
