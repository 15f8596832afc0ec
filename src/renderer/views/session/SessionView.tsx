// The selected session: header, flame graph with top functions, then metrics and logs.
import { useEffect, useRef, type RefObject } from 'react';
import { useSelection } from '../../state/selection';
import { useSessionData } from '../../state/session-data';
import { sessionsOf, useSessions } from '../../state/sessions';
import { useUi } from '../../state/ui';
import { PanelEmpty, PanelLoading } from '../common/PanelState';
import { FlameGraph } from '../flame/FlameGraph';
import { LogsPanel } from '../logs/LogsPanel';
import { MetricsPanel } from '../metrics/MetricsPanel';
import { SessionHeader } from './SessionHeader';
import { Splitter } from './Splitter';
import { TopFunctions } from './TopFunctions';

export function SessionView({ searchRef, onOpenAttach }: { searchRef: RefObject<HTMLInputElement | null>; onOpenAttach(): void }) {
  const sessionId = useSelection((state) => state.sessionId);
  const range = useSelection((state) => state.range);
  const list = useSessions((state) => state.list);
  const load = useSessionData((state) => state.load);
  const flameShare = useUi((state) => state.flameShare);
  const splitRef = useRef<HTMLDivElement>(null);
  const session = sessionsOf(list).find((one) => one.id === sessionId) ?? null;

  useEffect(() => {
    if (sessionId) load(sessionId, range);
  }, [sessionId, range, load]);

  if (!sessionId) {
    const none = list.state === 'ready' && list.value.length === 0;
    return (
      <div className="session-placeholder" data-testid="no-session">
        <PanelEmpty title={none ? 'Record a session to see its CPU profile, metrics and logs' : 'Select a session to see its CPU profile, metrics and logs'}>
          {none ? 'Attach to a running Node.js process:' : 'Or record a new one:'}{' '}
          <button type="button" className="btn btn-primary btn-small" onClick={onOpenAttach}>
            Attach to a process…
          </button>
        </PanelEmpty>
      </div>
    );
  }
  if (!session) {
    return list.state === 'ready' ? (
      <PanelEmpty title="This session no longer exists">It may have been deleted from another window or the command line.</PanelEmpty>
    ) : (
      <PanelLoading label="Loading session" />
    );
  }

  return (
    <div className="session-view" data-testid="session-view" data-session-id={session.id}>
      <SessionHeader session={session} />
      <div className="session-split" ref={splitRef}>
        <div className="session-top" style={{ flexBasis: `${flameShare * 100}%` }}>
          <FlameGraph searchRef={searchRef} />
          <TopFunctions />
        </div>
        <Splitter containerRef={splitRef} />
        <div className="session-bottom">
          <MetricsPanel />
          <LogsPanel />
        </div>
      </div>
    </div>
  );
}
