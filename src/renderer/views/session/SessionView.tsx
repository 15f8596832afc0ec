// The selected session: header, the tabbed signal panel (CPU, allocations, snapshots, spans, events), metrics and logs.
import { useEffect, useMemo, useRef, type RefObject } from 'react';
import type { SessionInfo, ThreadInfo } from '../../../shared/domain';
import { api } from '../../state/api';
import { useLiveTick } from '../../state/live-tick';
import { valueOf } from '../../state/loadable';
import { useSelection } from '../../state/selection';
import { useSessionData } from '../../state/session-data';
import { sessionsOf, useSessions } from '../../state/sessions';
import { useUi } from '../../state/ui';
import { fetchKey, useFetched } from '../../state/use-fetched';
import { AllocationsPanel } from '../allocations/AllocationsPanel';
import { PanelEmpty, PanelLoading } from '../common/PanelState';
import { EventsPanel } from '../events/EventsPanel';
import { FlameGraph } from '../flame/FlameGraph';
import { LogsPanel } from '../logs/LogsPanel';
import { MetricsPanel } from '../metrics/MetricsPanel';
import { SnapshotsPanel } from '../snapshots/SnapshotsPanel';
import { Timeline } from '../timeline/Timeline';
import { SpansPanel } from '../spans/SpansPanel';
import { SessionHeader } from './SessionHeader';
import { SessionTabs, tabPanelId } from './SessionTabs';
import { Splitter } from './Splitter';
import { TopFunctions } from './TopFunctions';

function TabBody({ session, threadNames, searchRef }: { session: SessionInfo; threadNames: Map<number, string>; searchRef: RefObject<HTMLInputElement | null> }) {
  const tab = useUi((state) => state.sessionTab);
  let content;
  if (tab === 'allocations') content = <AllocationsPanel session={session} searchRef={searchRef} />;
  else if (tab === 'snapshots') content = <SnapshotsPanel session={session} threadNames={threadNames} />;
  else if (tab === 'spans') content = <SpansPanel session={session} threadNames={threadNames} />;
  else if (tab === 'events') content = <EventsPanel session={session} threadNames={threadNames} />;
  else
    content = (
      <>
        <FlameGraph searchRef={searchRef} />
        <TopFunctions />
      </>
    );
  return (
    <div className="tab-body" role="tabpanel" id={tabPanelId(tab)} aria-labelledby={`session-tab-${tab}`} data-testid="tab-body" data-tab={tab}>
      {content}
    </div>
  );
}

export function SessionView({ searchRef, onOpenAttach }: { searchRef: RefObject<HTMLInputElement | null>; onOpenAttach(): void }) {
  const { sessionId, range, threadId, spanId } = useSelection();
  const list = useSessions((state) => state.list);
  const load = useSessionData((state) => state.load);
  const summary = valueOf(useSessionData((state) => state.summary));
  const metrics = valueOf(useSessionData((state) => state.metrics));
  const progress = useSessions((state) => (sessionId ? state.progress[sessionId] : undefined));
  const tick = useLiveTick((state) => state.tick);
  const flameShare = useUi((state) => state.flameShare);
  const timelineOpen = useUi((state) => state.timelineOpen);
  const splitRef = useRef<HTMLDivElement>(null);
  const session = sessionsOf(list).find((one) => one.id === sessionId) ?? null;
  const threadsFetch = useFetched<ThreadInfo[]>(session ? fetchKey([session.id], tick) : null, () => api.listThreads(session!.id));
  const threads = valueOf(threadsFetch.value);
  const threadNames = useMemo(() => new Map((threads ?? []).map((thread) => [thread.id, thread.name])), [threads]);

  useEffect(() => {
    if (sessionId) load({ sessionId, range, threadId, spanId });
  }, [sessionId, range, threadId, spanId, load]);

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

  const counts = progress?.status === 'recording' ? progress.counts : (summary?.counts ?? null);
  return (
    <div className="session-view" data-testid="session-view" data-session-id={session.id}>
      <SessionHeader session={session} threads={threads ?? []} />
      <div className={`session-timeline${timelineOpen ? '' : ' is-folded'}`}>
        <Timeline session={session} threadNames={threadNames} metrics={metrics} liveTick={tick} />
      </div>
      <div className="session-split" ref={splitRef}>
        <div className="session-top" style={{ flexBasis: `${flameShare * 100}%` }}>
          <SessionTabs counts={counts} />
          <TabBody session={session} threadNames={threadNames} searchRef={searchRef} />
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
