// Pure search over a flame tree: which functions match a query, and how much time they cover.
import type { FlameIndex } from './flame-layout';
import type { WeightTree } from './flame-weights';

/** 1 for each function whose name or url contains the query (case-insensitive); null for no query. */
export function matchFunctions(tree: Pick<WeightTree, 'functions'>, query: string): Uint8Array | null {
  const needle = query.trim().toLowerCase();
  if (!needle) return null;
  const matches = new Uint8Array(tree.functions.length);
  tree.functions.forEach((fn, i) => {
    if (fn.name.toLowerCase().includes(needle) || fn.url.toLowerCase().includes(needle)) matches[i] = 1;
  });
  return matches;
}

export interface SearchStats {
  /** Call-tree nodes whose function matches. */
  nodes: number;
  /** Weight under matching nodes, each sample counted once (nested matches are not added twice). */
  total: number;
}

export function searchStats(index: FlameIndex, matches: Uint8Array): SearchStats {
  const { tree } = index;
  // covered[i]: node i or one of its ancestors matches; parents come first, so one pass suffices.
  const covered = new Uint8Array(index.count);
  let nodes = 0;
  let total = 0;
  for (let i = 0; i < index.count; i++) {
    const hit = matches[tree.functionId[i] ?? -1] === 1;
    const parentCovered = i > 0 && covered[tree.parent[i] ?? 0] === 1;
    if (hit) nodes++;
    if (hit && !parentCovered) total += tree.total[i] ?? 0;
    covered[i] = hit || parentCovered ? 1 : 0;
  }
  return { nodes, total };
}
