// Live state of the recording started from the Attach view: elapsed time, counts, Stop.
import { useEffect, useState } from 'react';
import { formatCount, formatElapsed } from '../../format/units';
import { useAttach } from '../../state/attach';
import { useSelection } from '../../state/selection';
import { useSessions } from '../../state/sessions';
import { useUi } from '../../state/ui';
import { StatusBadge } from '../common/StatusBadge';

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

export function RecordingPanel() {
  const recording = useAttach((state) => state.recording);
  const stop = useAttach((state) => state.stop);
  const dismiss = useAttach((state) => state.dismiss);
  const sessionId = 'sessionId' in recording ? recording.sessionId : null;
  const progress = useSessions((state) => (sessionId ? state.progress[sessionId] : undefined));
  const live = recording.phase === 'recording' || recording.phase === 'stopping';
  const now = useNow(live);
  if (recording.phase === 'idle' || recording.phase === 'starting' || !sessionId) return null;

  const finalProgress = recording.phase === 'done' ? (recording.progress ?? progress) : progress;
  const elapsedMs = live ? Math.max(progress?.elapsedMs ?? 0, now - recording.startedAtMs) : (finalProgress?.elapsedMs ?? 0);
  const counts = finalProgress?.counts;
  const status = live ? 'recording' : (finalProgress?.status ?? 'completed');

  const open = () => {
    useSelection.getState().selectSession(sessionId);
    useUi.getState().showView('session');
    if (!live) dismiss();
  };

  return (
    <div className="recording-panel" data-testid="recording-panel" data-phase={recording.phase} aria-live="polite">
      <div className="recording-head">
        <StatusBadge status={status} />
        <span className="recording-elapsed mono" data-testid="recording-elapsed">
          {formatElapsed(elapsedMs)}
        </span>
      </div>
      <dl className="recording-counts">
        <div>
          <dt>CPU samples</dt>
          <dd data-testid="recording-samples">{formatCount(counts?.cpuSamples ?? 0)}</dd>
        </div>
        <div>
          <dt>Logs</dt>
          <dd>{formatCount(counts?.logs ?? 0)}</dd>
        </div>
        <div>
          <dt>Metric points</dt>
          <dd>{formatCount(counts?.metricPoints ?? 0)}</dd>
        </div>
      </dl>
      {finalProgress?.statusDetail && <p className="recording-detail">{finalProgress.statusDetail}</p>}
      <div className="recording-actions">
        {live ? (
          <button type="button" className="btn btn-danger" data-testid="stop-recording" onClick={() => void stop()} disabled={recording.phase === 'stopping'}>
            {recording.phase === 'stopping' ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <>
            <button type="button" className="btn btn-primary" data-testid="open-recorded-session" onClick={open}>
              Open session
            </button>
            <button type="button" className="btn" onClick={dismiss}>
              New recording
            </button>
          </>
        )}
        {live && (
          <button type="button" className="btn" onClick={open}>
            View live
          </button>
        )}
      </div>
    </div>
  );
}
