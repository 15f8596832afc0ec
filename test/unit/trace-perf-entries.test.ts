// Reports of the injected PerformanceObserver agent: marks, measures and GC entries checked and
// turned into trace events; anything else refused or skipped with a reason.
import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_CHARS, parsePerfBatch } from '../../src/main/engine/capture/trace/perf-entries';

const T0_MS = 1_790_000_000_123.25;

describe('performance entry reports', () => {
  it('turns marks, measures and GC entries into trace events in epoch µs', () => {
    const batch = parsePerfBatch(
      JSON.stringify({
        entries: [
          { type: 'mark', name: 'm1', startMs: T0_MS, durationMs: 0, detail: '{"step":1}' },
          { type: 'measure', name: 'load', startMs: T0_MS, durationMs: 2.5 },
          { type: 'gc', name: 'gc', startMs: T0_MS + 1, durationMs: 0.75, gcKind: 1 },
          { type: 'gc', name: 'gc', startMs: T0_MS + 2, durationMs: 3, gcKind: 4 },
        ],
        dropped: 2,
      }),
      0,
    )!;
    expect(batch.droppedInTarget).toBe(2);
    expect(batch.skipped.size).toBe(0);
    expect(batch.events).toEqual([
      { threadId: 0, timeUs: T0_MS * 1000, durationUs: null, ph: 'I', cat: 'node.perf.usertiming', name: 'm1', kind: 'mark', args: { detail: { step: 1 } } },
      { threadId: 0, timeUs: T0_MS * 1000, durationUs: 2500, ph: 'X', cat: 'node.perf.usertiming', name: 'load', kind: 'measure', args: null },
      { threadId: 0, timeUs: (T0_MS + 1) * 1000, durationUs: 750, ph: 'X', cat: 'node.perf.gc', name: 'MinorGC', kind: 'gc', args: { gcKind: 1 } },
      { threadId: 0, timeUs: (T0_MS + 2) * 1000, durationUs: 3000, ph: 'X', cat: 'node.perf.gc', name: 'MajorGC', kind: 'gc', args: { gcKind: 4 } },
    ]);
  });

  it('refuses payloads that are not a batch: truncated, wrong type, huge', () => {
    const good = JSON.stringify({ entries: [{ type: 'mark', name: 'm', startMs: T0_MS, durationMs: 0 }] });
    expect(parsePerfBatch(good.slice(0, good.length - 3), 0)).toBeNull();
    expect(parsePerfBatch('', 0)).toBeNull();
    expect(parsePerfBatch('[]', 0)).toBeNull();
    expect(parsePerfBatch('{"entries":"m"}', 0)).toBeNull();
    expect(parsePerfBatch(JSON.stringify({ entries: [], dropped: -1 }), 0)).toBeNull();
    expect(parsePerfBatch(JSON.stringify({ entries: new Array(10_001).fill(0) }), 0)).toBeNull();
    expect(parsePerfBatch(' '.repeat(MAX_PAYLOAD_CHARS + 1), 0)).toBeNull();
  });

  it('skips malformed entries with a count and a reason, keeping the good ones', () => {
    const hostile = '{"type":"mark","name":"kept","startMs":1790000000123.25,"durationMs":0,"__proto__":{"polluted":true}}';
    const batch = parsePerfBatch(
      JSON.stringify({
        entries: [
          null,
          'mark',
          { type: 'mark', name: 'no-time', durationMs: 0 },
          { type: 'mark', name: 'negative', startMs: -5, durationMs: 0 },
          { type: 'resource', name: 'x', startMs: T0_MS, durationMs: 1 },
          { type: 'measure', name: 'x'.repeat(1001), startMs: T0_MS, durationMs: 1 },
          { type: 'mark', name: 'huge-detail', startMs: T0_MS, durationMs: 0, detail: 'x'.repeat(2000) },
          'HOSTILE',
        ],
      }).replace('"HOSTILE"', hostile),
      0,
    )!;
    expect(batch.events.map((e) => e.name)).toEqual(['kept']);
    expect([...batch.skipped.values()].reduce((a, b) => a + b, 0)).toBe(7);
    expect(batch.events[0]?.args).toBeNull();
    expect(batch.skipped.get('malformed mark')).toBe(3);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps a detail that is not JSON as text, and an unknown GC kind as GC', () => {
    const batch = parsePerfBatch(
      JSON.stringify({
        entries: [
          { type: 'mark', name: 'm', startMs: T0_MS, durationMs: 0, detail: 'not json' },
          { type: 'gc', name: 'gc', startMs: T0_MS, durationMs: 1 },
        ],
      }),
      3,
    )!;
    expect(batch.events[0]?.args).toEqual({ detail: 'not json' });
    expect(batch.events[1]).toMatchObject({ name: 'GC', threadId: 3, args: { gcKind: 0 } });
  });
});
