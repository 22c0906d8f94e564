import { shell, type WebContents } from 'electron';
import { allowMainFrameNavigation, allowSubFrameNavigation, decideWindowOpen } from '../security/navigation';

/**
 * Applied to every WebContents the app ever creates (app 'web-contents-created'), so no window,
 * devtools or frame escapes it: no navigation, no new windows, no <webview>.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternal) void shell.openExternal(decision.openExternal).catch(() => undefined);
    return { action: decision.action };
  });
  contents.on('will-navigate', (event) => {
    if (!allowMainFrameNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame) {
      if (!allowMainFrameNavigation(event.url)) event.preventDefault();
    } else if (!allowSubFrameNavigation(event.url)) {
      event.preventDefault();
    }
  });
  contents.on('will-redirect', (event) => {
    if (event.isMainFrame || !allowSubFrameNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
