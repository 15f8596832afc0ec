// What the flame graph shows of its tree: the zoomed node and the search text.
import { create } from 'zustand';

export interface FlameViewState {
  /** Call-tree node that fills the width; 0 is the root. */
  zoomNode: number;
  query: string;
  zoomTo(node: number): void;
  setQuery(query: string): void;
  reset(): void;
}

export const useFlameView = create<FlameViewState>((set) => ({
  zoomNode: 0,
  query: '',
  zoomTo: (zoomNode) => set({ zoomNode }),
  setQuery: (query) => set({ query }),
  reset: () => set({ zoomNode: 0 }),
}));
