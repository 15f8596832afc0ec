// The CPU views of the selected session, range, thread or span: merged flame graph, sandwich, bottom-up.
import { useMemo, type RefObject } from 'react';
import { cpuWeights } from '../../canvas/flame-weights';
import { formatCount } from '../../format/units';
import { useFlameView } from '../../state/flame-view';
import { valueOf } from '../../state/loadable';
import { useSelection } from '../../state/selection';
import { useSessionData } from '../../state/session-data';
import { PanelEmpty } from '../common/PanelState';
import { BottomUpTable } from './BottomUpTable';
import { functionKeyOf } from './call-views';
import { FlameModeSwitch } from './FlameModeSwitch';
import { FlamePanel } from './FlamePanel';
import { SandwichView } from './SandwichView';
import { SpanSamplesNote } from './SpanSamplesNote';

function emptyText(range: boolean, threadId: number | null, spanId: string | null): { title: string; detail: string } {
  if (spanId) return { title: 'No CPU samples inside this span', detail: 'The span was too short for the sampling interval, or it ran on a thread that was not profiled.' };
  if (range) return { title: 'No CPU samples in this time range', detail: 'Clear the range on the metrics charts to see the whole session.' };
  if (threadId !== null) return { title: 'No CPU samples on this thread', detail: 'Choose “All threads” to see the whole process.' };
  return { title: 'No CPU samples in this session', detail: 'The profiler recorded nothing: the recording may have been too short.' };
}

export function FlameGraph({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  const flame = useSessionData((state) => state.flame);
  const load = useSessionData((state) => state.load);
  const mode = useFlameView((state) => state.mode);
  const setFocus = useFlameView((state) => state.setFocus);
  const { sessionId, range, threadId, spanId } = useSelection();
  const raw = valueOf(flame);
  const tree = useMemo(() => (raw ? cpuWeights(raw) : null), [raw]);
  const text = emptyText(range !== null, threadId, spanId);

  return (
    <FlamePanel
      label="Flame graph"
      testId="flame-graph"
      canvasTestId="flame-canvas"
      drawKey="flame"
      status={flame}
      tree={tree}
      sessionId={sessionId}
      view={useFlameView}
      searchRef={searchRef}
      title={
        <>
          CPU
          {raw && raw.sampleCount > 0 && <span className="panel-sub" data-testid="flame-sample-count">{formatCount(raw.sampleCount)} samples</span>}
        </>
      }
      headExtra={<FlameModeSwitch view={useFlameView} />}
      banner={<SpanSamplesNote />}
      loadingLabel="Loading CPU profile"
      empty={<PanelEmpty title={text.title}>{text.detail}</PanelEmpty>}
      onRetry={sessionId ? () => load({ sessionId, range, threadId, spanId }) : undefined}
      onSelectNode={(index, node) => {
        const fn = index.tree.functions[index.tree.functionId[node] ?? -1];
        setFocus(node === 0 || !fn ? null : functionKeyOf(fn));
      }}
      alternate={
        mode === 'sandwich'
          ? (index, matches) => <SandwichView index={index} matches={matches} />
          : mode === 'bottom-up'
            ? (index, matches) => <BottomUpTable index={index} matches={matches} />
            : undefined
      }
    />
  );
}
