// The one-clock proof: a target marks known wall-clock instants (edge-synced Date.now) and
// every signal that saw them must put them at the same time after mapping: performance marks,
// NodeTracing's console.time events (monotonic ts + clock offset), console log records, CPU
// samples in the function that runs right after, and OpenTelemetry spans started there.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { Store } from '../../src/main/engine/store/store';
import { tempStorePath } from '../support/store-files';
import { waitFor } from '../support/targets';
import { cleanupsAfterEach } from '../support/cleanups';

const FIXTURE = resolve(__dirname, '../fixtures/clock-marks.cjs');

const cleanups = cleanupsAfterEach();

interface Residuals {
  medianUs: number;
  maxAbsUs: number;
  n: number;
}

function residuals(valuesUs: number[]): Residuals {
  const sorted = [...valuesUs].sort((a, b) => a - b);
  return { medianUs: Math.round(sorted[sorted.length >> 1] ?? NaN), maxAbsUs: Math.round(Math.max(...sorted.map(Math.abs))), n: sorted.length };
}

/** Times (epoch µs) of thread-0 samples whose stack holds the named function, in order. */
function samplesIn(store: Store, sessionId: string, functionName: string): number[] {
  const ids = new Set(store.cpu.functions(sessionId).filter((f) => f.name === functionName).map((f) => f.id));
  const { parent, functionId } = store.cpu.stacks(sessionId);
  const holds = (stack: number): boolean => {
    for (let s = stack; s > 0; s = parent[s]!) if (ids.has(functionId[s]!)) return true;
    return false;
  };
  const times: number[] = [];
  for (const chunk of store.cpu.chunks(sessionId)) {
    if (chunk.threadId !== 0) continue;
    chunk.timesUs.forEach((t, i) => {
      if (holds(chunk.stackIds[i]!)) times.push(t);
    });
  }
  return times.sort((a, b) => a - b);
}

