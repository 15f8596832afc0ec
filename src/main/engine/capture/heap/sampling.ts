// Sampling heap profile of one thread: V8's allocation sampler, read every few seconds, with the
// new samples stored per call stack on the session's interned stacks (shared with CPU samples).
import type Protocol from 'devtools-protocol';
import { messageOf } from '../../../../shared/errors';
import type { InspectorSession } from '../../inspector/connection';
import { ROOT_STACK_ID, type StackInterner } from '../../store/cpu-samples';
import type { HeapSampleRow } from '../../store/heap';
import type { SessionWriter } from '../../store/session-writer';
import type { Store } from '../../store/store';

export interface HeapSamplingOptions {
  sessionId: string;
  threadId: number;
  /** Average bytes between samples (V8's default 32768). */
  samplingIntervalBytes?: number;
  readEveryMs?: number;
  /**
   * V8 keeps every sample until sampling stops, so each read returns all of them: past this many
   * the sampler is restarted, which bounds the size of a read (one message is capped at 256 MiB).
   */
  restartAfterSamples?: number;
}

const DEFAULT_INTERVAL_BYTES = 32_768;
const DEFAULT_READ_EVERY_MS = 2000;
const DEFAULT_RESTART_AFTER_SAMPLES = 500_000;

export class HeapSamplingCapture {
  /** Samples with an ordinal up to this one are stored (ordinals grow with each allocation sampled). */
  private storedThroughOrdinal = -1;
  private samplesInProfile = 0;
  private timer: NodeJS.Timeout | null = null;
  private work: Promise<void> = Promise.resolve();
  private stopped = false;
  private readFailed = false;

  constructor(
    private readonly session: InspectorSession,
    private readonly store: Store,
    private readonly writer: SessionWriter,
    private readonly options: HeapSamplingOptions,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * Starts V8's sampler. Returns false (after a warning) when it cannot run, e.g. because another
   * client already samples this isolate: there is one sampler per isolate (research §1.5).
   */
  async start(): Promise<boolean> {
    try {
      await this.startSampler();
    } catch (error) {
      this.warn(`Heap sampling is off on thread ${this.options.threadId}: ${messageOf(error)}`);
      return false;
    }
    this.timer = setInterval(() => {
      this.work = this.work.then(() => this.read()).catch((error: unknown) => this.readFailedOnce(error));
    }, this.options.readEveryMs ?? DEFAULT_READ_EVERY_MS);
    return true;
  }

  /** Stops the sampler and stores what it holds. Quiet once the target is gone. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.work.catch(() => undefined);
    if (this.session.isClosed) return;
    try {
      const { profile } = await this.session.send('HeapProfiler.stopSampling');
      this.ingest(profile);
    } catch (error) {
      if (!this.session.isClosed) throw error;
    }
  }

  private async startSampler(): Promise<void> {
    // Without the two flags V8 reports only objects still alive when the profile is read, which
    // hides the churn that matters most (research §4.1).
    await this.session.send('HeapProfiler.startSampling', {
      samplingInterval: this.options.samplingIntervalBytes ?? DEFAULT_INTERVAL_BYTES,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    this.storedThroughOrdinal = -1;
    this.samplesInProfile = 0;
  }

  private async read(): Promise<void> {
    if (this.stopped) return;
    const { profile } = await this.session.send('HeapProfiler.getSamplingProfile');
    if (this.stopped) return;
    this.ingest(profile);
    if (this.samplesInProfile >= (this.options.restartAfterSamples ?? DEFAULT_RESTART_AFTER_SAMPLES)) {
      // Allocations sampled between the two calls below are lost: a round trip, once in a long while.
      const { profile: last } = await this.session.send('HeapProfiler.stopSampling');
      this.ingest(last);
      if (!this.stopped) await this.startSampler();
    }
  }

  /**
   * Queues the samples of `profile` not stored yet, summed per call stack. The profile carries no
   * timestamps (only an ordinal per sample), so they are stamped with the time of this read: each
   * row stands for the allocations sampled since the previous read.
   */
  private ingest(profile: Protocol.HeapProfiler.SamplingHeapProfile): void {
    const capturedUs = Date.now() * 1000;
    this.samplesInProfile = profile.samples.length;
    const fresh = profile.samples.filter((s) => s.ordinal > this.storedThroughOrdinal);
    if (fresh.length === 0) return;
    const stackOfNode = stackIdsOf(profile.head, this.writer.interner);
    const byStack = new Map<number, { bytes: number; count: number }>();
    let maxOrdinal = this.storedThroughOrdinal;
    for (const sample of fresh) {
      maxOrdinal = Math.max(maxOrdinal, sample.ordinal);
      const stackId = stackOfNode.get(sample.nodeId) ?? ROOT_STACK_ID;
      const entry = byStack.get(stackId);
      if (entry) {
        entry.bytes += sample.size;
        entry.count++;
      } else byStack.set(stackId, { bytes: sample.size, count: 1 });
    }
    this.storedThroughOrdinal = maxOrdinal;
    const { threadId, sessionId } = this.options;
    const rows: HeapSampleRow[] = [...byStack].map(([stackId, { bytes, count }]) => ({
      threadId,
      capturedUs,
      stackId,
      selfSizeBytes: bytes,
      sampleCount: count,
    }));
    this.writer.enqueue(
      () => {
        for (const row of rows) this.store.heap.insertSampleRow(sessionId, row);
      },
      { kind: 'heapSamples', n: fresh.length },
    );
  }

  private readFailedOnce(error: unknown): void {
    if (this.session.isClosed || this.readFailed) return;
    this.readFailed = true;
    this.warn(`Reading the heap sampling profile of thread ${this.options.threadId} failed: ${messageOf(error)}`);
  }
}

/** Interns every node of the sampling tree; returns node id -> stack id. The tree's head is the root (stack 0). */
function stackIdsOf(head: Protocol.HeapProfiler.SamplingHeapProfileNode, interner: StackInterner): Map<number, number> {
  const stackOf = new Map<number, number>([[head.id, ROOT_STACK_ID]]);
  const queue: { node: Protocol.HeapProfiler.SamplingHeapProfileNode; stackId: number }[] = [{ node: head, stackId: ROOT_STACK_ID }];
  for (let at = 0; at < queue.length; at++) {
    const { node, stackId } = queue[at]!;
    for (const child of node.children) {
      if (stackOf.has(child.id)) continue;
      const frame = child.callFrame;
      const functionId = interner.functionId({
        functionName: frame.functionName,
        url: frame.url,
        lineNumber: frame.lineNumber,
        columnNumber: frame.columnNumber,
      });
      const childStack = interner.stackId(stackId, functionId);
      stackOf.set(child.id, childStack);
      queue.push({ node: child, stackId: childStack });
    }
  }
  return stackOf;
}
