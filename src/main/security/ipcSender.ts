import { pathToFileURL } from 'node:url';

/**
 * Which document may call the engine over IPC: our own renderer in the main frame — the built
 * file:// page, or in development the electron-vite dev server. Iframes (captured HTML previews)
 * and anything the window might have been navigated to are refused.
 */
export type TrustedRenderer = { kind: 'file'; url: string } | { kind: 'dev'; origin: string };

export function trustedRenderer(options: { rendererHtmlPath: string; devServerUrl?: string | undefined }): TrustedRenderer {
  if (options.devServerUrl) return { kind: 'dev', origin: new URL(options.devServerUrl).origin };
  return { kind: 'file', url: pathToFileURL(options.rendererHtmlPath).href };
}

export interface IpcSenderInfo {
  /** The sending frame's URL; absent when the frame is gone. */
  url: string | undefined;
  /** Whether the sending frame is the window's top frame. */
  isMainFrame: boolean;
}

export function isAllowedIpcSender(sender: IpcSenderInfo | null, trusted: TrustedRenderer): boolean {
  if (!sender || !sender.isMainFrame || typeof sender.url !== 'string') return false;
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    return false;
  }
  if (trusted.kind === 'dev') {
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === trusted.origin;
  }
  if (url.protocol !== 'file:') return false;
  // The page may change its hash or query (client-side state); the document itself must be ours.
  url.hash = '';
  url.search = '';
  return url.href === trusted.url;
}
