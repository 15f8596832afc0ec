// Routes the engine's pushed events into the stores: session list, live progress, reloads.
import type { RecordingProgress } from '../../shared/domain';
import { api } from './api';
import { useAttach } from './attach';
import { useLiveTick } from './live-tick';
import { useLogs } from './logs';
import { useSelection } from './selection';
import { useSessionData } from './session-data';
import { useSessions } from './sessions';

const LIVE_REFRESH_MS = 3000;
let lastLiveRefresh = 0;

function isProgress(payload: unknown): payload is RecordingProgress {
  if (typeof payload !== 'object' || payload === null) return false;
  const record = payload as Record<string, unknown>;
  return typeof record.sessionId === 'string' && typeof record.status === 'string' && typeof record.elapsedMs === 'number';
}

function reloadSelected(sessionId: string): void {
  const { sessionId: selected, range, threadId, spanId } = useSelection.getState();
  if (selected !== sessionId) return;
  useSessionData.getState().load({ sessionId, range, threadId, spanId }, true);
  useLogs.getState().invalidate();
  useLiveTick.getState().bump();
}

function onRecording(payload: unknown): void {
  if (!isProgress(payload)) {
    console.warn('Parallax: ignored a malformed recording event');
    return;
  }
  const sessions = useSessions.getState();
  const known = sessions.progress[payload.sessionId];
  sessions.applyProgress(payload);
  if (payload.status !== 'recording') {
    useAttach.getState().noteEnded(payload);
    if (known?.status !== payload.status) {
      void sessions.refresh();
      reloadSelected(payload.sessionId);
    }
    return;
  }
  if (!known) void sessions.refresh();
  // A live recording's views catch up every few seconds rather than on every event.
  const now = Date.now();
  if (useSelection.getState().sessionId === payload.sessionId && now - lastLiveRefresh >= LIVE_REFRESH_MS) {
    lastLiveRefresh = now;
    reloadSelected(payload.sessionId);
  }
}

/** Subscribes for the window's lifetime; returns the unsubscribe for symmetry and tests. */
export function connectEngineEvents(): () => void {
  const offRecording = api.on('recording', onRecording);
  const offSessions = api.on('sessionsChanged', () => void useSessions.getState().refresh());
  return () => {
    offRecording();
    offSessions();
  };
}
