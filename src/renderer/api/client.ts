// The one ApiClient the window uses: the preload's in Electron, else the web host's WebSocket.
import type { ApiClient } from '../../shared/api';
import { useConnection } from './connection-status';
import { apiSocketUrl, createWebSocketClient } from './websocket-client';

function pickClient(): ApiClient {
  if (window.parallax) return window.parallax;
  return createWebSocketClient(apiSocketUrl(window.location), (reason) =>
    useConnection.getState().setLost(reason),
  );
}

export const apiClient: ApiClient = pickClient();
