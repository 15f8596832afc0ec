// CPU profile capture: V8's sampling profiler, rotated between two inspector sessions so samples
// stream into the store every few seconds and a crash loses at most one rotation window.
import type Protocol from 'devtools-protocol';
import type { InspectorSession } from '../inspector/connection';
import { ROOT_STACK_ID, type StackInterner } from '../store/cpu-samples';
import type { SessionWriter } from '../store/session-writer';
import type { ClockMapping } from './clock';

export interface CpuCaptureOptions {
  intervalUs: number;
  /** How long each profile runs before the other session takes over (after the first). */
  rotationMs?: number;
  threadId?: number;
}

// Each hand-off costs the target ~25 ms of CPU (V8 re-logs its code for the new profiler and
// serialises the old profile), so profiles run 10 s; the first hands off after 1 s so samples
// show up soon after attaching. A crash loses at most the running profile.
const FIRST_ROTATION_MS = 1000;
const ROTATION_MS = 10_000;

// Two overlapping profiles give a gap-free hand-off (research/inspector.md §3.6); samples in the
// overlap are taken from the older profile up to the middle of the overlap, then from the newer.
const OVERLAP_MS = 100;

export class CpuCapture {
  private active: InspectorSession;
  /** Null on a thread with one session: the hand-off then restarts the same profiler (a short gap). */
  private standby: InspectorSession | null;
  /** Monotonic µs before which samples were already stored. */
  private storedUntilMonoUs = -Infinity;
  private rotationTimer: NodeJS.Timeout | null = null;
  private work: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    first: InspectorSession,
    second: InspectorSession | null,
    private readonly writer: SessionWriter,
    private readonly clock: () => ClockMapping,
    private readonly options: CpuCaptureOptions,
    private readonly onError: (error: unknown) => void,
  ) {
    this.active = first;
    this.standby = second;
  }

  async start(): Promise<void> {
    for (const connection of this.standby ? [this.active, this.standby] : [this.active]) {
      await connection.send('Profiler.enable');
      await connection.send('Profiler.setSamplingInterval', { interval: this.options.intervalUs });
    }
    await this.active.send('Profiler.start');
    this.scheduleRotation(FIRST_ROTATION_MS);
  }

  private scheduleRotation(afterMs: number): void {
    this.rotationTimer = setTimeout(() => {
      this.work = this.work
        .then(() => this.rotate())
        .then(() => {
          if (!this.stopped) this.scheduleRotation(this.options.rotationMs ?? ROTATION_MS);
        })
        .catch(this.onError);
    }, afterMs);
  }

  /** Stops profiling and stores the last profile. Safe to call once the target is exiting. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.rotationTimer) clearTimeout(this.rotationTimer);
    await this.work.catch(() => undefined);
    const { profile } = await this.active.send('Profiler.stop');
    this.ingest(profile, Infinity);
  }

  private async rotate(): Promise<void> {
    if (this.stopped) return;
    if (!this.standby) {
      const { profile } = await this.active.send('Profiler.stop');
      await this.active.send('Profiler.start');
      this.ingest(profile, Infinity);
      return;
    }
    const next = this.standby;
    await next.send('Profiler.start');
    await delay(OVERLAP_MS);
    if (this.stopped) {
      await next.send('Profiler.stop').catch(() => undefined);
      return;
    }
    const { profile } = await this.active.send('Profiler.stop');
    this.standby = this.active;
    this.active = next;
    this.ingest(profile, profile.endTime - (OVERLAP_MS * 1000) / 2);
  }

  /** Stores the samples of `profile` taken from storedUntilMonoUs up to (not including) untilMonoUs. */
  private ingest(profile: Protocol.Profiler.Profile, untilMonoUs: number): void {
    const stackOfNode = stackIdsOf(profile, this.writer.interner);
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    const offsetUs = this.clock().offsetUs;
    const times = new Float64Array(samples.length);
    const stacks = new Int32Array(samples.length);
    let n = 0;
    let t = profile.startTime;
    for (let i = 0; i < samples.length; i++) {
      t += deltas[i] ?? 0;
      if (t < this.storedUntilMonoUs || t >= untilMonoUs) continue;
      times[n] = t + offsetUs;
      stacks[n] = stackOfNode.get(samples[i]!) ?? ROOT_STACK_ID;
      n++;
    }
    this.storedUntilMonoUs = Math.max(this.storedUntilMonoUs, Math.min(untilMonoUs, t + 1));
    this.writer.addSamples({ threadId: this.options.threadId ?? 0, timesUs: times.slice(0, n), stackIds: stacks.slice(0, n) });
  }
}

/** Interns every node of a profile's call tree; returns node id -> stack id. */
function stackIdsOf(profile: Protocol.Profiler.Profile, interner: StackInterner): Map<number, number> {
  const byId = new Map<number, Protocol.Profiler.ProfileNode>();
  const childIds = new Set<number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) childIds.add(child);
  }
  const stackOf = new Map<number, number>();
  const queue: number[] = [];
  for (const node of profile.nodes) {
    if (!childIds.has(node.id)) {
      stackOf.set(node.id, ROOT_STACK_ID);
      queue.push(node.id);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const node = byId.get(queue[head]!)!;
    const parentStack = stackOf.get(node.id)!;
    for (const childId of node.children ?? []) {
      const child = byId.get(childId);
      if (!child || stackOf.has(childId)) continue;
      const frame = child.callFrame;
      const functionId = interner.functionId({
        functionName: frame.functionName,
        url: frame.url,
        lineNumber: frame.lineNumber,
        columnNumber: frame.columnNumber,
      });
      stackOf.set(childId, interner.stackId(parentStack, functionId));
      queue.push(childId);
    }
  }
  return stackOf;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
