// Summary, flame tree and metrics of the selected session (range, thread, span), fetched together.
import { create } from 'zustand';
import type { FlameTree, MetricSeries, SessionSummary, TimeRange } from '../../shared/domain';
import { messageOf } from '../../shared/errors';
import { api } from './api';
import type { Loadable } from './loadable';
import { rangeArg, scopeOf } from './selection';

/** The part of the selection the session's data depends on. */
export interface ViewQuery {
  sessionId: string;
  range: TimeRange | null;
  threadId: number | null;
  spanId: string | null;
}

export interface SessionDataState {
  query: ViewQuery | null;
  summary: Loadable<SessionSummary>;
  flame: Loadable<FlameTree>;
  metrics: Loadable<MetricSeries[]>;
  /** Fetches what the query needs; `keep` shows the old values while reloading. */
  load(query: ViewQuery, keep?: boolean): void;
  clear(): void;
}

let generation = 0;

function reloading<T>(current: Loadable<T>, keep: boolean): Loadable<T> {
  const previous = keep && current.state === 'ready' ? current.value : keep && current.state === 'loading' ? current.previous : null;
  return { state: 'loading', previous };
}

export const useSessionData = create<SessionDataState>((set, get) => ({
  query: null,
  summary: { state: 'idle' },
  flame: { state: 'idle' },
  metrics: { state: 'idle' },
  load: (query, keep = false) => {
    const mine = ++generation;
    const before = get();
    const sameSession = before.query?.sessionId === query.sessionId;
    const scope = scopeOf(query);
    const range = rangeArg(query.range, scope);
    set({
      query,
      summary: reloading(before.summary, keep || sameSession),
      flame: reloading(before.flame, keep),
      // Metrics cover the whole session; a new range, thread or span does not refetch them.
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
    settle('summary', api.getSummary(query.sessionId, range, scope));
    settle('flame', api.getFlameTree(query.sessionId, range, scope));
    if (get().metrics.state !== 'ready' || keep || !sameSession) settle('metrics', api.getMetrics(query.sessionId));
  },
  clear: () => {
    generation++;
    set({ query: null, summary: { state: 'idle' }, flame: { state: 'idle' }, metrics: { state: 'idle' } });
  },
}));
