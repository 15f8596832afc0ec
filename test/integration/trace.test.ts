// The trace signal end to end on launched targets: GC pauses, console.time spans, performance
// marks and measures in the store; the categories the target offers; the umbrella 'node'
// category refused; the last chunks of an exiting target kept.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEventRecord } from '../../src/shared/domain';
import { ParallaxError } from '../../src/shared/errors';
import { Engine } from '../../src/main/engine/engine';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';

const FIXTURE = resolve(__dirname, '../fixtures/trace-gc-console.cjs');

const cleanups = cleanupsAfterEach();

function openEngine(): Engine {
  return openTestEngine(cleanups).engine;
}

/** Launches the fixture under a recording; the engine stops it when the recording ends. */
async function record(engine: Engine, fixtureArgs: string[], durationSec?: number, traceCategories?: string[]): Promise<string> {
  const { sessionId } = await engine.startRecording({
    target: { kind: 'launch', command: [process.execPath, FIXTURE, ...fixtureArgs] },
    signals: ['trace'],
    durationSec,
    traceCategories,
  });
  cleanups.push(async () => void (await engine.stopRecording(sessionId)));
  return sessionId;
}

const named = (events: TraceEventRecord[], name: string): TraceEventRecord | undefined => events.find((e) => e.name === name);

