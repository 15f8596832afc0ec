// Whether the window can still reach the engine; the web client reports here, a banner reads it.
import { create } from 'zustand';

export interface ConnectionState {
  /** Words for the person when the engine cannot be reached; null while connected. */
  lostReason: string | null;
  setLost(reason: string): void;
}

export const useConnection = create<ConnectionState>((set) => ({
  lostReason: null,
  setLost: (reason) => set({ lostReason: reason }),
}));
