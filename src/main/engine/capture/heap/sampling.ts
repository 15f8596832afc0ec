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
}

const DEFAULT_INTERVAL_BYTES = 32_768;
// Each hand-off costs the target ~20 ms (measured on an idle target: 2 s periods cost 1-1.5% of a
// core, 10 s periods nothing measurable); 5 s keeps it near 0.4% and gives 5 s time buckets.
const DEFAULT_READ_EVERY_MS = 5000;

export class HeapSamplingCapture {
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
    await this.session.send('HeapProfiler.startSampling', this.samplingParams());
  }

  private samplingParams(): Protocol.HeapProfiler.StartSamplingRequest {
    return {
      samplingInterval: this.options.samplingIntervalBytes ?? DEFAULT_INTERVAL_BYTES,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    };
  }

  /**
   * Hands the sampler off: stop and start are sent back to back, so the stopped profile holds
   * only this period's samples. Reading with getSamplingProfile instead returns every sample
   * since the start each time, and serialising that on the target's main thread grew with the
   * length of the recording. Allocations sampled between the two commands are lost: one round trip.
   */
  private async read(): Promise<void> {
    if (this.stopped) return;
    const [{ profile }] = await Promise.all([
      this.session.send('HeapProfiler.stopSampling'),
      this.session.send('HeapProfiler.startSampling', this.samplingParams()),
    ]);
    this.ingest(profile);
  }

  /**
   * Queues the samples of one period's `profile`, summed per call stack. The profile carries no
   * timestamps (only an ordinal per sample), so they are stamped with the time of this read: each
   * row stands for the allocations sampled since the previous read.
   */
  private ingest(profile: Protocol.HeapProfiler.SamplingHeapProfile): void {
    const capturedUs = Date.now() * 1000;
    const fresh = profile.samples;
    if (fresh.length === 0) return;
    const stackOfNode = stackIdsOf(profile.head, this.writer.interner);
    const byStack = new Map<number, { bytes: number; count: number }>();
    for (const sample of fresh) {
      const stackId = stackOfNode.get(sample.nodeId) ?? ROOT_STACK_ID;
      const entry = byStack.get(stackId);
      if (entry) {
        entry.bytes += sample.size;
        entry.count++;
      } else byStack.set(stackId, { bytes: sample.size, count: 1 });
    }
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
