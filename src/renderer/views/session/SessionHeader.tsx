// The session view's header: name, status, target, duration, counts, thread, range or span, notes, actions.
import { useState } from 'react';
import type { SessionInfo, ThreadInfo } from '../../../shared/domain';
import { messageOf } from '../../../shared/errors';
import { formatClock, formatCount, formatDurationMs, formatElapsed } from '../../format/units';
import { api } from '../../state/api';
import { valueOf } from '../../state/loadable';
import { useSelection } from '../../state/selection';
import { useSessionData } from '../../state/session-data';
import { useSessions } from '../../state/sessions';
import { StatusBadge } from '../common/StatusBadge';
import { ExportControl } from './ExportControl';
import { SessionNotes } from './SessionNotes';
import { ThreadPicker } from './ThreadPicker';

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

export function SessionHeader({ session, threads }: { session: SessionInfo; threads: ThreadInfo[] }) {
  const summary = valueOf(useSessionData((state) => state.summary));
  const progress = useSessions((state) => state.progress[session.id]);
  const range = useSelection((state) => state.range);
  const setRange = useSelection((state) => state.setRange);
  const spanId = useSelection((state) => state.spanId);
  const selectSession = useSelection((state) => state.selectSession);
  const [actionError, setActionError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);

  const status = progress?.status ?? session.status;
  const live = status === 'recording';
  const durationMs = live ? (progress?.elapsedMs ?? 0) : session.endedAt !== null ? (session.endedAt - session.startedAt) / 1000 : NaN;
  const counts = live && progress ? progress.counts : summary?.counts;
  const target = session.target;

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      await action();
    } catch (error) {
      setActionError(messageOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <header className="session-header" data-testid="session-header" data-session-id={session.id}>
      <div className="session-title-row">
        <h1 className="session-title" title={session.id}>
          {session.name || session.id.slice(0, 8)}
        </h1>
        <StatusBadge status={status} title={session.statusDetail} />
        {session.statusDetail && <span className="status-detail" title={session.statusDetail}>{session.statusDetail}</span>}
        <div className="header-actions">
          <ThreadPicker threads={threads} summaries={summary?.threads ?? null} />
          {range && (
            <span className="range-chip" data-testid="range-chip" data-span-id={spanId ?? undefined}>
              {spanId && <span className="range-chip-kind">span</span>}
              {formatClock(range.fromUs)} – {formatClock(range.toUs)} ({formatDurationMs((range.toUs - range.fromUs) / 1000)})
              <button type="button" aria-label={spanId ? 'Clear span' : 'Clear time range'} onClick={() => setRange(null)}>
                ×
              </button>
            </span>
          )}
          {live && (
            <button type="button" className="btn btn-danger btn-small" disabled={busy} data-testid="session-stop" onClick={() => void run(() => api.stopRecording(session.id))}>
              Stop recording
            </button>
          )}
          <ExportControl key={session.id} sessionId={session.id} disabled={live} />
          {!live &&
            (confirmDelete ? (
              <>
                <button
                  type="button"
                  className="btn btn-danger btn-small"
                  disabled={busy}
                  data-testid="session-delete-confirm"
                  onClick={() =>
                    void run(async () => {
                      await api.deleteSession(session.id);
                      selectSession(null);
                      void useSessions.getState().refresh();
                    })
                  }
                >
                  Delete for good
                </button>
                <button type="button" className="btn btn-small" onClick={() => setConfirmDelete(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button type="button" className="btn btn-small btn-quiet" data-testid="session-delete" onClick={() => setConfirmDelete(true)}>
                Delete…
              </button>
            ))}
        </div>
      </div>
      <dl className="facts">
        <Fact label="Target" value={target.pid !== null ? `pid ${target.pid}` : target.attachedVia} testId="session-target" />
        <Fact label="Node" value={target.nodeVersion ?? '—'} />
        <Fact label="Started" value={new Date(session.startedAt / 1000).toLocaleString()} />
        <Fact label="Duration" value={live ? formatElapsed(durationMs) : formatDurationMs(durationMs)} testId="session-duration" />
        <Fact label="Interval" value={`${session.intervalUs} µs`} />
        <Fact label="Samples" value={counts ? formatCount(counts.cpuSamples) : '…'} testId="session-samples" />
        <Fact label="Logs" value={counts ? formatCount(counts.logs) : '…'} />
        <Fact label="Metric points" value={counts ? formatCount(counts.metricPoints) : '…'} />
        {counts && counts.heapSamples > 0 && <Fact label="Heap samples" value={formatCount(counts.heapSamples)} />}
        {counts && counts.spans > 0 && <Fact label="Spans" value={formatCount(counts.spans)} />}
        {counts && counts.gcEvents > 0 && <Fact label="GC" value={formatCount(counts.gcEvents)} />}
      </dl>
      <SessionNotes notes={progress?.notes ?? session.notes} />
      {actionError && (
        <p className="form-error" role="alert">
          {actionError}
        </p>
      )}
    </header>
  );
}
