// A V8 call tree read from an untrusted file (profile nodes linked by children or parent ids),
// turned into the session's interned stacks. Parent links are followed iteratively, so a tree
// of any depth resolves without recursion; cycles, duplicate ids and missing nodes are refused.
import { type CallFrameKey, ROOT_STACK_ID, type StackInterner } from '../../store/cpu-samples';
import type { JsonValue } from './json-router';
import { formatCount, refuse } from './refusal';

export const MAX_PROFILE_NODES = 5_000_000;

export class CallTree {
  private readonly functionOf = new Map<number, number>();
  private readonly parentOf = new Map<number, number>();
  private readonly stackOf = new Map<number, number>();

  constructor(
    private readonly interner: StackInterner,
    /** How the file names its nodes, for messages: "node", "ProfileChunk node"... */
    private readonly what = 'node',
  ) {}

  get size(): number {
    return this.functionOf.size;
  }

  has(nodeId: number): boolean {
    return this.functionOf.has(nodeId);
  }

  addNode(nodeId: number, frame: CallFrameKey): void {
    if (this.functionOf.has(nodeId)) refuse(`it has two ${this.what}s with id ${nodeId}`);
    if (this.functionOf.size >= MAX_PROFILE_NODES) refuse(`it has more than ${formatCount(MAX_PROFILE_NODES)} ${this.what}s`);
    this.functionOf.set(nodeId, this.interner.functionId(frame));
  }

  link(parentId: number, childId: number): void {
    const earlier = this.parentOf.get(childId);
    if (earlier !== undefined && earlier !== parentId) refuse(`${this.what} ${childId} has two parents (${earlier} and ${parentId})`);
    if (parentId === childId) refuse(`${this.what} ${childId} is its own parent`);
    this.parentOf.set(childId, parentId);
  }

  /** The stack id of a node: a node without a parent is the root of the session's tree. */
  stackId(nodeId: number): number {
    const known = this.stackOf.get(nodeId);
    if (known !== undefined) return known;
    const chain: number[] = [];
    let stack = ROOT_STACK_ID;
    for (let at = nodeId; ; ) {
      const resolved = this.stackOf.get(at);
      if (resolved !== undefined) {
        stack = resolved;
        break;
      }
      if (!this.functionOf.has(at)) {
        refuse(at === nodeId ? `a sample names ${this.what} ${nodeId}, which the profile does not have` : `${this.what} ${chain[chain.length - 1]} has parent ${at}, which the profile does not have`);
      }
      const parent = this.parentOf.get(at);
      if (parent === undefined) {
        this.stackOf.set(at, ROOT_STACK_ID);
        break;
      }
      chain.push(at);
      if (chain.length > this.functionOf.size) refuse(`its ${this.what} tree has a cycle through ${this.what} ${nodeId}`);
      at = parent;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const id = chain[i]!;
      stack = this.interner.stackId(stack, this.functionOf.get(id)!);
      this.stackOf.set(id, stack);
    }
    return stack;
  }
}

/** A CDP call frame from untrusted JSON; refuses one with fields of the wrong type. */
export function callFrameOf(value: JsonValue | undefined, where: string): CallFrameKey {
  const frame = asObject(value);
  if (!frame) refuse(`${where} has no callFrame object`);
  const functionName = frame.functionName ?? '';
  const url = frame.url ?? '';
  const lineNumber = frame.lineNumber ?? -1;
  const columnNumber = frame.columnNumber ?? -1;
  if (typeof functionName !== 'string' || typeof url !== 'string') refuse(`${where} has a callFrame whose functionName or url is not a string`);
  if (!isInteger(lineNumber) || !isInteger(columnNumber)) refuse(`${where} has a callFrame whose lineNumber or columnNumber is not an integer`);
  return { functionName, url, lineNumber, columnNumber };
}

export function asObject(value: JsonValue | undefined): { [key: string]: JsonValue } | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}
