import { app, BrowserWindow, dialog, Menu, session, shell } from 'electron';
import { createEngine, type Engine } from '../../engine';
import { desktopDataDir } from '../desktop/args';
import { menuTemplate } from '../desktop/menu';
import { trustedRenderer } from '../security/ipcSender';
import { bridgeEvents, registerInvoke } from './bridge';
import { hardenWebContents } from './contents';
import { RENDERER_HTML } from './paths';
import { hardenSession } from './session';
import { createMainWindow } from './window';
import { safeStorageSecretBox } from './secretBox';

/** How long quitting waits for the engine to flush and close before giving up. */
const CLOSE_TIMEOUT_MS = 5000;

/** The desktop shell: windows, menu and security only; everything else is the engine's. */
export function startDesktopApp(): void {
  // Every renderer sandboxed, whatever a window's options say.
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  // electron-vite sets this only under `electron-vite dev`; a packaged app never trusts it.
  const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const dataDir = desktopDataDir(process.argv, process.env, app.getPath('userData'));
  let engine: Engine | null = null;
  let mainWindow: BrowserWindow | null = null;
  let closed = false;

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  // Any other session (a partition some future code creates) gets the same locks.
  app.on('session-created', (created) => hardenSession(created, devServerUrl));

  const openWindow = () => {
    if (!engine) return;
    const win = createMainWindow(devServerUrl);
    bridgeEvents(engine, win);
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = null;
    });
    mainWindow = win;
  };

  app.on('second-instance', () => {
    if (!mainWindow) return openWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  app.on('before-quit', (event) => {
    if (closed || !engine) return;
    // Hold the quit until the engine has closed its listeners and flushed the store.
    event.preventDefault();
    const running = engine;
    engine = null;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS));
    void Promise.race([running.close().catch(() => undefined), timeout]).then(() => {
      closed = true;
      app.quit();
    });
  });

  app
    .whenReady()
    .then(async () => {
      hardenSession(session.defaultSession, devServerUrl);
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(menuTemplate(process.platform, { openDataDir: () => void shell.openPath(dataDir) })),
      );
      engine = await createEngine({ dataDir, door: 'electron', secretBox: safeStorageSecretBox() });
      registerInvoke(engine, trustedRenderer({ rendererHtmlPath: RENDERER_HTML, devServerUrl }));
      openWindow();
    })
    .catch((err: unknown) => {
      dialog.showErrorBox('Switchboard could not start', `${err instanceof Error ? err.message : String(err)}\n\nData directory: ${dataDir}`);
      closed = true;
      app.exit(1);
    });
}
