// One function's sandwich: who calls it (above) and what it calls (below), each a flame graph
// rooted at the function, from the same samples as the merged graph.
import { useEffect, useMemo } from 'react';
import { indexFlameTree, type FlameIndex } from '../../canvas/flame-layout';
import { formatWeight } from '../../canvas/flame-weights';
import { frameLabel } from '../../canvas/flame-draw';
import { useCalleesView, useCallersView, useFlameView } from '../../state/flame-view';
import { PanelEmpty } from '../common/PanelState';
import { calleesTree, callersTree, functionIndexOf, functionKeyOf } from './call-views';
import { FlameCanvas } from './FlameCanvas';

export function SandwichView({ index, matches }: { index: FlameIndex; matches: Uint8Array | null }) {
  const focus = useFlameView((state) => state.focus);
  const setFocus = useFlameView((state) => state.setFocus);
  const { tree } = index;
  const fn = focus ? functionIndexOf(tree, focus) : -1;
  const callers = useMemo(() => (fn >= 0 ? indexFlameTree(callersTree(tree, fn)) : null), [tree, fn]);
  const callees = useMemo(() => (fn >= 0 ? indexFlameTree(calleesTree(tree, fn)) : null), [tree, fn]);
  useEffect(() => {
    useCallersView.getState().zoomTo(0);
    useCalleesView.getState().zoomTo(0);
  }, [callers, callees]);
  if (!callers || !callees) {
    return (
      <PanelEmpty title={focus ? 'The chosen function has no samples in this selection' : 'Choose a function'}>
        Click a frame of the flame graph, a row of the bottom-up table or a top function to see its callers and callees.
      </PanelEmpty>
    );
  }
  const refocus = (half: FlameIndex) => (node: number) => {
    const chosen = half.tree.functions[half.tree.functionId[node] ?? -1];
    if (chosen && node !== 0) setFocus(functionKeyOf(chosen));
  };
  const name = frameLabel(tree.functions[fn]!.name);
  const total = formatWeight(callees.tree.total[0] ?? 0, tree.unit);
  const self = formatWeight(callees.tree.self[0] ?? 0, tree.unit);
  return (
    <div className="sandwich" data-testid="sandwich" data-function={name}>
      <div className="sandwich-half">
        <div className="sandwich-label">
          <strong>Callers</strong> <span className="muted">of</span> <span className="mono">{name}</span>
          <span className="muted"> · read downwards: each row called the one above</span>
        </div>
        <FlameCanvas index={callers} matches={matches} view={useCallersView} drawKey="sandwich-callers" testId="sandwich-callers" onSelectNode={refocus(callers)} />
      </div>
      <div className="sandwich-half">
        <div className="sandwich-label">
          <strong>Callees</strong> <span className="muted">of</span> <span className="mono">{name}</span>
          <span className="muted"> · total {total}, self {self}</span>
        </div>
        <FlameCanvas index={callees} matches={matches} view={useCalleesView} drawKey="sandwich-callees" testId="sandwich-callees" onSelectNode={refocus(callees)} />
      </div>
    </div>
  );
}
