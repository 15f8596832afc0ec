// A flame graph region for any weighted call tree (CPU time, allocated bytes): toolbar, canvas, states.
import { useEffect, useMemo, useRef, type ReactNode, type RefObject } from 'react';
import { functionPath, indexFlameTree, nodeAtFunctionPath, type FlameIndex } from '../../canvas/flame-layout';
import { matchFunctions, searchStats } from '../../canvas/flame-search';
import type { WeightTree } from '../../canvas/flame-weights';
import type { FlameViewStore } from '../../state/flame-view';
import type { Loadable } from '../../state/loadable';
import { PanelError, PanelLoading } from '../common/PanelState';
import { FlameCanvas } from './FlameCanvas';
import { FlameToolbar } from './FlameToolbar';

/** Keeps the zoom on the same call path when a session's tree is rebuilt (new range, live reload). */
function useZoomAcrossTrees(index: FlameIndex | null, sessionId: string | null, view: FlameViewStore): void {
  const previous = useRef<{ index: FlameIndex; sessionId: string | null } | null>(null);
  useEffect(() => {
    if (!index) return;
    const { zoomNode, zoomTo } = view.getState();
    const before = previous.current;
    if (before && before.index !== index && before.sessionId === sessionId) {
      zoomTo(nodeAtFunctionPath(index, functionPath(before.index, Math.min(zoomNode, before.index.count - 1))));
    } else if (!before || before.sessionId !== sessionId) {
      zoomTo(0);
    }
    previous.current = { index, sessionId };
  }, [index, sessionId, view]);
}

export interface FlamePanelProps {
  /** The region's accessible name. */
  label: string;
  testId: string;
  canvasTestId: string;
  drawKey: string;
  /** The fetch state; `tree` is its value (or the one shown while reloading). */
  status: Loadable<unknown>;
  tree: WeightTree | null;
  sessionId: string | null;
  view: FlameViewStore;
  searchRef: RefObject<HTMLInputElement | null>;
  title: ReactNode;
  loadingLabel: string;
  /** What to show when the tree has nothing in it. */
  empty: ReactNode;
  onRetry?: () => void;
  /** Called with a clicked frame's node. */
  onSelectNode?(index: FlameIndex, node: number): void;
  /** Chrome beside the title (a view switch). */
  headExtra?: ReactNode;
  /** A line under the head, e.g. what the samples are and whether they are shared. */
  banner?: ReactNode;
  /** Shown instead of the flame canvas when there is a tree (another view of the same tree). */
  alternate?: (index: FlameIndex, matches: Uint8Array | null) => ReactNode;
}

export function FlamePanel(props: FlamePanelProps) {
  const { status, tree, sessionId, view } = props;
  const query = view((state) => state.query);
  const index = useMemo(() => (tree ? indexFlameTree(tree) : null), [tree]);
  useZoomAcrossTrees(index, sessionId, view);
  const matches = useMemo(() => (tree ? matchFunctions(tree, query) : null), [tree, query]);
  const stats = useMemo(() => (index && matches ? searchStats(index, matches) : null), [index, matches]);
  const empty = !!index && (index.count <= 1 || (index.tree.total[0] ?? 0) <= 0);

  let body;
  if (status.state === 'error') body = <PanelError message={status.message} onRetry={props.onRetry} />;
  else if (!index) body = <PanelLoading label={props.loadingLabel} rows={6} />;
  else if (empty) body = props.empty;
  else if (props.alternate) body = props.alternate(index, matches);
  else
    body = (
      <FlameCanvas
        index={index}
        matches={matches}
        view={view}
        drawKey={props.drawKey}
        testId={props.canvasTestId}
        onSelectNode={props.onSelectNode ? (node) => props.onSelectNode!(index, node) : undefined}
      />
    );

  return (
    <section className="panel flame-panel" aria-label={props.label} data-testid={props.testId} data-state={empty ? 'empty' : status.state}>
      <div className="panel-head">
        <h2 className="panel-title">
          {props.title}
          {status.state === 'loading' && tree && <span className="panel-sub spinner-text">updating…</span>}
        </h2>
        {props.headExtra}
        <FlameToolbar index={empty ? null : index} stats={stats} searchRef={props.searchRef} view={view} />
      </div>
      {props.banner}
      <div className="panel-body flame-body">{body}</div>
    </section>
  );
}
