// Pages of the selected session's logs for the current filter and range, fetched as rows scroll in.
import { create } from 'zustand';
import type { LogRecord, TimeRange } from '../../shared/domain';
import { messageOf } from '../../shared/errors';
import { api } from './api';

export const LOG_PAGE_SIZE = 200;

export interface LogQueryKey {
  sessionId: string;
  text: string;
  range: TimeRange | null;
  threadId: number | null;
  spanId: string | null;
  /** With a span selected: the logs that carry its id, or every log in its time range. */
  spanLogs?: 'span' | 'range';
}

export interface LogsState {
  key: LogQueryKey | null;
  /** Rows matching the query; null until the first page arrives. */
  total: number | null;
  pages: Map<number, LogRecord[]>;
  error: string | null;
  /** Bumped when stale pages should be fetched again (a live recording grew). */
  version: number;
  setQuery(key: LogQueryKey): void;
  ensurePages(first: number, last: number): void;
  invalidate(): void;
}

const pageVersion = new Map<number, number>();
const inFlight = new Set<string>();

function sameKey(a: LogQueryKey | null, b: LogQueryKey): boolean {
  return (
    a !== null &&
    a.sessionId === b.sessionId &&
    a.text === b.text &&
    a.range?.fromUs === b.range?.fromUs &&
    a.range?.toUs === b.range?.toUs &&
    a.threadId === b.threadId &&
    a.spanId === b.spanId &&
    (a.spanLogs ?? 'span') === (b.spanLogs ?? 'span')
  );
}

export const useLogs = create<LogsState>((set, get) => ({
  key: null,
  total: null,
  pages: new Map(),
  error: null,
  version: 0,
  setQuery: (key) => {
    if (sameKey(get().key, key)) return;
    pageVersion.clear();
    set({ key, total: null, pages: new Map(), error: null, version: get().version + 1 });
    get().ensurePages(0, 0);
  },
  ensurePages: (first, last) => {
    const { key, version } = get();
    if (!key) return;
    for (let page = first; page <= last; page++) {
      const flightKey = `${version}:${page}`;
      if (pageVersion.get(page) === version || inFlight.has(flightKey)) continue;
      inFlight.add(flightKey);
      const query = {
        offset: page * LOG_PAGE_SIZE,
        limit: LOG_PAGE_SIZE,
        ...(key.text ? { text: key.text } : {}),
        // A span's logs are those that carry its id, wherever their clock put them; or, when asked,
        // everything logged during its range.
        ...(key.range && (!key.spanId || key.spanLogs === 'range') ? { range: key.range } : {}),
        ...(key.spanId && key.spanLogs !== 'range' ? { spanId: key.spanId } : !key.spanId && key.threadId !== null ? { threadId: key.threadId } : {}),
      };
      api
        .getLogs(key.sessionId, query)
        .then(
          (result) => {
            if (get().key !== key || get().version !== version) return;
            pageVersion.set(page, version);
            const pages = new Map(get().pages);
            pages.set(page, result.records);
            set({ pages, total: result.total, error: null });
          },
          (error: unknown) => {
            if (get().key === key) set({ error: messageOf(error) });
          },
        )
        .finally(() => inFlight.delete(flightKey));
    }
  },
  invalidate: () => set({ version: get().version + 1 }),
}));
