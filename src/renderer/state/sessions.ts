// The list of recorded sessions and the live progress of those still recording.
import { create } from 'zustand';
import type { RecordingProgress, SessionInfo } from '../../shared/domain';
import { messageOf } from '../../shared/errors';
import { api } from './api';
import type { Loadable } from './loadable';

export interface SessionsState {
  list: Loadable<SessionInfo[]>;
  /** Latest `recording` event per session id. */
  progress: Record<string, RecordingProgress>;
  refresh(): Promise<void>;
  applyProgress(progress: RecordingProgress): void;
}

let inFlight: Promise<void> | null = null;
let again = false;

export const useSessions = create<SessionsState>((set, get) => ({
  list: { state: 'idle' },
  progress: {},
  refresh: () => {
    // Bursts of sessionsChanged collapse into one call in flight plus at most one more.
    if (inFlight) {
      again = true;
      return inFlight;
    }
    const current = get().list;
    set({ list: { state: 'loading', previous: current.state === 'ready' ? current.value : null } });
    inFlight = api
      .listSessions()
      .then(
        (sessions) => set({ list: { state: 'ready', value: [...sessions].sort((a, b) => b.startedAt - a.startedAt) } }),
        (error: unknown) => set({ list: { state: 'error', message: messageOf(error) } }),
      )
      .finally(() => {
        inFlight = null;
        if (again) {
          again = false;
          void get().refresh();
        }
      });
    return inFlight;
  },
  applyProgress: (progress) => set({ progress: { ...get().progress, [progress.sessionId]: progress } }),
}));

/** Sessions in the list, or the list shown before a reload began. */
export function sessionsOf(list: Loadable<SessionInfo[]>): SessionInfo[] {
  if (list.state === 'ready') return list.value;
  if (list.state === 'loading') return list.previous ?? [];
  return [];
}
