import os from 'node:os';
import path from 'node:path';

/** The app's name as Electron derives userData from it (productName). */
export const APP_NAME = 'Switchboard';

/**
 * Where data lives when nothing overrides it: the same folder Electron's app.getPath('userData')
 * gives the desktop app, so the CLI, `switchboard serve` and the window share one store.
 */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}

/** Precedence: --data-dir, then SWITCHBOARD_DATA_DIR, then the default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.SWITCHBOARD_DATA_DIR;
  return chosen ? path.resolve(chosen) : defaultDataDir(process.platform, env);
}
