// Raw NodeTracing events: narrowed from unknown, classified (gc, console, http...), and their
// begin/end halves paired into one event with a duration, across chunks.
import { describe, expect, it } from 'vitest';
import { TraceEventAssembler, traceEventKind } from '../../src/main/engine/capture/trace/trace-event-kinds';
import { MAX_ARGS_CHARS, type RawTraceEvent, parseTraceEvent } from '../../src/main/engine/capture/trace/trace-event-shape';

function raw(fields: Partial<RawTraceEvent> & { ph: string; name: string; tsUs: number }): RawTraceEvent {
  return { cat: 'v8', pid: 10, tid: 10, durUs: null, id: null, args: null, ...fields };
}

describe('trace event kinds', () => {
  it('classifies GC, console, http, fs and event-loop events', () => {
    expect(traceEventKind('devtools.timeline,v8', 'MinorGC')).toBe('gc');
    expect(traceEventKind('devtools.timeline,v8', 'MajorGC')).toBe('gc');
    expect(traceEventKind('v8', 'V8.GCScavenger')).toBe('gc');
    expect(traceEventKind('v8', 'V8.GCIncrementalMarking')).toBe('gc');
    expect(traceEventKind('disabled-by-default-v8.gc', 'Parallel scavenge started')).toBe('gc');
    expect(traceEventKind('v8', 'V8.DeoptimizeCode')).toBe('other');
    expect(traceEventKind('node,node.console', 'MinorGC')).toBe('console');
    expect(traceEventKind('node,node.console', 'time::T1')).toBe('console');
    expect(traceEventKind('node,node.http', 'http.server.request')).toBe('http');
    expect(traceEventKind('node,node.fs,node.fs.async', 'open')).toBe('fs');
    expect(traceEventKind('node,node.fs_dir,node.fs_dir.sync', 'opendir')).toBe('fs');
    expect(traceEventKind('node,node.environment', 'RunTimers')).toBe('loop');
    expect(traceEventKind('node,node.async_hooks', 'PROMISE')).toBe('other');
  });
});

describe('pairing begin and end halves', () => {
  it('makes one GC event of a B/E pair, with the heap sizes of both halves', () => {
    const assembler = new TraceEventAssembler();
    expect(assembler.add(raw({ ph: 'B', name: 'MinorGC', tsUs: 1000, args: { usedHeapSizeBefore: 900, type: 'allocation failure' } }))).toEqual([]);
    const [gc] = assembler.add(raw({ ph: 'E', name: 'MinorGC', tsUs: 1750, args: { usedHeapSizeAfter: 400 } }));
    expect(gc).toEqual({
      ph: 'X',
      cat: 'v8',
      name: 'MinorGC',
      tid: 10,
      tsUs: 1000,
      durationUs: 750,
      args: { usedHeapSizeBefore: 900, type: 'allocation failure', usedHeapSizeAfter: 400 },
    });
  });

  it('pairs nested B/E per thread, and an E names the B it closes', () => {
    const assembler = new TraceEventAssembler();
    assembler.add(raw({ ph: 'B', name: 'MajorGC', tsUs: 100 }));
    assembler.add(raw({ ph: 'B', name: 'MinorGC', tsUs: 100, tid: 11 }));
    assembler.add(raw({ ph: 'B', name: 'Inner', tsUs: 150 }));
    const inner = assembler.add(raw({ ph: 'E', name: '', tsUs: 160 }));
    expect(inner.map((e) => [e.name, e.durationUs])).toEqual([['Inner', 10]]);
    const major = assembler.add(raw({ ph: 'E', name: 'MajorGC', tsUs: 400 }));
    expect(major.map((e) => [e.name, e.durationUs])).toEqual([['MajorGC', 300]]);
    expect(assembler.add(raw({ ph: 'E', name: 'MinorGC', tsUs: 130, tid: 11 }))[0]?.durationUs).toBe(30);
  });

  it('pairs async b/e by category, name and id, even across threads and chunks', () => {
    const assembler = new TraceEventAssembler();
    const cat = 'node,node.http';
    assembler.add(raw({ ph: 'b', cat, name: 'http.server.request', id: '0x1', tsUs: 10 }));
    assembler.add(raw({ ph: 'b', cat, name: 'http.server.request', id: '0x2', tsUs: 20 }));
    const second = assembler.add(raw({ ph: 'e', cat, name: 'http.server.request', id: '0x2', tsUs: 70, tid: 99, args: { data: { statusCode: 200 } } }));
    expect(second).toEqual([{ ph: 'b', cat, name: 'http.server.request', tid: 10, tsUs: 20, durationUs: 50, args: { data: { statusCode: 200 } } }]);
    expect(assembler.add(raw({ ph: 'e', cat, name: 'http.server.request', id: '0x1', tsUs: 100 }))[0]?.durationUs).toBe(90);
  });

  it('keeps an end without its begin as it is, and gives begins still open at the end no duration', () => {
    const assembler = new TraceEventAssembler();
    const orphan = assembler.add(raw({ ph: 'E', name: 'MinorGC', tsUs: 5 }));
    expect(orphan).toEqual([expect.objectContaining({ ph: 'E', durationUs: null })]);
    expect(assembler.add(raw({ ph: 'e', name: 'time::x', id: '0x0', tsUs: 6 }))[0]?.ph).toBe('e');
    expect(assembler.unmatchedEnds).toBe(2);
    assembler.add(raw({ ph: 'B', name: 'MajorGC', tsUs: 30 }));
    assembler.add(raw({ ph: 'b', name: 'time::y', id: '0x0', tsUs: 20 }));
    expect(assembler.drainOpen().map((e) => [e.name, e.tsUs, e.durationUs])).toEqual([
      ['time::y', 20, null],
      ['MajorGC', 30, null],
    ]);
    expect(assembler.drainOpen()).toEqual([]);
  });

  it('passes complete events, instants and counters through', () => {
    const assembler = new TraceEventAssembler();
    expect(assembler.add(raw({ ph: 'X', name: 'V8.GCScavenger', tsUs: 1, durUs: 321 }))[0]?.durationUs).toBe(321);
    expect(assembler.add(raw({ ph: 'C', name: 'count::rounds', tsUs: 2, args: { data: 3 } }))[0]).toMatchObject({ ph: 'C', durationUs: null });
    expect(assembler.add(raw({ ph: 'I', name: 'V8.GC_Heap_Stats', tsUs: 3 }))[0]?.ph).toBe('I');
  });

  it('holds a bounded number of open halves: a flood of begins gives the oldest up', () => {
    const assembler = new TraceEventAssembler();
    let given = 0;
    for (let i = 0; i < 10_500; i++) given += assembler.add(raw({ ph: 'B', name: `b${i}`, tsUs: i })).length;
    for (let i = 0; i < 500; i++) given += assembler.add(raw({ ph: 'b', name: 'a', id: String(i), tsUs: i })).length;
    expect(given).toBe(1000);
    expect(assembler.drainOpen()).toHaveLength(10_000);
  });
});

