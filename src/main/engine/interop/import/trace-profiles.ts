// CPU samples inside a Chrome trace: a "Profile" event opens a profile on its thread, and each
// "ProfileChunk" adds nodes (linked by parent) and samples with time deltas, as V8 writes them
// under disabled-by-default-v8.cpu_profiler and DevTools reads them (matched by pid and id).
import { CallTree, asObject, callFrameOf, isInteger } from './call-tree';
import type { ImportSession } from './import-session';
import type { JsonValue } from './json-router';
import { ImportRefusal } from './refusal';

interface OpenProfile {
  threadId: number;
  tree: CallTree;
  monoUs: number;
}

export class TraceProfiles {
  private readonly profiles = new Map<string, OpenProfile>();
  /** The profile whose samples a thread keeps: two profilers sampling one thread would count its time twice. */
  private readonly ownerOfThread = new Map<number, OpenProfile>();
  samples = 0;
  private firstMonoUs = Infinity;
  private lastMonoUs = -Infinity;

  constructor(private readonly session: ImportSession) {}

  /** Mean time between samples, for weighing them (1 ms when there were none). */
  get intervalUs(): number {
    return this.samples > 1 ? (this.lastMonoUs - this.firstMonoUs) / (this.samples - 1) : 1000;
  }

  /** A "Profile" event: `startUs` is on the trace's clock. */
  open(pid: number, id: string, threadId: number, data: JsonValue | undefined, tsUs: number): void {
    const startTime = asObject(data)?.startTime;
    const monoUs = typeof startTime === 'number' && Number.isFinite(startTime) ? startTime : tsUs;
    this.profiles.set(`${pid}:${id}`, { threadId, tree: new CallTree(this.session.writer.interner, 'ProfileChunk node'), monoUs });
  }

  /** A "ProfileChunk": returns why it was skipped, or null once its samples are queued. */
  chunk(pid: number, id: string, data: JsonValue | undefined, offsetUs: number): string | null {
    const profile = this.profiles.get(`${pid}:${id}`);
    if (!profile) return 'ProfileChunk events without their Profile event';
    const owner = this.ownerOfThread.get(profile.threadId);
    if (owner && owner !== profile) return 'ProfileChunk events of a second profile of a thread already profiled (the first profile is kept)';
    const body = asObject(data);
    const cpuProfile = asObject(body?.cpuProfile);
    const nodes = cpuProfile?.nodes ?? [];
    const samples = cpuProfile?.samples ?? [];
    const deltas = body?.timeDeltas ?? [];
    if (!Array.isArray(nodes) || !Array.isArray(samples) || !Array.isArray(deltas)) return 'ProfileChunk events whose nodes, samples or timeDeltas are not arrays';
    if (samples.length !== deltas.length) return 'ProfileChunk events whose samples and timeDeltas differ in length';
    const timesUs = new Float64Array(samples.length);
    const stackIds = new Int32Array(samples.length);
    try {
      nodes.forEach((value, i) => {
        const node = asObject(value);
        if (!node || !isInteger(node.id)) throw new ImportRefusal('a node without an integer id');
        profile.tree.addNode(node.id, callFrameOf(node.callFrame, `ProfileChunk node ${i}`));
        if (node.parent !== undefined) {
          if (!isInteger(node.parent)) throw new ImportRefusal('a node whose parent is not a node id');
          profile.tree.link(node.parent, node.id);
        }
      });
      let mono = profile.monoUs;
      for (let i = 0; i < samples.length; i++) {
        const nodeId = samples[i];
        const delta = deltas[i];
        if (!isInteger(nodeId) || typeof delta !== 'number' || !Number.isFinite(delta)) throw new ImportRefusal('a sample or time delta that is not a number');
        mono += delta;
        timesUs[i] = mono + offsetUs;
        stackIds[i] = profile.tree.stackId(nodeId);
      }
      profile.monoUs = mono;
    } catch (error) {
      if (error instanceof ImportRefusal) return 'ProfileChunk events with bad nodes or samples';
      throw error;
    }
    if (samples.length === 0) return null;
    this.ownerOfThread.set(profile.threadId, profile);
    this.samples += samples.length;
    this.firstMonoUs = Math.min(this.firstMonoUs, timesUs[0]!);
    this.lastMonoUs = Math.max(this.lastMonoUs, timesUs[samples.length - 1]!);
    this.session.see(timesUs[0]!);
    this.session.see(timesUs[samples.length - 1]!);
    this.session.writer.addSamples({ threadId: profile.threadId, timesUs, stackIds });
    return null;
  }
}
