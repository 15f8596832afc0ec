// Pure derived views of one weighted call tree: a function's callers and callees (the sandwich),
// and self time by function (bottom-up). Functions are named by a key that survives a reloaded tree.
import type { WeightTree } from '../../canvas/flame-weights';

type TreeFunction = WeightTree['functions'][number];

/** A function's identity across trees and the summary: name, file and line (the original ones where mapped). */
export function functionKeyOf(fn: Pick<TreeFunction, 'name' | 'url' | 'line'>): string {
  return `${fn.name}\u0000${fn.url}\u0000${fn.line}`;
}

/** Index into tree.functions of the function with this key, or -1. */
export function functionIndexOf(tree: Pick<WeightTree, 'functions'>, key: string): number {
  return tree.functions.findIndex((fn) => functionKeyOf(fn) === key);
}

/** node -> 1 when an ancestor (not the node itself) is `fn`; parents come before children. */
function underFunction(tree: WeightTree, fn: number): Uint8Array {
  const under = new Uint8Array(tree.parent.length);
  for (let i = 1; i < tree.parent.length; i++) {
    const parent = tree.parent[i] ?? 0;
    under[i] = under[parent] === 1 || (parent > 0 && tree.functionId[parent] === fn) ? 1 : 0;
  }
  return under;
}

/** Builds a tree by merging paths of function ids under a root standing for `fn`. */
class TreeBuilder {
  readonly tree: WeightTree;
  private readonly children = new Map<string, number>();

  constructor(source: WeightTree, fn: number) {
    this.tree = { functions: source.functions, functionId: [fn], parent: [-1], self: [0], total: [0], unit: source.unit };
  }

  child(parent: number, fn: number): number {
    const key = `${parent}:${fn}`;
    let at = this.children.get(key);
    if (at === undefined) {
      at = this.tree.parent.length;
      this.children.set(key, at);
      this.tree.parent.push(parent);
      this.tree.functionId.push(fn);
      this.tree.self.push(0);
      this.tree.total.push(0);
    }
    return at;
  }

  add(node: number, self: number, total: number): void {
    this.tree.self[node]! += self;
    this.tree.total[node]! += total;
  }
}

/**
 * What `fn` calls: every outermost call of it (not inside another call of it) merged into one
 * tree whose root is the function. Time inside is counted once, however deep it recurses.
 */
export function calleesTree(source: WeightTree, fn: number): WeightTree {
  const builder = new TreeBuilder(source, fn);
  const under = underFunction(source, fn);
  // Copy of each source node in the new tree; -1 outside the function's calls.
  const copy = new Int32Array(source.parent.length).fill(-1);
  for (let i = 1; i < source.parent.length; i++) {
    const parent = source.parent[i] ?? 0;
    if (source.functionId[i] === fn && under[i] === 0) copy[i] = 0;
    else if (copy[parent]! >= 0) copy[i] = builder.child(copy[parent]!, source.functionId[i] ?? -1);
    else continue;
    builder.add(copy[i]!, source.self[i] ?? 0, 0);
  }
  // Totals from self, bottom-up: a recursive call nested in another is not counted twice.
  return withTotalsFromSelf(builder.tree);
}

/**
 * Who calls `fn`: from the function up through its callers to the program's entry, merged.
 * A node's total is the time spent in `fn` when called along that path.
 */
export function callersTree(source: WeightTree, fn: number): WeightTree {
  const builder = new TreeBuilder(source, fn);
  const under = underFunction(source, fn);
  for (let i = 1; i < source.parent.length; i++) {
    if (source.functionId[i] !== fn || under[i] === 1) continue;
    const weight = source.total[i] ?? 0;
    if (weight <= 0) continue;
    builder.add(0, 0, weight);
    let at = 0;
    for (let up = source.parent[i] ?? 0; up > 0; up = source.parent[up] ?? 0) {
      at = builder.child(at, source.functionId[up] ?? -1);
      builder.add(at, 0, weight);
    }
    // The path ends here: its weight is this caller's own share.
    builder.add(at, at === 0 ? 0 : weight, 0);
  }
  const { tree } = builder;
  // The root's own share is the part called from no one (the function at the top of a stack).
  let childTotal = 0;
  for (let i = 1; i < tree.parent.length; i++) if (tree.parent[i] === 0) childTotal += tree.total[i]!;
  tree.self[0] = Math.max(0, tree.total[0]! - childTotal);
  return tree;
}

function withTotalsFromSelf(tree: WeightTree): WeightTree {
  const total = tree.self.slice();
  for (let i = tree.parent.length - 1; i > 0; i--) total[tree.parent[i]!]! += total[i]!;
  return { ...tree, total };
}

export interface BottomUpRow {
  /** Index into the tree's functions. */
  fn: number;
  self: number;
  /** Time with the function anywhere on the stack, counted once per stack. */
  total: number;
}

/** Functions by self time (then total), the root and functions with no time left out. */
export function bottomUpRows(tree: WeightTree): BottomUpRow[] {
  const count = tree.parent.length;
  const self = new Float64Array(tree.functions.length);
  const total = new Float64Array(tree.functions.length);
  // Depth-first, with how many times each function is on the current path: a node adds its
  // total only when its function is not already above it.
  const childStart = new Int32Array(count + 1);
  for (let i = 1; i < count; i++) childStart[(tree.parent[i] ?? 0) + 1]!++;
  for (let i = 0; i < count; i++) childStart[i + 1]! += childStart[i]!;
  const fill = childStart.slice(0, count);
  const children = new Int32Array(Math.max(0, count - 1));
  for (let i = 1; i < count; i++) children[fill[tree.parent[i] ?? 0]!++] = i;
  const onPath = new Int32Array(tree.functions.length);
  const stack: number[] = [0];
  const leaving = new Uint8Array(count);
  while (stack.length > 0) {
    const node = stack.pop()!;
    const fn = tree.functionId[node] ?? -1;
    if (leaving[node]) {
      if (fn >= 0) onPath[fn]!--;
      continue;
    }
    if (fn >= 0) {
      self[fn]! += tree.self[node] ?? 0;
      if (onPath[fn] === 0) total[fn]! += tree.total[node] ?? 0;
      onPath[fn]!++;
    }
    leaving[node] = 1;
    stack.push(node);
    for (let k = childStart[node]!; k < childStart[node + 1]!; k++) stack.push(children[k]!);
  }
  const rows: BottomUpRow[] = [];
  for (let fn = 0; fn < tree.functions.length; fn++) if (total[fn]! > 0) rows.push({ fn, self: self[fn]!, total: total[fn]! });
  return rows.sort((a, b) => b.self - a.self || b.total - a.total);
}
