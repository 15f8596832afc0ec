// Session files in the desktop shell: export asks where to save with a native dialog; import
// takes the path of a file the person picked or dropped (the preload reads it from the File).
import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { basename } from 'node:path';
import { z } from 'zod';
import { type ExportFormat, WINDOW_EXPORT_FORMATS } from '../shared/api';
import { codeOf, messageOf } from '../shared/errors';
import type { Engine } from './engine/engine';
import type { IpcReply } from './ipc';

export const EXPORT_CHANNEL = 'parallax:export-session';
export const IMPORT_CHANNEL = 'parallax:import-file';

const formatNames = Object.keys(WINDOW_EXPORT_FORMATS) as [ExportFormat, ...ExportFormat[]];
const exportParams = z.tuple([z.string().min(1).max(200), z.object({ format: z.enum(formatNames), redact: z.boolean() }).strict()]);
const importParams = z.tuple([z.string().min(1).max(4096)]);

/** Serves both channels to our own top frame only; returns a function that removes them. */
export function serveSessionFilesOverIpc(engine: Engine, isTrustedUrl: (url: string) => boolean): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    return !!frame && frame.parent === null && isTrustedUrl(frame.url);
  };
  const answer = async (event: IpcMainInvokeEvent, work: () => Promise<unknown>): Promise<IpcReply> => {
    if (!trusted(event)) return { ok: false, error: { message: 'Refused: the call did not come from the Parallax window.', code: 'bad-request' } };
    try {
      return { ok: true, result: await work() };
    } catch (error) {
      return { ok: false, error: { message: messageOf(error), code: codeOf(error) } };
    }
  };

  ipcMain.handle(EXPORT_CHANNEL, (event, ...params: unknown[]) =>
    answer(event, async () => {
      const [sessionId, request] = exportParams.parse(params);
      const session = (await engine.listSessions()).find((s) => s.id === sessionId);
      const { label, extension } = WINDOW_EXPORT_FORMATS[request.format];
      const suffix = request.format === 'bundle' ? '' : `-${request.format}`;
      const suggested = `${(session?.name ?? 'session').replace(/[^A-Za-z0-9._-]+/g, '-')}-${sessionId.slice(0, 8)}${suffix}${extension}`;
      const window = BrowserWindow.fromWebContents(event.sender);
      const options = { defaultPath: suggested, filters: [{ name: label, extensions: [extension.slice(1)] }] };
      const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      if (choice.canceled || !choice.filePath) return false;
      await engine.exportSessionAsOneFile(sessionId, request.format, choice.filePath, { redact: request.redact });
      return true;
    }),
  );
  ipcMain.handle(IMPORT_CHANNEL, (event, ...params: unknown[]) =>
    answer(event, async () => {
      const [path] = importParams.parse(params);
      if (basename(path) === '') throw new Error('Choose a file, not a folder.');
      return engine.importFile(path);
    }),
  );
  return () => {
    ipcMain.removeHandler(EXPORT_CHANNEL);
    ipcMain.removeHandler(IMPORT_CHANNEL);
  };
}
