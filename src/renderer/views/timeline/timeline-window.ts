// The timeline's own view state: which window of time it shows and which tracks are folded. Zooming
// never changes the selection; the selection lives in state/selection.ts.
import { create } from 'zustand';
import type { TimeRange } from '../../../shared/domain';

export interface TimelineWindowState {
  sessionId: string | null;
  view: TimeRange | null;
  collapsed: ReadonlySet<string>;
  expanded: ReadonlySet<string>;
  show(sessionId: string, view: TimeRange): void;
  toggleCollapsed(key: string): void;
  toggleExpanded(key: string): void;
}

function toggled(set: ReadonlySet<string>, key: string): Set<string> {
  const next = new Set(set);
  if (!next.delete(key)) next.add(key);
  return next;
}

export const useTimelineWindow = create<TimelineWindowState>((set, get) => ({
  sessionId: null,
  view: null,
  collapsed: new Set(),
  expanded: new Set(),
  show: (sessionId, view) => {
    const before = get();
    if (before.sessionId === sessionId && before.view?.fromUs === view.fromUs && before.view.toUs === view.toUs) return;
    set(before.sessionId === sessionId ? { view } : { sessionId, view, collapsed: new Set(), expanded: new Set() });
  },
  toggleCollapsed: (key) => set({ collapsed: toggled(get().collapsed, key) }),
  toggleExpanded: (key) => set({ expanded: toggled(get().expanded, key) }),
}));

/**
 * When a key or the wheel last asked the view to move, in performance.now() ms, even where it could
 * not move (at the session's ends): answers wait until the person stops, as they do for a moving view.
 */
export const timelineInput = { lastMs: 0 };
