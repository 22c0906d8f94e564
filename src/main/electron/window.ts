import { BrowserWindow, nativeTheme } from 'electron';
import { secureWebPreferences, webPreferencesProblems } from '../security/webPreferences';
import { PRELOAD_PATH, RENDERER_HTML } from './paths';

export function createMainWindow(devServerUrl: string | undefined): BrowserWindow {
  const webPreferences = secureWebPreferences(PRELOAD_PATH);
  const problems = webPreferencesProblems(webPreferences);
  // A weakened window must never open, even after a careless edit.
  if (problems.length) throw new Error(`Refusing to open an insecure window: ${problems.join('; ')}`);
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Switchboard',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1e1f22' : '#ffffff',
    webPreferences,
  });
  win.once('ready-to-show', () => win.show());
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(RENDERER_HTML);
  return win;
}
