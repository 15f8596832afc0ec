// The heap signal on one thread: the sampling profile runs for the whole recording, and heap
// snapshots are taken on request, each by the capture of the thread it was asked for.
import type { HeapSnapshotInfo } from '../../../../shared/domain';
import { ParallaxError } from '../../../../shared/errors';
import type { SessionWriter } from '../../store/session-writer';
import type { Capture, RecordingContext, ThreadContext } from '../capture';
import { HeapSamplingCapture } from './sampling';
import { takeRecordedHeapSnapshot } from './snapshot';

// A recording has one 'takeHeapSnapshot' handler; it dispatches to the capture of the asked thread.
// Keyed by the recording's writer: threads may get contexts of their own (workers do), but every
// context of one recording shares its writer.
const capturesByRecording = new WeakMap<SessionWriter, Map<number, HeapCapture>>();

export class HeapCapture implements Capture {
  private sampling: HeapSamplingCapture | null = null;
  /** One snapshot at a time per thread: a second request waits for the first. */
  private snapshotQueue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly context: RecordingContext,
    private readonly thread: ThreadContext,
  ) {}

  async start(): Promise<void> {
    const { context, thread } = this;
    let captures = capturesByRecording.get(context.writer);
    if (!captures) {
      const byThread = new Map<number, HeapCapture>();
      captures = byThread;
      capturesByRecording.set(context.writer, byThread);
      context.handle('takeHeapSnapshot', (threadId) => {
        const capture = byThread.get(threadId);
        if (!capture) return Promise.reject(new ParallaxError('not-found', `Thread ${threadId} has no heap capture in this recording`));
        return capture.takeSnapshot();
      });
    }
    // Registered first: the thread is listed before its captures have started, and snapshots do not need the sampler.
    captures.set(thread.thread.id, this);
    const sampling = new HeapSamplingCapture(
      thread.session,
      context.store,
      context.writer,
      { sessionId: context.sessionId, threadId: thread.thread.id, samplingIntervalBytes: context.request.heapSamplingIntervalBytes },
      (message) => context.warn(message),
    );
    // Without the sampler (another client runs it) snapshots still work.
    if (await sampling.start()) this.sampling = sampling;
  }

  takeSnapshot(): Promise<HeapSnapshotInfo> {
    if (this.stopped || this.thread.session.isClosed) {
      return Promise.reject(new ParallaxError('bad-request', `Thread ${this.thread.thread.id} is no longer recorded`));
    }
    const taken = this.snapshotQueue.then(() =>
      takeRecordedHeapSnapshot({
        store: this.context.store,
        sessionId: this.context.sessionId,
        threadId: this.thread.thread.id,
        session: this.thread.session,
      }),
    );
    this.snapshotQueue = taken.catch(() => undefined);
    return taken;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const captures = capturesByRecording.get(this.context.writer);
    if (captures?.get(this.thread.thread.id) === this) captures.delete(this.thread.thread.id);
    // A snapshot under way finishes first: it shares the session with the sampler.
    await this.snapshotQueue;
    await this.sampling?.stop();
  }
}
