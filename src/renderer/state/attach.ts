// The Attach view's state: local Node processes, and the one recording started from this window.
import { create } from 'zustand';
import type { NodeProcessInfo, RecordRequest, RecordingProgress } from '../../shared/domain';
import { messageOf } from '../../shared/errors';
import { api } from './api';
import type { Loadable } from './loadable';
import { useSessions } from './sessions';

export type RecordingPhase =
  | { phase: 'idle' }
  | { phase: 'starting' }
  | { phase: 'recording'; sessionId: string; startedAtMs: number }
  | { phase: 'stopping'; sessionId: string; startedAtMs: number }
  | { phase: 'done'; sessionId: string; progress: RecordingProgress | null };

export interface AttachState {
  processes: Loadable<NodeProcessInfo[]>;
  recording: RecordingPhase;
  /** The engine's message for the last failed start or stop. */
  error: string | null;
  refreshProcesses(): Promise<void>;
  start(request: RecordRequest): Promise<string | null>;
  stop(): Promise<void>;
  /** A recording event for our session that says it ended on its own (duration, target exit). */
  noteEnded(progress: RecordingProgress): void;
  dismiss(): void;
}

export const useAttach = create<AttachState>((set, get) => ({
  processes: { state: 'idle' },
  recording: { phase: 'idle' },
  error: null,
  refreshProcesses: async () => {
    const current = get().processes;
    set({ processes: { state: 'loading', previous: current.state === 'ready' ? current.value : null } });
    try {
      const processes = await api.listProcesses();
      set({ processes: { state: 'ready', value: [...processes].sort((a, b) => a.pid - b.pid) } });
    } catch (error) {
      set({ processes: { state: 'error', message: messageOf(error) } });
    }
  },
  start: async (request) => {
    set({ recording: { phase: 'starting' }, error: null });
    try {
      const { sessionId } = await api.startRecording(request);
      // The session may already have ended (short duration) before the reply arrived.
      if (get().recording.phase !== 'starting') return sessionId;
      const early = useSessions.getState().progress[sessionId];
      set({
        recording:
          early && early.status !== 'recording'
            ? { phase: 'done', sessionId, progress: early }
            : { phase: 'recording', sessionId, startedAtMs: Date.now() - (early?.elapsedMs ?? 0) },
      });
      return sessionId;
    } catch (error) {
      set({ recording: { phase: 'idle' }, error: messageOf(error) });
      return null;
    }
  },
  stop: async () => {
    const current = get().recording;
    if (current.phase !== 'recording') return;
    set({ recording: { ...current, phase: 'stopping' }, error: null });
    try {
      await api.stopRecording(current.sessionId);
      const latest = get().recording;
      if (latest.phase === 'stopping') set({ recording: { phase: 'done', sessionId: current.sessionId, progress: null } });
    } catch (error) {
      set({ recording: { ...current, phase: 'recording' }, error: messageOf(error) });
    }
  },
  noteEnded: (progress) => {
    const current = get().recording;
    if ((current.phase === 'recording' || current.phase === 'stopping') && current.sessionId === progress.sessionId) {
      set({ recording: { phase: 'done', sessionId: progress.sessionId, progress } });
    }
  },
  dismiss: () => set({ recording: { phase: 'idle' }, error: null }),
}));
