// Function to spans on a real SQLite store with known samples: ranking, shares, threads, overlap.
import { afterEach, describe, expect, it } from 'vitest';
import { functionSpans } from '../../../src/main/engine/analysis/function-spans';
import { SessionWriter } from '../../../src/main/engine/store/session-writer';
import { Store } from '../../../src/main/engine/store/store';
import type { NewSpan } from '../../../src/main/engine/store/spans';
import { tempStorePath } from '../../support/store-files';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

const frame = (functionName: string, lineNumber: number) => ({ functionName, url: 'file:///app.js', lineNumber, columnNumber: 4 });

function span(spanId: string, startUs: number, endUs: number, thread: number | null, parentSpanId: string | null = null): NewSpan {
  return { spanId, traceId: 'a'.repeat(32), parentSpanId, name: spanId, kind: 1, startUs, endUs, statusCode: 0, statusMessage: null, thread, source: 'otlp', attributes: {}, resource: {} };
}

function recordedStore(): Store {
  const file = tempStorePath();
  const store = Store.open(file.path);
  cleanups.push(() => file.remove(), () => store.close());
  store.sessions.create({ id: 's', name: 's', startedUs: 0, target: { pid: 1, nodeVersion: '20.0.0', title: null, attachedVia: 'test' }, signals: ['cpu'], intervalUs: 1000 });
  const writer = new SessionWriter(store, 's', (e) => {
    throw e;
  });
  const i = writer.interner;
  const main = i.stackId(0, i.functionId(frame('main', 0)));
  const hot = i.stackId(main, i.functionId(frame('hot', 9)));
  const belowHot = i.stackId(hot, i.functionId(frame('leaf', 20)));
  const other = i.stackId(main, i.functionId(frame('other', 30)));
  // Main thread, 1 ms apart: 0-9 ms hot (half of it in leaf), 10-19 ms other.
  const stacks = [hot, belowHot, hot, belowHot, hot, belowHot, hot, belowHot, hot, belowHot, ...Array<number>(10).fill(other)];
  writer.addSamples({ threadId: 0, timesUs: Float64Array.from(stacks, (_, n) => n * 1000), stackIds: Int32Array.from(stacks) });
  // A worker runs hot all the time: spans on it must not count the main thread's samples, nor the reverse.
  writer.addSamples({ threadId: 1, timesUs: Float64Array.from({ length: 20 }, (_, n) => n * 1000 + 500), stackIds: Int32Array.from({ length: 20 }, () => hot) });
  writer.close();
  store.transaction(() => {
    store.spans.insert('s', span('whole', 0, 19_000, 0));
    store.spans.insert('s', span('firstHalf', 0, 9_000, 0, 'whole'));
    store.spans.insert('s', span('secondHalf', 10_000, 19_000, 0, 'whole'));
    store.spans.insert('s', span('straddle', 5_000, 14_000, 0));
    store.spans.insert('s', span('worker', 0, 4_000, 1));
  });
  return store;
}

describe('function to spans', () => {
  it('ranks spans by samples with the function on the stack, on each span’s own thread', () => {
    const store = recordedStore();
    const ranked = functionSpans(store, 's', { name: 'hot', url: 'file:///app.js', line: 10 }, undefined, 10);
    expect(ranked.map((r) => [r.span.spanId, r.samples, r.selfSamples, r.span.cpuSampleCount])).toEqual([
      ['firstHalf', 10, 5, 10],
      ['whole', 10, 5, 20],
      ['straddle', 5, 2, 10],
      ['worker', 4, 4, 4],
    ]);
    expect(ranked[0]!.share).toBe(1);
    expect(ranked[1]!.share).toBe(0.5);
    // The span's duration times the share: 9 ms of firstHalf, half of whole's 19 ms.
    expect(ranked[0]!.estimatedMs).toBe(9);
    expect(ranked[1]!.estimatedMs).toBe(9.5);
  });

  it('narrows to a range, matches by column when given, and finds nothing for unknown functions', () => {
    const store = recordedStore();
    const hot = { name: 'hot', url: 'file:///app.js', line: 10 };
    expect(functionSpans(store, 's', hot, { fromUs: 12_000, toUs: 19_000 }, 10).map((r) => r.span.spanId)).toEqual(['whole', 'straddle']);
    expect(functionSpans(store, 's', { ...hot, name: 'renamedByAMap', column: 5 }, undefined, 1).map((r) => r.span.spanId)).toEqual(['firstHalf']);
    expect(functionSpans(store, 's', { ...hot, column: 9 }, undefined, 10)).toEqual([]);
    expect(functionSpans(store, 's', { ...hot, line: 11 }, undefined, 10)).toEqual([]);
    expect(functionSpans(store, 's', { name: 'other', url: 'file:///app.js', line: 31 }, undefined, 10).map((r) => r.span.spanId)).toEqual(['secondHalf', 'whole', 'straddle']);
  });
});