describe('reading raw trace events', () => {
  it('reads a NodeTracing event as the target sends it', () => {
    const parsed = parseTraceEvent({ pid: 7, tid: 7, ts: 7505170178, tts: 107654, ph: 'B', cat: 'devtools.timeline,v8', name: 'MinorGC', dur: 0, args: { usedHeapSizeBefore: 1 } });
    expect(parsed).toEqual({
      ok: true,
      event: { ph: 'B', cat: 'devtools.timeline,v8', name: 'MinorGC', pid: 7, tid: 7, tsUs: 7505170178, durUs: 0, id: null, args: { usedHeapSizeBefore: 1 } },
    });
    const async = parseTraceEvent({ ph: 'b', cat: 'c', name: 'n', ts: 1, id2: { local: '0x5' }, args: {} });
    expect(async.ok && async.event).toMatchObject({ id: '0x5', args: null });
  });

  it('refuses what is not an event: wrong types, missing or hostile fields', () => {
    const reasons = [
      null,
      42,
      'B',
      [],
      {},
      { ph: 'BE', name: 'x', cat: 'c', ts: 1 },
      { ph: 'B', name: 7, cat: 'c', ts: 1 },
      { ph: 'B', name: 'x', ts: 1 },
      { ph: 'B', name: 'x', cat: 'c', ts: '1' },
      { ph: 'B', name: 'x', cat: 'c', ts: Number.NaN },
      { ph: 'B', name: 'x', cat: 'c', ts: -1 },
      { ph: 'B', name: 'x'.repeat(1001), cat: 'c', ts: 1 },
    ].map((e) => parseTraceEvent(e));
    expect(reasons.every((r) => !r.ok)).toBe(true);
    expect(reasons.map((r) => (r.ok ? '' : r.reason))).toContain('no time');
  });

  it('keeps only the size of huge args, and tolerates odd ids, durations and cyclic args', () => {
    const huge = parseTraceEvent({ ph: 'I', name: 'V8.GC_Heap_Stats', cat: 'c', ts: 1, args: { stats: 'x'.repeat(MAX_ARGS_CHARS) } });
    expect(huge.ok && huge.event.args).toMatchObject({ truncated: true });
    const odd = parseTraceEvent({ ph: 'X', name: 'n', cat: 'c', ts: 1, dur: -3, id: { nested: true }, pid: 'p' });
    expect(odd.ok && odd.event).toMatchObject({ durUs: null, id: null, pid: 0 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const withCycle = parseTraceEvent({ ph: 'I', name: 'n', cat: 'c', ts: 1, args: cyclic });
    expect(withCycle.ok && withCycle.event.args).toEqual({ unreadable: true });
  });
});
