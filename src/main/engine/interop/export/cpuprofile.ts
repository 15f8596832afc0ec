// .cpuprofile out: the V8/DevTools Profiler.Profile shape, one file per thread, streamed in three
// passes over the thread's samples (call tree and hit counts, sample ids, time deltas) so a
// session of any length holds only its call tree. Times are epoch µs; lines stay 0-based as CDP has them.
import { join } from 'node:path';
import type { Store } from '../../store/store';
import { type CallTree, MonotonicClock, frameOf, parentOf, sessionCallTree, threadChunks } from './call-tree';
import { type FileSink, writeFileInPieces } from './file-sink';
import { sessionThreads } from './session-rows';

export interface WrittenFile {
  path: string;
  bytes: number;
  /** What the file holds, for a person: "thread 0 (main): 1234 samples". */
  detail: string;
}

/** Writes `<dir>/<thread id>-<thread name>.cpuprofile` for each thread that has samples. */
export function writeCpuProfiles(store: Store, sessionId: string, dir: string): WrittenFile[] {
  const tree = sessionCallTree(store, sessionId);
  const written: WrittenFile[] = [];
  for (const thread of sessionThreads(store, sessionId)) {
    const used = usedStacks(store, sessionId, thread.id, tree);
    if (used.sampleCount === 0) continue;
    const path = join(dir, `${thread.id}-${fileSafe(thread.name)}.cpuprofile`);
    const bytes = writeFileInPieces(path, (sink) => writeOneProfile(sink, store, sessionId, thread.id, tree, used));
    written.push({ path, bytes, detail: `thread ${thread.id} (${thread.name}): ${used.sampleCount} samples` });
  }
  return written;
}

/** A name made safe for a file: letters, digits, dot, dash and underscore, at most 60 characters. */
export function fileSafe(name: string): string {
  const safe = name.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|_+$/g, '').slice(0, 60);
  return safe || 'thread';
}

interface UsedStacks {
  /** Stack id -> node id (1-based), for stacks that are sampled or are an ancestor of one. */
  nodeOf: Map<number, number>;
  hits: Map<number, number>;
  sampleCount: number;
  startUs: number;
  endUs: number;
}

function usedStacks(store: Store, sessionId: string, threadId: number, tree: CallTree): UsedStacks {
  const hits = new Map<number, number>();
  const clock = new MonotonicClock();
  let sampleCount = 0;
  let startUs = 0;
  let endUs = 0;
  for (const chunk of threadChunks(store, sessionId, threadId)) {
    for (let i = 0; i < chunk.stackIds.length; i++) {
      const stack = knownStack(tree, chunk.stackIds[i]!);
      hits.set(stack, (hits.get(stack) ?? 0) + 1);
      const t = clock.next(chunk.timesUs[i]!);
      if (sampleCount === 0) startUs = t;
      endUs = t;
      sampleCount++;
    }
  }
  const nodeOf = new Map<number, number>([[0, 1]]);
  for (const stack of hits.keys()) {
    // Walk up until a stack already numbered; a cycle (corrupt table) stops at the bound.
    const chain: number[] = [];
    for (let s = stack, guard = 0; s > 0 && !nodeOf.has(s) && guard < 100_000; s = parentOf(tree, s), guard++) chain.push(s);
    for (const s of chain.reverse()) nodeOf.set(s, nodeOf.size + 1);
  }
  return { nodeOf, hits, sampleCount, startUs, endUs };
}

/** A stack id from a sample; ids the table does not have are counted on the root. */
function knownStack(tree: CallTree, stack: number): number {
  return stack > 0 && stack < tree.parent.length ? stack : 0;
}

function writeOneProfile(sink: FileSink, store: Store, sessionId: string, threadId: number, tree: CallTree, used: UsedStacks): void {
  const children = new Map<number, number[]>();
  for (const stack of used.nodeOf.keys()) {
    if (stack === 0) continue;
    const parent = used.nodeOf.has(parentOf(tree, stack)) ? parentOf(tree, stack) : 0;
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push(used.nodeOf.get(stack)!);
  }
  const scriptIds = new Map<string, string>();
  sink.write('{"nodes":[');
  let first = true;
  for (const [stack, id] of used.nodeOf) {
    const frame = frameOf(tree, stack);
    let scriptId = scriptIds.get(frame.url);
    if (scriptId === undefined) scriptIds.set(frame.url, (scriptId = frame.url ? String(scriptIds.size + 1) : '0'));
    const node = {
      id,
      callFrame: { functionName: frame.functionName, scriptId, url: frame.url, lineNumber: frame.lineNumber, columnNumber: frame.columnNumber },
      hitCount: used.hits.get(stack) ?? 0,
      children: children.get(stack) ?? [],
    };
    sink.write(`${first ? '' : ','}${JSON.stringify(node)}`);
    first = false;
  }
  sink.write(`],"startTime":${used.startUs},"endTime":${used.endUs},"samples":[`);
  first = true;
  for (const chunk of threadChunks(store, sessionId, threadId)) {
    const ids = Array.from(chunk.stackIds, (stack) => used.nodeOf.get(knownStack(tree, stack)) ?? 1);
    if (ids.length === 0) continue;
    sink.write(`${first ? '' : ','}${ids.join(',')}`);
    first = false;
  }
  sink.write('],"timeDeltas":[');
  first = true;
  const clock = new MonotonicClock();
  let previous = used.startUs;
  for (const chunk of threadChunks(store, sessionId, threadId)) {
    if (chunk.timesUs.length === 0) continue;
    const deltas = Array.from(chunk.timesUs, (time) => {
      const t = clock.next(time);
      const delta = t - previous;
      previous = t;
      return delta;
    });
    sink.write(`${first ? '' : ','}${deltas.join(',')}`);
    first = false;
  }
  sink.write(']}');
}
