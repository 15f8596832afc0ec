// The Allocations tab: bytes allocated per call stack (sampling heap profiles) as a flame graph.
import { useMemo, type RefObject } from 'react';
import type { AllocationTree, SessionInfo } from '../../../shared/domain';
import { allocationWeights } from '../../canvas/flame-weights';
import { formatBytes, formatCount } from '../../format/units';
import { api } from '../../state/api';
import { useAllocationView } from '../../state/flame-view';
import { useLiveTick } from '../../state/live-tick';
import { valueOf } from '../../state/loadable';
import { rangeArg, scopeOf, useSelection } from '../../state/selection';
import { fetchKey, useFetched } from '../../state/use-fetched';
import { PanelEmpty } from '../common/PanelState';
import { FlamePanel } from '../flame/FlamePanel';

function Empty({ session, narrowed }: { session: SessionInfo; narrowed: boolean }) {
  if (!session.signals.includes('heap'))
    return <PanelEmpty title="This session did not record allocations">Record with the heap signal (on by default) to see which call stacks allocate memory.</PanelEmpty>;
  if (narrowed) return <PanelEmpty title="No allocation samples in this selection">Clear the time range, span or thread to see the whole session.</PanelEmpty>;
  return (
    <PanelEmpty title="No allocation samples yet">
      V8 samples an allocation about every 32 KB; a recording that allocates little, or ends quickly, may have none.
    </PanelEmpty>
  );
}

export function AllocationsPanel({ session, searchRef }: { session: SessionInfo; searchRef: RefObject<HTMLInputElement | null> }) {
  const { range, threadId, spanId } = useSelection();
  const tick = useLiveTick((state) => state.tick);
  const key = fetchKey([session.id, range, threadId, spanId], tick);
  const { value, reload } = useFetched<AllocationTree>(key, () => {
    const scope = scopeOf({ threadId, spanId });
    return api.getAllocationTree(session.id, rangeArg(range, scope), scope);
  });
  const raw = valueOf(value);
  const tree = useMemo(() => (raw ? allocationWeights(raw) : null), [raw]);
  const totalBytes = raw?.totalBytes[0] ?? 0;

  return (
    <FlamePanel
      label="Allocations"
      testId="allocation-flame"
      canvasTestId="allocation-canvas"
      drawKey="allocation-flame"
      status={value}
      tree={tree}
      sessionId={session.id}
      view={useAllocationView}
      searchRef={searchRef}
      title={
        <>
          Allocations
          {raw && raw.sampleCount > 0 && (
            <span className="panel-sub" data-testid="allocation-total">
              {formatBytes(totalBytes)} sampled · {formatCount(raw.sampleCount)} samples
            </span>
          )}
        </>
      }
      loadingLabel="Loading allocation profile"
      empty={<Empty session={session} narrowed={range !== null || threadId !== null || spanId !== null} />}
      onRetry={reload}
    />
  );
}
