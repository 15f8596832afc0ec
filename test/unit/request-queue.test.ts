// The web host starts requests that arrived together lightest read first; a request that changes
// something keeps its place among them.
import { describe, expect, it } from 'vitest';
import { RequestQueue, readWeight } from '../../src/main/host/request-queue';
import { API_METHODS } from '../../src/shared/api';

type Queued = { method: unknown; n: number };

/** The order `count` requests pushed by `pushes` start in. */
function started(count: number, pushes: (queue: RequestQueue<Queued>) => void): Promise<string[]> {
  return new Promise((resolveOrder) => {
    const order: string[] = [];
    const queue = new RequestQueue<Queued>((request) => {
      order.push(`${String(request.method)}#${request.n}`);
      if (order.length === count) resolveOrder(order);
    });
    pushes(queue);
  });
}

describe('request queue', () => {
  it('starts the reads that arrived together lightest first, in arrival order among equals', async () => {
    const order = await started(6, (queue) => {
      ['getTimeline', 'getFlameTree', 'getSummary', 'getSpans', 'getLogs', 'getMetrics'].forEach((method, n) => queue.push({ method, n }));
    });
    expect(order).toEqual(['getSpans#3', 'getLogs#4', 'getMetrics#5', 'getFlameTree#1', 'getSummary#2', 'getTimeline#0']);
  });

  it('keeps a change in its place: reads before it start before it, reads after it after', async () => {
    const order = await started(8, (queue) => {
      ['getTimeline', 'getLogs', 'deleteSession', 'getMetrics', 'stopRecording', 'nonsense', 'getFlameTree', 'listSessions'].forEach((method, n) => queue.push({ method, n }));
    });
    expect(order).toEqual(['getLogs#1', 'getTimeline#0', 'deleteSession#2', 'getMetrics#3', 'stopRecording#4', 'nonsense#5', 'listSessions#7', 'getFlameTree#6']);
  });

  it('lets a read that arrives while others wait start before the heavier ones', async () => {
    const order = await started(4, (queue) => {
      queue.push({ method: 'getTimeline', n: 0 });
      queue.push({ method: 'getFlameTree', n: 1 });
      queue.push({ method: 'getSummary', n: 2 });
      // After the first start (the flame graph), before the next.
      setImmediate(() => queue.push({ method: 'getLogs', n: 3 }));
    });
    expect(order).toEqual(['getFlameTree#1', 'getLogs#3', 'getSummary#2', 'getTimeline#0']);
  });

  it('knows every Api method as a read or a change', () => {
    const changes = API_METHODS.filter((method) => readWeight(method) === null).sort();
    expect(changes).toEqual(['deleteSession', 'startRecording', 'stopRecording', 'takeHeapSnapshot']);
    expect(readWeight('constructor')).toBeNull();
  });
});