describe('one clock for every signal', () => {
  it('puts a known wall-clock instant at the same time in marks, trace events, logs, CPU samples and spans', async () => {
    const storeFile = tempStorePath();
    cleanups.push(() => storeFile.remove());
    const engine = Engine.open({ storePath: storeFile.path });
    cleanups.push(() => engine.close());
    const { sessionId } = await engine.startRecording({
      target: { kind: 'launch', command: [process.execPath, FIXTURE] },
      signals: ['cpu', 'logs', 'trace', 'otlp'],
      intervalUs: 100,
      traceCategories: ['node.console'],
    });
    cleanups.push(async () => void (await engine.stopRecording(sessionId)));
    // About 3 s: twelve instants, however slowly a loaded machine lets the target run.
    const settledLines = async (): Promise<number> => (await engine.getLogs(sessionId, { offset: 0, limit: 1000, text: 'settled ' })).records.length;
    await waitFor('twelve marked instants', async () => (await settledLines()) >= 12, 30_000);
    await engine.stopRecording(sessionId);

    // The instants, as the target read them: `mark <n> <edge-synced Date.now()>`.
    const logs = await engine.getLogs(sessionId, { offset: 0, limit: 1000 });
    const marksAt = new Map<number, { edgeUs: number; logUs: number; settledUs: number; spunUs: number }>();
    for (const record of logs.records) {
      const m = /^mark (\d+) (\d+)$/.exec(record.text);
      if (m && record.source === 'console') marksAt.set(Number(m[1]), { edgeUs: Number(m[2]) * 1000, logUs: record.timeUs, settledUs: NaN, spunUs: NaN });
    }
    for (const record of logs.records) {
      const m = /^settled (\d+) (\d+) (\d+)$/.exec(record.text);
      const at = m ? marksAt.get(Number(m[1])) : undefined;
      if (at) {
        at.settledUs = Number(m![2]) * 1000;
        at.spunUs = Number(m![3]) * 1000;
      }
    }
    expect(marksAt.size).toBeGreaterThanOrEqual(8);

    const events = await engine.getTraceEvents(sessionId, {});
    const spans = await engine.getSpans(sessionId, {});
    const store = Store.open(storeFile.path);
    cleanups.push(() => store.close());
    const spinSamples = samplesIn(store, sessionId, 'clockMarkerSpin');

    // Residuals in µs: each signal's time of the instant minus the target's own reading of it.
    const mark: number[] = [];
    const consoleTime: number[] = [];
    const log: number[] = [];
    const cpu: number[] = [];
    const span: number[] = [];
    /** Signals made between the edges must sit between them (0.2 ms of slack before, for the mapping). */
    const outside: string[] = [];
    const within = (what: string, timeUs: number, fromUs: number, toUs: number): void => {
      if (timeUs < fromUs - 200 || timeUs > toUs) outside.push(`${what} at ${timeUs - fromUs} µs, window ${toUs - fromUs} µs`);
    };
    const spins: [number, number][] = [];
    /** Instants whose work before the spin fit in the edge's own millisecond. */
    let undisturbed = 0;
    for (const [n, { edgeUs, logUs, settledUs, spunUs }] of marksAt) {
      if (Number.isNaN(settledUs)) continue;
      spins.push([settledUs, spunUs]);
      if (settledUs - edgeUs <= 1000) undisturbed++;
      log.push(logUs - edgeUs);
      within(`log ${n}`, logUs, edgeUs, settledUs);
      // The last instant may come after the observer was removed at stop.
      const markEvent = events.find((e) => e.kind === 'mark' && e.name === `m${n}`);
      if (markEvent) {
        mark.push(markEvent.timeUs - edgeUs);
        within(`mark ${n}`, markEvent.timeUs, edgeUs, settledUs);
      }
      const timeEvent = events.find((e) => e.kind === 'console' && e.name === `time::m${n}`);
      if (timeEvent) {
        consoleTime.push(timeEvent.timeUs - edgeUs);
        within(`console.time ${n}`, timeEvent.timeUs, edgeUs, settledUs);
      }
      const otelSpan = spans.find((s) => s.name === `marker m${n}`);
      if (otelSpan) {
        span.push(otelSpan.startUs - edgeUs);
        within(`span ${n}`, otelSpan.startUs, edgeUs, settledUs);
      }
      // Looked for from the first edge on: a sample placed before the spin started would show.
      const firstSample = spinSamples.find((t) => t >= edgeUs);
      if (firstSample !== undefined && firstSample < settledUs + 150_000) cpu.push(firstSample - settledUs);
    }
    const measured = { undisturbed, mark: residuals(mark), consoleTime: residuals(consoleTime), log: residuals(log), cpu: residuals(cpu), span: residuals(span) };
    console.log(`one-clock residuals in µs (cpu: after the spin's edge; others: after the instant's edge): ${JSON.stringify(measured)}`);

    expect(log.length).toBeGreaterThanOrEqual(11);
    expect(mark.length).toBeGreaterThanOrEqual(log.length - 1);
    expect(consoleTime.length).toBeGreaterThanOrEqual(log.length - 1);
    expect(outside).toEqual([]);
    // Where the target ran undisturbed, the window is the edge's own millisecond, so the check
    // above is "within 1 ms" exactly; a held-up target widens it. The mark comes first after the
    // edge (tens of µs); console.time and the log line follow the span's start, which on a loaded
    // machine (load 13-17 on two cores measured) already takes a good part of a millisecond.
    expect(measured.mark.medianUs).toBeLessThan(1000);
    expect(measured.consoleTime.medianUs).toBeLessThan(2000);
    expect(measured.log.medianUs).toBeLessThan(2000);
    // CPU samples every 100 µs. Every sample in the spin lies between the edges around it,
    // whatever the machine's load: a clock offset would push samples out of their window.
    const first = Math.min(...spins.map(([from]) => from));
    const last = Math.max(...spins.map(([, to]) => to));
    const strays = spinSamples
      .filter((t) => t >= first && t <= last)
      .filter((t) => !spins.some(([from, to]) => t >= from - 200 && t <= to + 200))
      .map((t) => Math.round(t - first));
    expect(spinSamples.filter((t) => t >= first && t <= last).length).toBeGreaterThan(spins.length * 5);
    expect(strays).toEqual([]);
    // The first sample in a spin usually comes about a millisecond after it starts (medians
    // 0.3-1 ms with the machine otherwise idle, up to 6 ms under a load of 13 on two cores, single
    // ones up to 73 ms late): a bound on that would test the machine's load, so it is loose.
    expect(cpu.length).toBeGreaterThanOrEqual(log.length - 2);
    for (const v of cpu) expect(v).toBeGreaterThan(-200);
    expect(measured.cpu.medianUs).toBeLessThan(10_000);
    // OTel starts a span at Date.now(), whole milliseconds: right after the mark, that is the
    // edge's own millisecond unless the target was held up.
    expect(span.length).toBeGreaterThanOrEqual(log.length - 2);
    expect(span.every((v) => v % 1000 === 0)).toBe(true);
    expect(measured.span.medianUs).toBeLessThanOrEqual(1000);
  });
});
