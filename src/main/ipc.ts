// The Api over Electron IPC: one invoke channel for calls, one send channel for pushed events.
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { ApiEventName } from '../shared/api';
import { codeOf, messageOf } from '../shared/errors';
import { apiEventNames, dispatchApiCall, type ApiWithEvents } from './api-dispatch';

export const CALL_CHANNEL = 'parallax:call';
export const EVENT_CHANNEL = 'parallax:event';

/**
 * What a call resolves to in the preload. Errors travel as data because Electron reduces a
 * rejected invoke to a generic message and drops the code.
 */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: { message: string; code: string } };

/**
 * Serves `api` on CALL_CHANNEL to the top frame of our own renderer only (`isTrustedUrl` decides,
 * from the sending frame's URL) and forwards every engine event to windows showing that renderer.
 * Returns a function that stops both.
 */
export function serveApiOverIpc(api: ApiWithEvents, isTrustedUrl: (url: string) => boolean): () => void {
  ipcMain.handle(CALL_CHANNEL, async (event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<IpcReply> => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isTrustedUrl(frame.url)) {
      return { ok: false, error: { message: 'Refused: the call did not come from the Parallax window.', code: 'bad-request' } };
    }
    try {
      return { ok: true, result: await dispatchApiCall(api, method, params) };
    } catch (error) {
      return { ok: false, error: { message: messageOf(error), code: codeOf(error) } };
    }
  });

  const forward = (event: ApiEventName, payload: unknown): void => {
    for (const window of BrowserWindow.getAllWindows()) {
      const contents = window.webContents;
      if (!contents.isDestroyed() && isTrustedUrl(contents.getURL())) contents.send(EVENT_CHANNEL, event, payload);
    }
  };
  const unsubscribers = apiEventNames.map((event) => api.events.on(event, (payload) => forward(event, payload)));

  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
