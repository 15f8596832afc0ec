// The ApiClient views and stores use: every call counts as pending work for the idle signal.
import type { ApiClient } from '../../shared/api';
import { apiClient } from '../api/client';
import { trackWork } from './idle';

export const api: ApiClient = {
  listProcesses: () => trackWork(apiClient.listProcesses()),
  listSessions: () => trackWork(apiClient.listSessions()),
  getSummary: (sessionId, range) => trackWork(apiClient.getSummary(sessionId, range)),
  getFlameTree: (sessionId, range) => trackWork(apiClient.getFlameTree(sessionId, range)),
  getMetrics: (sessionId) => trackWork(apiClient.getMetrics(sessionId)),
  getLogs: (sessionId, query) => trackWork(apiClient.getLogs(sessionId, query)),
  startRecording: (request) => trackWork(apiClient.startRecording(request)),
  stopRecording: (sessionId) => trackWork(apiClient.stopRecording(sessionId)),
  deleteSession: (sessionId) => trackWork(apiClient.deleteSession(sessionId)),
  on: (event, listener) => apiClient.on(event, listener),
};