describe('the trace signal', () => {
  it('stores GC pauses with durations, console.time spans, marks and measures on the recording clock', async () => {
    const engine = openEngine();
    const sessionId = await record(engine, [], 2.5);
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.status).toBe('completed');

    const events = await engine.getTraceEvents(sessionId, {});
    for (const event of events) {
      expect(event.timeUs).toBeGreaterThanOrEqual(session.startedAt - 1000);
      expect(event.timeUs).toBeLessThanOrEqual(session.endedAt! + 1000);
    }
    // Scavenges: one MinorGC per B/E pair, with the heap size before and after.
    const minor = events.filter((e) => e.kind === 'gc' && e.name === 'MinorGC');
    expect(minor.length).toBeGreaterThanOrEqual(5);
    for (const gc of minor) {
      expect(gc.ph).toBe('X');
      expect(gc.durationUs).toBeGreaterThan(0);
      expect(gc.durationUs).toBeLessThan(2_000_000);
      expect(gc.args).toMatchObject({ usedHeapSizeBefore: expect.any(Number), usedHeapSizeAfter: expect.any(Number) });
    }
    // V8 also reports each scavenge as one complete event: it lies inside the pair made of B/E.
    const scavenges = events.filter((e) => e.name === 'V8.GCScavenger');
    expect(scavenges.length).toBeGreaterThan(0);
    for (const s of scavenges) {
      expect(minor.some((m) => m.timeUs <= s.timeUs && s.timeUs + s.durationUs! <= m.timeUs + m.durationUs!)).toBe(true);
    }

    // console.time/timeEnd: one async pair per round; console.count: counters.
    const timed = events.filter((e) => e.kind === 'console' && /^time::work-\d+$/.test(e.name));
    expect(timed.length).toBeGreaterThanOrEqual(20);
    expect(timed.every((e) => e.ph === 'b')).toBe(true);
    // The stop can land inside a round (inspector messages interrupt running JS): that round's
    // begin then has no end. Only the last one may be open; every other pair has its duration.
    const open = timed.filter((e) => e.durationUs === null);
    expect(open.length).toBeLessThanOrEqual(1);
    if (open.length === 1) expect(open[0]!.timeUs).toBe(Math.max(...timed.map((e) => e.timeUs)));
    expect(timed.filter((e) => e.durationUs !== null).every((e) => e.durationUs! > 0)).toBe(true);
    expect(events.some((e) => e.kind === 'console' && e.name === 'count::rounds')).toBe(true);

    // Marks and measures come from the observer; each measure spans its round's console.time.
    const marks = events.filter((e) => e.kind === 'mark');
    const measures = events.filter((e) => e.kind === 'measure');
    expect(marks.length).toBeGreaterThanOrEqual(40);
    expect(measures.length).toBeGreaterThanOrEqual(20);
    expect(marks.every((m) => m.durationUs === null && /^work-\d+:(start|end)$/.test(m.name))).toBe(true);
    // The two come from different clocks (timeOrigin + startTime; monotonic ts + offset) that
    // agree to tens of µs; a GC may fall between a mark and console.time, so the measure holds
    // the span rather than equals it.
    const startGapsUs: number[] = [];
    for (const measure of measures) {
      const span = named(timed, `time::${measure.name}`);
      if (!span) continue;
      startGapsUs.push(span.timeUs - measure.timeUs);
      expect(span.timeUs).toBeGreaterThanOrEqual(measure.timeUs - 200);
      expect(span.timeUs + span.durationUs!).toBeLessThanOrEqual(measure.timeUs + measure.durationUs! + 200);
      expect(named(marks, `${measure.name}:start`)?.timeUs).toBe(measure.timeUs);
    }
    expect(startGapsUs.length).toBeGreaterThanOrEqual(20);
    expect(startGapsUs.sort((a, b) => a - b)[startGapsUs.length >> 1]).toBeLessThan(300);

    const summary = await engine.getSummary(sessionId);
    expect(summary.counts.traceEvents).toBe(events.length);
    expect(summary.counts.gcEvents).toBe(events.filter((e) => e.kind === 'gc').length);
    const offered = session.notes['trace.categories.available']!.split(',');
    for (const category of ['v8', 'node', 'node.async_hooks', 'node.console', 'node.http', 'node.environment']) expect(offered).toContain(category);
    expect(session.notes['trace.categories.recorded']).toBe('v8,node.console,node.http,node.fs.async,node.dns.native,node.net.native');
  });

  it('refuses the umbrella node category before launching anything, and says what to ask for', async () => {
    const engine = openEngine();
    const refused = await engine.startRecording({
      target: { kind: 'launch', command: [process.execPath, FIXTURE] },
      signals: ['trace'],
      traceCategories: ['v8', 'node'],
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ParallaxError);
    expect((refused as ParallaxError).code).toBe('bad-request');
    expect((refused as ParallaxError).message).toMatch(/"node" turns on node\.async_hooks.*97%.*node\.console/);
    expect(await engine.listSessions()).toEqual([]);
  });

  it('records the categories asked for, and only those', async () => {
    const engine = openEngine();
    const sessionId = await record(engine, [], 1.5, ['node.console']);
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.notes['trace.categories.recorded']).toBe('node.console');
    const events = await engine.getTraceEvents(sessionId, {});
    expect(events.some((e) => e.kind === 'console')).toBe(true);
    // No v8 category: the GC entries of the observer stand in for NodeTracing's GC events.
    const gc = events.filter((e) => e.kind === 'gc');
    expect(gc.length).toBeGreaterThan(0);
    expect(gc.every((e) => e.cat === 'node.perf.gc' && e.durationUs !== null)).toBe(true);
    expect(events.every((e) => e.kind === 'gc' || e.kind === 'mark' || e.kind === 'measure' || e.cat.split(',').includes('node.console'))).toBe(true);
  });

  it('keeps the trailing chunks and the last marks of a target that exits', async () => {
    const engine = openEngine();
    const sessionId = await record(engine, ['--exit-after', '1500']);
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.status).toBe('target-exited');
    const events = await engine.getTraceEvents(sessionId, {});
    // The round right before process.exit: only the chunks after NodeTracing.stop carry it.
    const last = named(events, 'time::last');
    expect(last?.durationUs).toBeGreaterThan(0);
    expect(named(events, 'last:end')?.kind).toBe('mark');
    expect(named(events, 'last')?.kind).toBe('measure');
    expect(events.filter((e) => e.kind === 'gc').length).toBeGreaterThan(0);
  });
});
