// The only bridge between the sandboxed renderer and the main process: the Api methods by name
// and `on(event, listener)`. Nothing else (no ipcRenderer, no process) reaches the page.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { Api, ApiClient, ApiEventName, ApiMethod, ExportRequest, PickedFile, SessionFiles } from '../shared/api';
import type { IpcReply } from '../main/ipc';

// Same strings as CALL_CHANNEL / EVENT_CHANNEL in main/ipc.ts; a sandboxed preload cannot load
// main-process modules, so only types are imported from there.
const CALL_CHANNEL = 'parallax:call';
const EVENT_CHANNEL = 'parallax:event';
// Same strings as EXPORT_CHANNEL / IMPORT_CHANNEL in main/ipc-files.ts.
const EXPORT_CHANNEL = 'parallax:export-session';
const IMPORT_CHANNEL = 'parallax:import-file';

// Records keyed by the contract's names: adding a method or event to Api fails to compile here.
const methodNames: Record<ApiMethod, true> = {
  listProcesses: true,
  listSessions: true,
  getSummary: true,
  getFlameTree: true,
  getMetrics: true,
  getLogs: true,
  startRecording: true,
  stopRecording: true,
  deleteSession: true,
  listThreads: true,
  getAllocationTree: true,
  listHeapSnapshots: true,
  takeHeapSnapshot: true,
  getSnapshotClasses: true,
  diffSnapshots: true,
  getTraceEvents: true,
  getSpans: true,
  getFunctionSpans: true,
  getTimeline: true,
};
const eventNames: Record<ApiEventName, true> = { recording: true, sessionsChanged: true };

async function call(method: ApiMethod, params: unknown[]): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(CALL_CHANNEL, method, params)) as IpcReply;
  if (reply.ok) return reply.result;
  throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
}

const listeners = new Map<ApiEventName, Set<(payload: unknown) => void>>();
ipcRenderer.on(EVENT_CHANNEL, (_event, name: ApiEventName, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

function on(event: ApiEventName, listener: (payload: unknown) => void): () => void {
  if (!Object.hasOwn(eventNames, event)) throw new Error(`Unknown event ${String(event)}.`);
  if (typeof listener !== 'function') throw new Error('on(event, listener) needs a function.');
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

const methods = Object.fromEntries(
  (Object.keys(methodNames) as ApiMethod[]).map((method) => [method, (...params: unknown[]) => call(method, params)]),
) as unknown as Api;

// Files: the main process shows the save dialog; a picked or dropped file goes by its path only.
const files: SessionFiles = {
  exportSession: async (sessionId: string, request: ExportRequest) => (await callChannel(EXPORT_CHANNEL, [sessionId, request])) as boolean,
  importSessionFile: async (file: PickedFile) => {
    const path = webUtils.getPathForFile(file as File);
    if (!path) throw new Error('That file has no path on this computer; save it first, then open it.');
    return (await callChannel(IMPORT_CHANNEL, [path])) as { sessionId: string };
  },
};

async function callChannel(channel: string, params: unknown[]): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(channel, ...params)) as IpcReply;
  if (reply.ok) return reply.result;
  throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
}

const client: ApiClient = { ...methods, ...files, on: on as ApiClient['on'] };
contextBridge.exposeInMainWorld('parallax', client);
