// The switch between the CPU views of one tree: flame graph, sandwich of one function, bottom-up table.
import type { FlameMode, FlameViewStore } from '../../state/flame-view';

const MODES: { id: FlameMode; label: string; hint: string }[] = [
  { id: 'flame', label: 'Flame graph', hint: 'Merged call tree, heaviest calls first (left)' },
  { id: 'sandwich', label: 'Sandwich', hint: 'Callers and callees of the chosen function' },
  { id: 'bottom-up', label: 'Bottom-up', hint: 'Self time by function, expandable to its callers' },
];

export function FlameModeSwitch({ view }: { view: FlameViewStore }) {
  const mode = view((state) => state.mode);
  const setMode = view((state) => state.setMode);
  return (
    <div className="view-switch" role="group" aria-label="CPU view" data-testid="flame-mode">
      {MODES.map((one) => (
        <button
          key={one.id}
          type="button"
          className={`view-switch-btn${mode === one.id ? ' is-on' : ''}`}
          aria-pressed={mode === one.id}
          title={one.hint}
          data-testid={`flame-mode-${one.id}`}
          onClick={() => setMode(one.id)}
        >
          {one.label}
        </button>
      ))}
    </div>
  );
}
