import { app, BrowserWindow } from 'electron';
import path from 'node:path';

// Skeleton; the full shell (IPC, CSP, security handlers, event bridge) lands with issue 2.
export function startDesktopApp(): void {
  app.whenReady().then(() => {
    const win = new BrowserWindow({
      width: 1440,
      height: 900,
      webPreferences: {
        preload: path.join(import.meta.dirname, '../preload/index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
      },
    });
    void win.loadFile(path.join(import.meta.dirname, '../renderer/index.html'));
  });
}
