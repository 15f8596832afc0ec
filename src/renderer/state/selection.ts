// The one selection every view follows: which session, and optionally which time range of it.
import { create } from 'zustand';
import type { TimeRange } from '../../shared/domain';

export interface SelectionState {
  sessionId: string | null;
  /** Epoch-µs window chosen on the metrics charts; null means the whole session. */
  range: TimeRange | null;
  selectSession(sessionId: string | null): void;
  setRange(range: TimeRange | null): void;
}

export const useSelection = create<SelectionState>((set, get) => ({
  sessionId: null,
  range: null,
  selectSession: (sessionId) => {
    if (get().sessionId !== sessionId) set({ sessionId, range: null });
  },
  setRange: (range) => set({ range: range && range.toUs > range.fromUs ? range : null }),
}));
