// What a flame graph shows of its tree: the zoomed node and the search text. One store per graph.
import { create, type StoreApi, type UseBoundStore } from 'zustand';

export interface FlameViewState {
  /** Call-tree node that fills the width; 0 is the root. */
  zoomNode: number;
  query: string;
  zoomTo(node: number): void;
  setQuery(query: string): void;
  reset(): void;
}

export type FlameViewStore = UseBoundStore<StoreApi<FlameViewState>>;

export function createFlameView(): FlameViewStore {
  return create<FlameViewState>((set) => ({
    zoomNode: 0,
    query: '',
    zoomTo: (zoomNode) => set({ zoomNode }),
    setQuery: (query) => set({ query }),
    reset: () => set({ zoomNode: 0 }),
  }));
}

/** The CPU flame graph's view. */
export const useFlameView = createFlameView();
/** The allocation flame graph's view. */
export const useAllocationView = createFlameView();
