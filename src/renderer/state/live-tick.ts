// A counter bumped when a live recording's views should catch up; signal panels refetch on it.
import { create } from 'zustand';

export interface LiveTickState {
  tick: number;
  bump(): void;
}

export const useLiveTick = create<LiveTickState>((set, get) => ({
  tick: 0,
  bump: () => set({ tick: get().tick + 1 }),
}));
