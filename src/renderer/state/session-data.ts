// Summary, flame tree and metrics of the selected session (and range), fetched together.
import { create } from 'zustand';
import type { FlameTree, MetricSeries, SessionSummary, TimeRange } from '../../shared/domain';
import { messageOf } from '../../shared/errors';
import { api } from './api';
import type { Loadable } from './loadable';

export interface SessionDataState {
  sessionId: string | null;
  range: TimeRange | null;
  summary: Loadable<SessionSummary>;
  flame: Loadable<FlameTree>;
  metrics: Loadable<MetricSeries[]>;
  /** Fetches what the (session, range) needs; `keep` shows the old values while reloading. */
  load(sessionId: string, range: TimeRange | null, keep?: boolean): void;
  clear(): void;
}

let generation = 0;

function reloading<T>(current: Loadable<T>, keep: boolean): Loadable<T> {
  const previous = keep && current.state === 'ready' ? current.value : keep && current.state === 'loading' ? current.previous : null;
  return { state: 'loading', previous };
}

export const useSessionData = create<SessionDataState>((set, get) => ({
  sessionId: null,
  range: null,
  summary: { state: 'idle' },
  flame: { state: 'idle' },
  metrics: { state: 'idle' },
  load: (sessionId, range, keep = false) => {
    const mine = ++generation;
    const before = get();
    const sameSession = before.sessionId === sessionId;
    const rangeArg = range ?? undefined;
    set({
      sessionId,
      range,
      summary: reloading(before.summary, keep || sameSession),
      flame: reloading(before.flame, keep),
      // Metrics cover the whole session; a new range does not refetch them.
      metrics: sameSession && !keep && before.metrics.state === 'ready' ? before.metrics : reloading(before.metrics, keep),
    });
    const settle = <K extends 'summary' | 'flame' | 'metrics'>(key: K, promise: Promise<unknown>) => {
      promise.then(
        (value) => {
          if (mine === generation) set({ [key]: { state: 'ready', value } } as Partial<SessionDataState>);
        },
        (error: unknown) => {
          if (mine === generation) set({ [key]: { state: 'error', message: messageOf(error) } } as Partial<SessionDataState>);
        },
      );
    };
    settle('summary', api.getSummary(sessionId, rangeArg));
    settle('flame', api.getFlameTree(sessionId, rangeArg));
    if (get().metrics.state !== 'ready' || keep || !sameSession) settle('metrics', api.getMetrics(sessionId));
  },
  clear: () => {
    generation++;
    set({ sessionId: null, range: null, summary: { state: 'idle' }, flame: { state: 'idle' }, metrics: { state: 'idle' } });
  },
}));
