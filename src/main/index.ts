// The Electron shell: one window on the engine, the Api over IPC, and the security defaults
// (sandbox, isolation, CSP, no navigation, no new windows, no permissions).
import { app, BrowserWindow, dialog, Menu, session, type MenuItemConstructorOptions } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { messageOf } from '../shared/errors';
import { Engine } from './engine/engine';
import { CONTENT_SECURITY_POLICY } from './host/content-security-policy';
import { serveApiOverIpc } from './ipc';
import { serveSessionFilesOverIpc } from './ipc-files';

const here = dirname(fileURLToPath(import.meta.url));
const preloadPath = join(here, '../preload/index.cjs');
const rendererIndex = join(here, '../renderer/index.html');
const rendererFileUrl = pathToFileURL(rendererIndex).href;
// The Vite dev server, under `electron-vite dev` only; a packaged app always loads its files.
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

// Vite's dev client needs an inline preamble and its HMR socket; the built app gets the strict policy.
const DEV_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self' ws://localhost:*; frame-ancestors 'none'";

function isTrustedRendererUrl(url: string): boolean {
  if (devServerUrl) {
    try {
      return new URL(url).origin === new URL(devServerUrl).origin;
    } catch {
      return false;
    }
  }
  return url.split(/[?#]/, 1)[0] === rendererFileUrl;
}

/** Electron needs its own build of better-sqlite3 (`npm run app` makes it); the store reads this. */
function pointSqliteAtElectronBuild(): void {
  const binding = join(app.getAppPath(), 'build-electron', 'better_sqlite3.node');
  if (existsSync(binding)) process.env.PARALLAX_SQLITE_BINDING = binding;
}

function hardenSessionAndContents(): void {
  const policy = devServerUrl ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
  // Header CSP; for file:// pages the renderer's index.html also carries the policy in a meta tag.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

function installMenu(): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { label: 'File', submenu: [{ role: 'quit' }] },
    { role: 'editMenu' },
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function openWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Parallax',
    show: false,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: preloadPath,
    },
  });
  window.once('ready-to-show', () => window.show());
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(rendererIndex);
  return window;
}

async function main(): Promise<void> {
  app.enableSandbox();
  await app.whenReady();
  hardenSessionAndContents();
  installMenu();

  pointSqliteAtElectronBuild();
  let engine: Engine;
  try {
    engine = await Engine.open();
  } catch (error) {
    dialog.showErrorBox('Parallax could not open its store', messageOf(error));
    app.exit(1);
    return;
  }
  const stopApiIpc = serveApiOverIpc(engine, isTrustedRendererUrl);
  const stopFilesIpc = serveSessionFilesOverIpc(engine, isTrustedRendererUrl);
  const stopIpc = (): void => {
    stopApiIpc();
    stopFilesIpc();
  };

  // Closing the engine saves open recordings; quitting waits for it, whichever way quit starts.
  let closed = false;
  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (closing ??= (async () => {
      stopIpc();
      try {
        await engine.close();
      } catch (error) {
        console.error(`Parallax: closing the store failed: ${messageOf(error)}`);
      } finally {
        closed = true;
      }
    })());

  app.on('window-all-closed', () => {
    void shutdown().then(() => app.quit());
  });
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    void shutdown().then(() => app.quit());
  });
  app.on('activate', () => {
    if (!closing && BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  openWindow();
}

main().catch((error: unknown) => {
  console.error(`Parallax could not start: ${messageOf(error)}`);
  app.exit(1);
});
