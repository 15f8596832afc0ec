// The sandwich (callers, callees) and bottom-up views of a call tree, on a hand-made tree with recursion.
import { describe, expect, it } from 'vitest';
import type { WeightTree } from '../../../src/renderer/canvas/flame-weights';
import { bottomUpRows, calleesTree, callersTree, functionIndexOf, functionKeyOf } from '../../../src/renderer/views/flame/call-views';

// root ─ main ─ a ─ b ─ a ─ c      main calls a (which recurses through b) and c directly.
//             └ c
const fns = ['main', 'a', 'b', 'c'].map((name, i) => ({ name, url: 'file:///app.js', line: i + 1, column: 1, kind: 'app' as const }));
const tree: WeightTree = {
  functions: fns,
  //          root main  a   b   a   c   c
  functionId: [-1, 0, 1, 2, 1, 3, 3],
  parent: [-1, 0, 1, 2, 3, 4, 1],
  self: [0, 1, 2, 3, 4, 5, 6],
  total: [21, 21, 14, 12, 9, 5, 6],
  unit: 'time-us',
};

function named(t: WeightTree): Record<string, { self: number; total: number }> {
  const out: Record<string, { self: number; total: number }> = {};
  for (let i = 0; i < t.parent.length; i++) {
    const path: string[] = [];
    for (let at = i; at >= 0; at = t.parent[at]!) path.unshift(t.functions[t.functionId[at]!]?.name ?? 'root');
    out[path.join('>')] = { self: t.self[i]!, total: t.total[i]! };
  }
  return out;
}

describe('call views', () => {
  it('finds a function by its key', () => {
    expect(functionIndexOf(tree, functionKeyOf(fns[2]!))).toBe(2);
    expect(functionIndexOf(tree, 'nothing')).toBe(-1);
  });

  it('merges the callees of a recursive function once', () => {
    const callees = named(calleesTree(tree, 1));
    expect(callees).toEqual({
      a: { self: 2, total: 14 },
      'a>b': { self: 3, total: 12 },
      'a>b>a': { self: 4, total: 9 },
      'a>b>a>c': { self: 5, total: 5 },
    });
  });

  it('walks the callers of a function up to the entry', () => {
    expect(named(callersTree(tree, 3))).toEqual({
      c: { self: 0, total: 11 },
      'c>a': { self: 0, total: 5 },
      'c>a>b': { self: 0, total: 5 },
      'c>a>b>a': { self: 0, total: 5 },
      'c>a>b>a>main': { self: 5, total: 5 },
      'c>main': { self: 6, total: 6 },
    });
  });

  it('ranks functions by self time, counting recursion once in total', () => {
    expect(bottomUpRows(tree).map((r) => [fns[r.fn]!.name, r.self, r.total])).toEqual([
      ['c', 11, 11],
      ['a', 6, 14],
      ['b', 3, 12],
      ['main', 1, 21],
    ]);
  });
});
