/**
 * Navigation and window policy for the desktop shell. The app is one page that never navigates:
 * any attempt (a link without target, a redirect, a script) is refused; links meant for a browser
 * go to the user's browser after a URL check.
 */

const MAX_EXTERNAL_URL_LENGTH = 8 * 1024;

/**
 * Only plain http(s) links may leave the app for the user's browser: no file:, no custom
 * protocol handlers (which could launch local programs), no embedded credentials.
 */
export function isSafeExternalUrl(raw: string): boolean {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_EXTERNAL_URL_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  if (!url.hostname) return false;
  // Control characters and whitespace have no business in a URL handed to the OS.
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return false;
  }
  return true;
}

export type WindowOpenDecision = { action: 'deny'; openExternal: string | null };

/** window.open / target=_blank: never a new Electron window; maybe the user's browser. */
export function decideWindowOpen(url: string): WindowOpenDecision {
  return { action: 'deny', openExternal: isSafeExternalUrl(url) ? url : null };
}

/** The main frame never navigates away from the renderer (reloads are not navigations). */
export function allowMainFrameNavigation(_url: string): boolean {
  return false;
}

/**
 * Sub-frames hold previews of captured HTML, loaded from blob:/data: into sandboxed iframes. They
 * may not navigate anywhere real (CSP frame-src says the same; this is the second lock).
 */
export function allowSubFrameNavigation(url: string): boolean {
  return url.startsWith('blob:') || url.startsWith('data:') || url === 'about:blank' || url === 'about:srcdoc';
}
