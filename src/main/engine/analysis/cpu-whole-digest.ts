// The unscoped flame tree and CPU summary of a whole ended session, kept as digests (see
// SessionDigests) the first time they are answered: a store opened again answers "all of it" by
// reading them instead of summing every chunk's self times and merging tens of thousands of stacks.
import type { FlameTree } from '../../../shared/domain';
import type { Store } from '../store/store';
import type { CpuWindowSummary } from './cpu-profile';

const FLAME = 'cpu-whole-flame';
const SUMMARY = 'cpu-whole-summary';
const VERSION = 1;

type WholeFlame = Omit<FlameTree, 'range'>;

export function keptWholeFlame(store: Store, sessionId: string): WholeFlame | null {
  const basis = store.digests.endBasis(sessionId);
  const digest = basis === null ? null : store.digests.get(sessionId, FLAME, basis);
  if (!digest || digest.columns.length !== 4) return null;
  const meta = digest.meta as { version?: unknown; functions?: unknown; sampleCount?: unknown } | null;
  if (meta?.version !== VERSION || !Array.isArray(meta.functions) || typeof meta.sampleCount !== 'number') return null;
  const [functionId, parent, selfUs, totalUs] = digest.columns;
  if (!(functionId instanceof Int32Array && parent instanceof Int32Array && selfUs instanceof Float64Array && totalUs instanceof Float64Array)) return null;
  const n = functionId.length;
  if (parent.length !== n || selfUs.length !== n || totalUs.length !== n) return null;
  const functionCount = meta.functions.length;
  for (let i = 0; i < n; i++) {
    if (!(functionId[i]! >= -1 && functionId[i]! < functionCount && parent[i]! >= -1 && parent[i]! < i)) return null;
  }
  return {
    functions: meta.functions as FlameTree['functions'],
    functionId: Array.from(functionId),
    parent: Array.from(parent),
    selfUs: Array.from(selfUs),
    totalUs: Array.from(totalUs),
    sampleCount: meta.sampleCount,
  };
}

/** Keeps an ended session's whole flame tree; a recording's is still growing and is not kept. */
export function keepWholeFlame(store: Store, sessionId: string, tree: WholeFlame): void {
  quietly(() => {
    const basis = store.digests.endBasis(sessionId);
    if (basis === null) return;
    store.digests.put(sessionId, FLAME, basis, {
      meta: { version: VERSION, functions: tree.functions, sampleCount: tree.sampleCount },
      columns: [Int32Array.from(tree.functionId), Int32Array.from(tree.parent), Float64Array.from(tree.selfUs), Float64Array.from(tree.totalUs)],
    });
  });
}

interface SummaryMeta {
  version: number;
  limit: number;
  threadIds: number[];
  overall: CpuWindowSummary;
  threads: [number, CpuWindowSummary][];
}

/** The whole session's summaries for these threads and this many top functions, when kept. */
export function keptWholeSummary(store: Store, sessionId: string, limit: number, threadIds: readonly number[]): { overall: CpuWindowSummary; threads: Map<number, CpuWindowSummary> } | null {
  const basis = store.digests.endBasis(sessionId);
  const digest = basis === null ? null : store.digests.get(sessionId, SUMMARY, basis);
  const meta = digest?.meta as SummaryMeta | null | undefined;
  if (!meta || meta.version !== VERSION || meta.limit !== limit || !Array.isArray(meta.threadIds) || !Array.isArray(meta.threads)) return null;
  if (meta.threadIds.length !== threadIds.length || meta.threadIds.some((id, i) => id !== threadIds[i])) return null;
  if (!validSummary(meta.overall) || !meta.threads.every((entry) => Array.isArray(entry) && typeof entry[0] === 'number' && validSummary(entry[1]))) return null;
  return { overall: meta.overall, threads: new Map(meta.threads) };
}

export function keepWholeSummary(store: Store, sessionId: string, limit: number, threadIds: readonly number[], summaries: { overall: CpuWindowSummary; threads: Map<number, CpuWindowSummary> }): void {
  quietly(() => {
    const basis = store.digests.endBasis(sessionId);
    if (basis === null) return;
    const meta: SummaryMeta = { version: VERSION, limit, threadIds: [...threadIds], overall: summaries.overall, threads: [...summaries.threads] };
    store.digests.put(sessionId, SUMMARY, basis, { meta, columns: [] });
  });
}

function validSummary(summary: unknown): summary is CpuWindowSummary {
  const s = summary as CpuWindowSummary | null;
  return typeof s === 'object' && s !== null && typeof s.sampleCount === 'number' && Array.isArray(s.topFunctions);
}

/** A digest is a shortcut only: when it cannot be written (a busy or read-only store), the answer stands. */
function quietly(write: () => void): void {
  try {
    write();
  } catch {
    // The next ask derives it again.
  }
}
