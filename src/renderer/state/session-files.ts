// Opening session files (Open… or a file dropped on the window): one import at a time, its
// progress and outcome shown where it started, and the new session selected once it is in.
import { create } from 'zustand';
import type { PickedFile } from '../../shared/api';
import { messageOf } from '../../shared/errors';
import { api } from './api';
import { useSelection } from './selection';
import { useSessions } from './sessions';
import { useUi } from './ui';

export type ImportStatus = { state: 'idle' } | { state: 'importing'; fileName: string } | { state: 'done'; fileName: string } | { state: 'error'; message: string };

export interface SessionFilesState {
  status: ImportStatus;
  importFile(file: PickedFile): Promise<void>;
  dismiss(): void;
}

export const useSessionFiles = create<SessionFilesState>((set, get) => ({
  status: { state: 'idle' },
  importFile: async (file) => {
    if (get().status.state === 'importing') return;
    set({ status: { state: 'importing', fileName: file.name } });
    try {
      const { sessionId } = await api.importSessionFile(file);
      await useSessions.getState().refresh();
      useSelection.getState().selectSession(sessionId);
      useUi.getState().showView('session');
      set({ status: { state: 'done', fileName: file.name } });
    } catch (error) {
      set({ status: { state: 'error', message: messageOf(error) } });
    }
  },
  dismiss: () => set({ status: { state: 'idle' } }),
}));
