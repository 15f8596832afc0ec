// The ApiClient views and stores use: every call counts as pending work for the idle signal.
import { API_METHODS, type ApiClient } from '../../shared/api';
import { apiClient } from '../api/client';
import { trackWork } from './idle';

type AnyCall = (...params: unknown[]) => Promise<unknown>;

export const api = {
  ...Object.fromEntries(API_METHODS.map((method) => [method, (...params: unknown[]) => trackWork((apiClient[method] as AnyCall)(...params))])),
  exportSession: (sessionId, request) => trackWork(apiClient.exportSession(sessionId, request)),
  importSessionFile: (file) => trackWork(apiClient.importSessionFile(file)),
  on: (event, listener) => apiClient.on(event, listener),
} as ApiClient;
