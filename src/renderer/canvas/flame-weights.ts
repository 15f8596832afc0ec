// CPU trees (µs) and allocation trees (bytes) seen as one weighted call tree, so one flame graph draws both.
import type { AllocationTree, FlameTree } from '../../shared/domain';
import { formatBytes, formatDurationMs } from '../format/units';

export type WeightUnit = 'time-us' | 'bytes';

/** Columns as in FlameTree; `self` and `total` are in `unit`. Node 0 is the root; parent[i] < i. */
export interface WeightTree {
  functions: FlameTree['functions'];
  functionId: number[];
  parent: number[];
  self: number[];
  total: number[];
  unit: WeightUnit;
}

export function cpuWeights(tree: FlameTree): WeightTree {
  return { functions: tree.functions, functionId: tree.functionId, parent: tree.parent, self: tree.selfUs, total: tree.totalUs, unit: 'time-us' };
}

export function allocationWeights(tree: AllocationTree): WeightTree {
  return { functions: tree.functions, functionId: tree.functionId, parent: tree.parent, self: tree.selfBytes, total: tree.totalBytes, unit: 'bytes' };
}

export function formatWeight(value: number, unit: WeightUnit): string {
  return unit === 'bytes' ? formatBytes(value) : formatDurationMs(value / 1000);
}
