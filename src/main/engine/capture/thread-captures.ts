// The captures that run on every thread of the target (main and workers), chosen by signal.
import type { Capture, RecordingContext, ThreadContext } from './capture';
import { ConsoleCapture } from './console';
import { CpuCapture } from './cpu';
import { HeapCapture } from './heap';

/**
 * Starts the per-thread captures the recording asked for on one thread. `sinceUs` drops console
 * messages the inspector replays from before the recording.
 */
export async function startThreadCaptures(context: RecordingContext, thread: ThreadContext, sinceUs: number): Promise<Capture[]> {
  const started: Capture[] = [];
  const { signals, writer } = context;
  const threadId = thread.thread.id;
  context.store.transaction(() => context.store.threads.upsert(context.sessionId, thread.thread, sinceUs || Date.now() * 1000));
  try {
    if (signals.has('cpu')) {
      const second = await thread.openSecondSession();
      const cpu = new CpuCapture(thread.session, second, writer, () => context.clock(), { intervalUs: context.intervalUs, threadId }, (e) =>
        context.fail(e),
      );
      await cpu.start();
      started.push(cpu);
    }
    if (signals.has('heap')) {
      const heap = new HeapCapture(context, thread);
      await heap.start();
      started.push(heap);
    }
    if (signals.has('logs')) {
      const logs = new ConsoleCapture(thread.session, writer, sinceUs, threadId);
      await logs.start();
      started.push(logs);
    }
    return started;
  } catch (error) {
    for (const capture of started.reverse()) await capture.stop().catch(() => undefined);
    throw error;
  }
}
