import { BrowserWindow, nativeTheme, type WebPreferences } from 'electron';
import { secureWebPreferences, webPreferencesProblems } from '../security/webPreferences';
import { PRELOAD_PATH, RENDERER_HTML } from './paths';

/** Passes the preferences through unchanged, or throws: a weakened window never opens. */
function checked(prefs: WebPreferences): WebPreferences {
  const problems = webPreferencesProblems(prefs);
  if (problems.length) throw new Error(`Refusing to open an insecure window: ${problems.join('; ')}`);
  return prefs;
}

export function createMainWindow(devServerUrl: string | undefined): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Switchboard',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1e1f22' : '#ffffff',
    webPreferences: checked({
      ...secureWebPreferences(PRELOAD_PATH),
      // The policy lives in secureWebPreferences; the key settings are repeated literally here so
      // static auditors (Electronegativity) can see them at the call site.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      disableBlinkFeatures: 'Auxclick',
    }),
  });
  win.once('ready-to-show', () => win.show());
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(RENDERER_HTML);
  return win;
}
