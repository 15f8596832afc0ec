import { describe, expect, it } from 'vitest';
import type { FlameTree } from '../../../src/shared/domain';
import { ancestorPath, frameAt, indexFlameTree, layoutFlame } from '../../../src/renderer/canvas/flame-layout';
import { matchFunctions, searchStats } from '../../../src/renderer/canvas/flame-search';
import { allocationWeights, cpuWeights, formatWeight } from '../../../src/renderer/canvas/flame-weights';

// root(100) -> main(80) -> [work(60) -> parse(10), idle(15)]; root -> gc(20)
function sampleTree(): FlameTree {
  const fn = (name: string, url = '') => ({ name, url, line: 1, column: 0, kind: 'app' as const });
  return {
    functions: [fn('(root)'), fn('main', 'file:///app.js'), fn('work', 'file:///app.js'), fn('idle'), fn('gc'), fn('parse', 'node:internal/json')],
    functionId: [0, 1, 4, 2, 3, 5],
    parent: [-1, 0, 0, 1, 1, 3],
    selfUs: [0, 5, 20, 50, 15, 10],
    totalUs: [100, 80, 20, 60, 15, 10],
    sampleCount: 100,
    range: null,
  };
}

function frames(tree: FlameTree, zoom: number, width: number, min = 0.5) {
  const layout = layoutFlame(indexFlameTree(cpuWeights(tree)), zoom, width, min);
  return Array.from({ length: layout.count }, (_, i) => ({
    name: tree.functions[tree.functionId[layout.node[i]!]!]!.name,
    x: layout.x[i],
    w: layout.width[i],
    row: layout.row[i],
  }));
}

describe('flame layout', () => {
  it('places the root full width on top and children left to right, heaviest first', () => {
    expect(frames(sampleTree(), 0, 1000)).toEqual([
      { name: '(root)', x: 0, w: 1000, row: 0 },
      { name: 'main', x: 0, w: 800, row: 1 },
      { name: 'gc', x: 800, w: 200, row: 1 },
      { name: 'work', x: 0, w: 600, row: 2 },
      { name: 'idle', x: 600, w: 150, row: 2 },
      { name: 'parse', x: 0, w: 100, row: 3 },
    ]);
  });

  it('makes a zoomed frame fill the width and keeps its ancestors above it', () => {
    const result = frames(sampleTree(), 3, 600);
    expect(result).toEqual([
      { name: '(root)', x: 0, w: 600, row: 0 },
      { name: 'main', x: 0, w: 600, row: 1 },
      { name: 'work', x: 0, w: 600, row: 2 },
      { name: 'parse', x: 0, w: 100, row: 3 },
    ]);
  });

  it('culls frames narrower than the minimum width, with their descendants', () => {
    const names = frames(sampleTree(), 0, 10, 1.2).map((f) => f.name);
    expect(names).toEqual(['(root)', 'main', 'gc', 'work', 'idle']);
    expect(layoutFlame(indexFlameTree(cpuWeights(sampleTree())), 0, 10, 1.2).rows).toBe(3);
  });

  it('handles an empty tree and a zero width', () => {
    const empty: FlameTree = { functions: [], functionId: [], parent: [], selfUs: [], totalUs: [], sampleCount: 0, range: null };
    expect(layoutFlame(indexFlameTree(cpuWeights(empty)), 0, 500).count).toBe(0);
    expect(layoutFlame(indexFlameTree(cpuWeights(sampleTree())), 0, 0).count).toBe(0);
  });

  it('finds the frame under a point and the path to a node', () => {
    const tree = sampleTree();
    const index = indexFlameTree(cpuWeights(tree));
    const layout = layoutFlame(index, 0, 1000);
    expect(layout.node[frameAt(layout, 850, 1)]).toBe(2);
    expect(layout.node[frameAt(layout, 50, 3)]).toBe(5);
    expect(frameAt(layout, 900, 3)).toBe(-1);
    expect(ancestorPath(index, 5)).toEqual([0, 1, 3, 5]);
  });
});

describe('flame search', () => {
  it('matches names and urls case-insensitively and counts covered time once', () => {
    const tree = sampleTree();
    const matches = matchFunctions(tree, 'APP.js');
    expect(Array.from(matches!)).toEqual([0, 1, 1, 0, 0, 0]);
    expect(searchStats(indexFlameTree(cpuWeights(tree)), matches!)).toEqual({ nodes: 2, total: 80 });
    expect(matchFunctions(tree, '  ')).toBeNull();
    expect(searchStats(indexFlameTree(cpuWeights(tree)), matchFunctions(tree, 'json')!)).toEqual({ nodes: 1, total: 10 });
  });
});

describe('zoom across reloads', () => {
  it('finds the same call path in a rebuilt tree, or the deepest prefix of it', async () => {
    const { functionPath, nodeAtFunctionPath } = await import('../../../src/renderer/canvas/flame-layout');
    const index = indexFlameTree(cpuWeights(sampleTree()));
    expect(functionPath(index, 5)).toEqual([1, 2, 5]);
    expect(nodeAtFunctionPath(index, [1, 2, 5])).toBe(5);
    expect(nodeAtFunctionPath(index, [1, 2, 99])).toBe(3);
    expect(nodeAtFunctionPath(index, [])).toBe(0);
  });
});

describe('flame weights', () => {
  it('lays out an allocation tree by bytes exactly as a CPU tree by time', () => {
    const cpu = sampleTree();
    const bytes = allocationWeights({
      functions: cpu.functions,
      functionId: cpu.functionId,
      parent: cpu.parent,
      selfBytes: cpu.selfUs.map((v) => v * 1024),
      totalBytes: cpu.totalUs.map((v) => v * 1024),
      sampleCount: 100,
    });
    const a = layoutFlame(indexFlameTree(cpuWeights(cpu)), 0, 1000);
    const b = layoutFlame(indexFlameTree(bytes), 0, 1000);
    expect(Array.from(b.x.subarray(0, b.count))).toEqual(Array.from(a.x.subarray(0, a.count)));
    expect(Array.from(b.width.subarray(0, b.count))).toEqual(Array.from(a.width.subarray(0, a.count)));
    expect(bytes.unit).toBe('bytes');
    expect(searchStats(indexFlameTree(bytes), matchFunctions(bytes, 'main')!)).toEqual({ nodes: 1, total: 80 * 1024 });
  });

  it('formats a weight in its unit', () => {
    expect(formatWeight(1536, 'bytes')).toBe('1.5 KB');
    expect(formatWeight(12_400, 'time-us')).toBe('12.4 ms');
  });
});
