// The one ApiClient the window uses: the preload's in Electron, else the web host's WebSocket.
import type { ApiClient } from '../../shared/api';
import { useConnection } from './connection-status';
import { createWebSessionFiles } from './web-session-files';
import { apiSocketUrl, createWebSocketClient } from './websocket-client';

function pickClient(): ApiClient {
  if (window.parallax) return window.parallax;
  const socket = createWebSocketClient(apiSocketUrl(window.location), (reason) => useConnection.getState().setLost(reason));
  return { ...socket, ...createWebSessionFiles(window.location) };
}

export const apiClient: ApiClient = pickClient();
