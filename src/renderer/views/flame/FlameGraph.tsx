// The flame graph region: toolbar and canvas for the selected session's CPU profile.
import { useEffect, useMemo, useRef, type RefObject } from 'react';
import { functionPath, indexFlameTree, nodeAtFunctionPath, type FlameIndex } from '../../canvas/flame-layout';
import { matchFunctions, searchStats } from '../../canvas/flame-search';
import { formatCount } from '../../format/units';
import { valueOf } from '../../state/loadable';
import { useFlameView } from '../../state/flame-view';
import { useSelection } from '../../state/selection';
import { useSessionData } from '../../state/session-data';
import { PanelEmpty, PanelError, PanelLoading } from '../common/PanelState';
import { FlameCanvas } from './FlameCanvas';
import { FlameToolbar } from './FlameToolbar';

/** Keeps the zoom on the same call path when a session's tree is rebuilt (new range, live reload). */
function useZoomAcrossTrees(index: FlameIndex | null, sessionId: string | null): void {
  const previous = useRef<{ index: FlameIndex; sessionId: string | null } | null>(null);
  useEffect(() => {
    if (!index) return;
    const { zoomNode, zoomTo } = useFlameView.getState();
    const before = previous.current;
    if (before && before.index !== index && before.sessionId === sessionId) {
      zoomTo(nodeAtFunctionPath(index, functionPath(before.index, Math.min(zoomNode, before.index.count - 1))));
    } else if (!before || before.sessionId !== sessionId) {
      zoomTo(0);
    }
    previous.current = { index, sessionId };
  }, [index, sessionId]);
}

export function FlameGraph({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  const flame = useSessionData((state) => state.flame);
  const load = useSessionData((state) => state.load);
  const range = useSelection((state) => state.range);
  const sessionId = useSelection((state) => state.sessionId);
  const query = useFlameView((state) => state.query);
  const tree = valueOf(flame);
  const index = useMemo(() => (tree ? indexFlameTree(tree) : null), [tree]);
  useZoomAcrossTrees(index, sessionId);
  const matches = useMemo(() => (tree ? matchFunctions(tree, query) : null), [tree, query]);
  const stats = useMemo(() => (index && matches ? searchStats(index, matches) : null), [index, matches]);
  const empty = !!index && (index.count <= 1 || (index.tree.totalUs[0] ?? 0) <= 0);

  let body;
  if (flame.state === 'error')
    body = <PanelError message={flame.message} onRetry={sessionId ? () => load(sessionId, range) : undefined} />;
  else if (!index) body = <PanelLoading label="Loading CPU profile" rows={6} />;
  else if (empty)
    body = (
      <PanelEmpty title={range ? 'No CPU samples in this time range' : 'No CPU samples in this session'}>
        {range ? 'Clear the range on the metrics charts to see the whole session.' : 'The profiler recorded nothing: the recording may have been too short.'}
      </PanelEmpty>
    );
  else body = <FlameCanvas index={index} matches={matches} />;

  return (
    <section className="panel flame-panel" aria-label="Flame graph" data-testid="flame-graph" data-state={empty ? 'empty' : flame.state}>
      <div className="panel-head">
        <h2 className="panel-title">
          CPU
          {tree && tree.sampleCount > 0 && <span className="panel-sub">{formatCount(tree.sampleCount)} samples</span>}
          {flame.state === 'loading' && tree && <span className="panel-sub spinner-text">updating…</span>}
        </h2>
        <FlameToolbar index={empty ? null : index} stats={stats} searchRef={searchRef} />
      </div>
      <div className="panel-body flame-body">{body}</div>
    </section>
  );
}
