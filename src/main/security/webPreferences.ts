import type { WebPreferences } from 'electron';

/**
 * The only webPreferences any Switchboard window gets. The renderer shows bytes that strangers
 * sent, so it runs as an ordinary sandboxed web page: no Node, isolated preload world, web
 * security on, nothing experimental. (A type-only import: nothing from electron runs here.)
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    // Middle-click would open links in new windows, bypassing the click handlers.
    disableBlinkFeatures: 'Auxclick',
  };
}

/** The settings that must hold, and their required values; checked at runtime and in tests. */
export const REQUIRED_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
} as const satisfies Partial<WebPreferences>;

/**
 * Lists every way `prefs` is weaker than required (empty when secure). Also rejects
 * `enableBlinkFeatures`, which can switch on features the rest of the policy assumes are off.
 */
export function webPreferencesProblems(prefs: WebPreferences): string[] {
  const problems: string[] = [];
  for (const [key, required] of Object.entries(REQUIRED_PREFERENCES)) {
    const actual = (prefs as Record<string, unknown>)[key];
    if (actual !== required) problems.push(`${key} must be ${String(required)} (is ${String(actual)})`);
  }
  if (prefs.enableBlinkFeatures) problems.push('enableBlinkFeatures must not be set');
  if (!prefs.disableBlinkFeatures?.split(',').map((f) => f.trim()).includes('Auxclick')) problems.push("disableBlinkFeatures must include 'Auxclick'");
  if (prefs.preload !== undefined && !prefs.preload.endsWith('.cjs')) problems.push('preload must be the CommonJS bundle (.cjs)');
  return problems;
}
