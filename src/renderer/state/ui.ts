// Window chrome state: which main view is showing and how the session view is split.
import { create } from 'zustand';

export type MainView = 'session' | 'attach';

export interface UiState {
  mainView: MainView;
  /** Share of the session view's height given to the flame graph, 0.2 .. 0.8. */
  flameShare: number;
  showView(view: MainView): void;
  setFlameShare(share: number): void;
}

export const useUi = create<UiState>((set) => ({
  mainView: 'session',
  flameShare: 0.5,
  showView: (mainView) => set({ mainView }),
  setFlameShare: (share) => set({ flameShare: Math.min(0.8, Math.max(0.2, share)) }),
}));
