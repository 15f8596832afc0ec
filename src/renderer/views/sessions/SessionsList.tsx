// The sidebar's list of recorded sessions; clicking one selects it for the session view.
import type { RecordingProgress, SessionInfo } from '../../../shared/domain';
import { formatDurationMs, formatElapsed, formatStart } from '../../format/units';
import { useSelection } from '../../state/selection';
import { sessionsOf, useSessions } from '../../state/sessions';
import { useUi } from '../../state/ui';
import { PanelError, PanelLoading } from '../common/PanelState';
import { StatusBadge } from '../common/StatusBadge';
import { ImportStatusLine, OpenSessionButton } from './OpenSessionFile';

function durationText(session: SessionInfo, progress: RecordingProgress | undefined): string {
  if (session.status === 'recording') return progress ? formatElapsed(progress.elapsedMs) : 'live';
  if (session.endedAt === null) return '—';
  return formatDurationMs((session.endedAt - session.startedAt) / 1000);
}

function SessionRow({ session, selected, progress }: { session: SessionInfo; selected: boolean; progress: RecordingProgress | undefined }) {
  const selectSession = useSelection((state) => state.selectSession);
  const showView = useUi((state) => state.showView);
  const status = progress?.status ?? session.status;
  return (
    <li>
      <button
        type="button"
        className={`session-row${selected ? ' is-selected' : ''}`}
        aria-current={selected ? 'true' : undefined}
        data-testid="session-row"
        data-session-id={session.id}
        data-status={status}
        onClick={() => {
          selectSession(session.id);
          showView('session');
        }}
      >
        <span className="session-row-top">
          <span className="session-name" title={session.name}>
            {session.name || session.id.slice(0, 8)}
          </span>
          <StatusBadge status={status} title={session.statusDetail} />
        </span>
        <span className="session-row-meta">
          <span title={new Date(session.startedAt / 1000).toLocaleString()}>{formatStart(session.startedAt)}</span>
          <span className="dot-sep">{durationText(session, progress)}</span>
          <span className="dot-sep">{session.target.pid !== null ? `pid ${session.target.pid}` : session.target.attachedVia}</span>
        </span>
      </button>
    </li>
  );
}

export function SessionsList() {
  const list = useSessions((state) => state.list);
  const progress = useSessions((state) => state.progress);
  const refresh = useSessions((state) => state.refresh);
  const selectedId = useSelection((state) => state.sessionId);
  const sessions = sessionsOf(list);

  let body;
  if (list.state === 'error') body = <PanelError message={list.message} onRetry={() => void refresh()} />;
  else if (sessions.length === 0 && (list.state === 'loading' || list.state === 'idle')) body = <PanelLoading label="Loading sessions" rows={3} />;
  else if (sessions.length === 0)
    body = (
      <div className="sessions-empty" data-testid="sessions-empty">
        <p>No sessions yet.</p>
        <p>
          Record one from <strong>Attach</strong> above, or from a terminal:
        </p>
        <code className="command">npm run --silent parallax -- record --pid PID</code>
      </div>
    );
  else
    body = (
      <ul className="session-list" data-testid="session-list">
        {sessions.map((session) => (
          <SessionRow key={session.id} session={session} selected={session.id === selectedId} progress={progress[session.id]} />
        ))}
      </ul>
    );

  return (
    <section className="sessions" aria-label="Sessions">
      <h2 className="section-title">
        Sessions
        {sessions.length > 0 && <span className="section-count">{sessions.length}</span>}
        <OpenSessionButton />
      </h2>
      <ImportStatusLine />
      {body}
    </section>
  );
}
