// Time to answer a selection change: the engine calls the window makes when the range, thread or
// span changes (summary, flame tree, allocations, logs, spans, trace events, metrics), each timed,
// cold (first question after opening the store) and warm (median of repeats).
import type { Scope } from '../../src/shared/api';
import type { TimeRange } from '../../src/shared/domain';
import { Engine } from '../../src/main/engine/engine';
import { median } from './statistics';

export const SELECTION_CALLS = ['flame', 'summary', 'allocations', 'logs', 'spans', 'events', 'metrics', 'timeline'] as const;
export type SelectionCall = (typeof SELECTION_CALLS)[number];

export interface SelectionCase {
  window: string;
  scope: string;
  /** ms per call, first question after opening the store. */
  cold: Record<SelectionCall, number>;
  /** ms per call, median of warm repeats. */
  warm: Record<SelectionCall, number>;
  /** The calls one after another, as the sum the window waits for at worst. */
  coldTotalMs: number;
  warmTotalMs: number;
  flameNodes: number;
}

export interface SelectionSession {
  sessionId: string;
  startUs: number;
  endUs: number;
  /** A worker thread for the thread scope. */
  threadId: number;
  spanId: string;
}

const LOG_PAGE = 200;
const SPAN_LIMIT = 2000;
const EVENT_LIMIT = 5000;
const TIMELINE_WIDTH_PX = 1400;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** Runs the calls of one selection; returns ms per call and the flame tree's node count. */
async function askSelection(engine: Engine, sessionId: string, range: TimeRange | undefined, scope: Scope | undefined): Promise<{ ms: Record<SelectionCall, number>; flameNodes: number }> {
  const windowed = range ?? (scope ? { fromUs: 0, toUs: Number.MAX_SAFE_INTEGER } : undefined);
  const flame = await timed(() => engine.getFlameTree(sessionId, windowed, scope));
  const summary = await timed(() => engine.getSummary(sessionId, windowed, scope));
  const allocations = await timed(() => engine.getAllocationTree(sessionId, windowed, scope));
  const logs = await timed(() => engine.getLogs(sessionId, { offset: 0, limit: LOG_PAGE, ...(range ? { range } : {}), ...(scope?.spanId ? { spanId: scope.spanId } : {}) }));
  const spans = await timed(() => engine.getSpans(sessionId, { ...(range ? { range } : {}), limit: SPAN_LIMIT }));
  const events = await timed(() => engine.getTraceEvents(sessionId, { ...(range ? { range } : {}), ...(scope?.threadId !== undefined ? { threadId: scope.threadId } : {}), limit: EVENT_LIMIT }));
  const metrics = await timed(() => engine.getMetrics(sessionId));
  // The timeline asks for its own window (the selection, or all of it) at the window's width.
  const session = await engine.listSessions().then((all) => all.find((s) => s.id === sessionId)!);
  const whole = { fromUs: session.startedAt, toUs: session.endedAt ?? session.startedAt + 1 };
  const timeline = await timed(() => engine.getTimeline(sessionId, { range: range ?? whole, widthPx: TIMELINE_WIDTH_PX, ...(scope?.threadId !== undefined ? { threadIds: [scope.threadId] } : {}) }));
  return {
    ms: { flame: flame.ms, summary: summary.ms, allocations: allocations.ms, logs: logs.ms, spans: spans.ms, events: events.ms, metrics: metrics.ms, timeline: timeline.ms },
    flameNodes: flame.value.parent.length,
  };
}

const total = (ms: Record<SelectionCall, number>): number => SELECTION_CALLS.reduce((sum, call) => sum + ms[call], 0);

/** Windows of 1%, 10% and 100% of the session, unscoped, on one thread and in one span. */
export async function benchSelectionLatency(storePath: string, session: SelectionSession, warmRuns: number, progress: (line: string) => void): Promise<SelectionCase[]> {
  const span = session.endUs - session.startUs;
  const windowAt = (fraction: number, at: number): TimeRange => {
    const fromUs = Math.round(session.startUs + (span - span * fraction) * at);
    return { fromUs, toUs: Math.round(fromUs + span * fraction) };
  };
  const cases: { window: string; range: TimeRange | undefined; scope: string; value: Scope | undefined }[] = [];
  for (const [window, range] of [
    ['1%', windowAt(0.01, 0.37)],
    ['10%', windowAt(0.1, 0.61)],
    ['100%', undefined],
  ] as const) {
    cases.push({ window, range, scope: 'none', value: undefined });
    cases.push({ window, range, scope: `thread ${session.threadId}`, value: { threadId: session.threadId } });
  }
  cases.push({ window: '100%', range: undefined, scope: 'span', value: { spanId: session.spanId } });

  const results: SelectionCase[] = [];
  for (const c of cases) {
    // Cold: a fresh engine on the same file, as the window after opening it.
    const engine = Engine.open({ storePath });
    try {
      const cold = await askSelection(engine, session.sessionId, c.range, c.value);
      const warmRuns_: Record<SelectionCall, number>[] = [];
      for (let i = 0; i < warmRuns; i++) warmRuns_.push((await askSelection(engine, session.sessionId, c.range, c.value)).ms);
      const warm = Object.fromEntries(SELECTION_CALLS.map((call) => [call, median(warmRuns_.map((r) => r[call]))])) as Record<SelectionCall, number>;
      results.push({ window: c.window, scope: c.scope, cold: cold.ms, warm, coldTotalMs: total(cold.ms), warmTotalMs: total(warm), flameNodes: cold.flameNodes });
      progress(`  ${c.window} ${c.scope}: flame cold ${cold.ms.flame.toFixed(0)} ms, warm ${warm.flame.toFixed(0)} ms; all calls cold ${total(cold.ms).toFixed(0)} ms, warm ${total(warm).toFixed(0)} ms`);
    } finally {
      await engine.close();
    }
  }
  return results;
}
