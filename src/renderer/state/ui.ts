// Window chrome state: which main view is showing, which tab of a session, and how it is split.
import { create } from 'zustand';

export type MainView = 'session' | 'attach';
export type SessionTab = 'cpu' | 'allocations' | 'snapshots' | 'spans' | 'events';

export interface UiState {
  mainView: MainView;
  sessionTab: SessionTab;
  /** Share of the session view's height given to the tabbed panel, 0.2 .. 0.8. */
  flameShare: number;
  /** The timeline folds to its toolbar to give the panels below the whole height. */
  timelineOpen: boolean;
  showView(view: MainView): void;
  showTab(tab: SessionTab): void;
  setFlameShare(share: number): void;
  toggleTimeline(): void;
}

export const useUi = create<UiState>((set) => ({
  mainView: 'session',
  sessionTab: 'cpu',
  flameShare: 0.5,
  timelineOpen: true,
  showView: (mainView) => set({ mainView }),
  showTab: (sessionTab) => set({ sessionTab }),
  setFlameShare: (share) => set({ flameShare: Math.min(0.8, Math.max(0.2, share)) }),
  toggleTimeline: () => set((state) => ({ timelineOpen: !state.timelineOpen })),
}));
