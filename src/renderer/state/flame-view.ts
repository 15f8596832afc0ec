// What a flame graph shows of its tree: the zoomed node and the search text. One store per graph.
import { create, type StoreApi, type UseBoundStore } from 'zustand';

/** Merged flame graph, one function's callers and callees, or self time by function. */
export type FlameMode = 'flame' | 'sandwich' | 'bottom-up';

export interface FlameViewState {
  /** Call-tree node that fills the width; 0 is the root. */
  zoomNode: number;
  query: string;
  mode: FlameMode;
  /** The function chosen in any view (functionKeyOf), for the sandwich and its spans; null for none. */
  focus: string | null;
  zoomTo(node: number): void;
  setQuery(query: string): void;
  setMode(mode: FlameMode): void;
  setFocus(focus: string | null): void;
  reset(): void;
}

export type FlameViewStore = UseBoundStore<StoreApi<FlameViewState>>;

export function createFlameView(): FlameViewStore {
  return create<FlameViewState>((set) => ({
    zoomNode: 0,
    query: '',
    mode: 'flame',
    focus: null,
    zoomTo: (zoomNode) => set({ zoomNode }),
    setQuery: (query) => set({ query }),
    setMode: (mode) => set({ mode }),
    setFocus: (focus) => set({ focus }),
    reset: () => set({ zoomNode: 0 }),
  }));
}

/** The CPU flame graph's view. */
export const useFlameView = createFlameView();
/** The two halves of the CPU sandwich: callers of the focused function, and its callees. */
export const useCallersView = createFlameView();
export const useCalleesView = createFlameView();
/** The allocation flame graph's view. */
export const useAllocationView = createFlameView();
