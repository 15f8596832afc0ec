// Pure layout of an icicle flame graph: frame rectangles (x, width, row) for a zoom root and a width.
import type { WeightTree } from './flame-weights';

/** A weighted call tree with child lists and depths, built once per tree. */
export interface FlameIndex {
  tree: WeightTree;
  count: number;
  depth: Int32Array;
  /** Children of node i are childList[childStart[i] .. childStart[i + 1]), heaviest first. */
  childStart: Int32Array;
  childList: Int32Array;
  maxDepth: number;
}

/** Rectangles in CSS pixels, one entry per drawn frame, parents before children. */
export interface FlameLayout {
  count: number;
  node: Int32Array;
  x: Float64Array;
  width: Float64Array;
  row: Int32Array;
  /** Rows the layout spans (ancestors of the zoom root, the zoom root, its descendants). */
  rows: number;
  zoomNode: number;
}

export function indexFlameTree(tree: WeightTree): FlameIndex {
  const count = tree.parent.length;
  const depth = new Int32Array(count);
  const childCount = new Int32Array(count + 1);
  let maxDepth = 0;
  for (let i = 1; i < count; i++) {
    const parent = tree.parent[i] ?? 0;
    depth[i] = (depth[parent] ?? 0) + 1;
    if (depth[i]! > maxDepth) maxDepth = depth[i]!;
    childCount[parent]!++;
  }
  const childStart = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) childStart[i + 1] = childStart[i]! + childCount[i]!;
  const fill = childStart.slice(0, count);
  const childList = new Int32Array(Math.max(0, count - 1));
  for (let i = 1; i < count; i++) childList[fill[tree.parent[i] ?? 0]!++] = i;
  const total = tree.total;
  for (let i = 0; i < count; i++) {
    const from = childStart[i]!;
    const to = childStart[i + 1]!;
    if (to - from > 1) childList.subarray(from, to).sort((a, b) => (total[b] ?? 0) - (total[a] ?? 0) || a - b);
  }
  return { tree, count, depth, childStart, childList, maxDepth };
}

/** Node ids from the root down to node, both included. */
export function ancestorPath(index: FlameIndex, node: number): number[] {
  const path: number[] = [];
  for (let at = node; ; at = index.tree.parent[at] ?? 0) {
    path.push(at);
    if (at === 0) break;
  }
  return path.reverse();
}

/**
 * Lays out the subtree of zoomNode so it fills widthPx; its ancestors sit above it at full width.
 * Frames narrower than minWidthPx are culled with all their descendants.
 */
export function layoutFlame(index: FlameIndex, zoomNode: number, widthPx: number, minWidthPx = 0.5): FlameLayout {
  const zoom = zoomNode >= 0 && zoomNode < index.count ? zoomNode : 0;
  const capacity = Math.max(1, index.count);
  const node = new Int32Array(capacity);
  const x = new Float64Array(capacity);
  const width = new Float64Array(capacity);
  const row = new Int32Array(capacity);
  let count = 0;
  let rows = 0;
  if (index.count === 0 || widthPx <= 0) return { count, node, x, width, row, rows, zoomNode: zoom };

  const path = ancestorPath(index, zoom);
  for (let r = 0; r < path.length; r++) {
    node[count] = path[r]!;
    x[count] = 0;
    width[count] = widthPx;
    row[count] = r;
    count++;
  }
  rows = path.length;
  const zoomTotal = index.tree.total[zoom] ?? 0;
  if (zoomTotal <= 0) return { count, node, x, width, row, rows, zoomNode: zoom };

  const scale = widthPx / zoomTotal;
  const total = index.tree.total;
  // Entries from `count - 1` onwards are parents still to expand; children append behind them.
  for (let cursor = count - 1; cursor < count; cursor++) {
    const parent = node[cursor]!;
    let childX = x[cursor]!;
    const childRow = row[cursor]! + 1;
    for (let k = index.childStart[parent]!; k < index.childStart[parent + 1]!; k++) {
      const child = index.childList[k]!;
      const w = (total[child] ?? 0) * scale;
      if (w >= minWidthPx) {
        node[count] = child;
        x[count] = childX;
        width[count] = w;
        row[count] = childRow;
        count++;
        if (childRow + 1 > rows) rows = childRow + 1;
      }
      childX += w;
    }
  }
  return { count, node, x, width, row, rows, zoomNode: zoom };
}

/** Index into the layout of the frame under (xPx, rowIndex), or -1. */
export function frameAt(layout: FlameLayout, xPx: number, rowIndex: number): number {
  for (let i = 0; i < layout.count; i++) {
    if (layout.row[i] !== rowIndex) continue;
    const left = layout.x[i]!;
    if (xPx >= left && xPx < left + layout.width[i]!) return i;
  }
  return -1;
}

/** Function ids from the root's child down to node: a zoom that survives a reloaded tree. */
export function functionPath(index: FlameIndex, node: number): number[] {
  return ancestorPath(index, node)
    .slice(1)
    .map((at) => index.tree.functionId[at] ?? -1);
}

/** The node reached by following a functionPath from the root, or the deepest one found. */
export function nodeAtFunctionPath(index: FlameIndex, path: readonly number[]): number {
  let at = 0;
  if (index.count === 0) return 0;
  for (const fnId of path) {
    let next = -1;
    for (let k = index.childStart[at]!; k < index.childStart[at + 1]!; k++) {
      const child = index.childList[k]!;
      if (index.tree.functionId[child] === fnId) {
        next = child;
        break;
      }
    }
    if (next === -1) break;
    at = next;
  }
  return at;
}
