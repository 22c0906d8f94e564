import { createBridgeClient } from './bridgeClient';
import type { ObservableClient } from './connection';
import { createWebSocketClient, webDoorUrl } from './wsClient';

/** Desktop when the preload exposed its bridge, otherwise the web door of the page's origin. */
export function pickClient(): ObservableClient {
  if (window.switchboard) return createBridgeClient(window.switchboard);
  return createWebSocketClient({ url: webDoorUrl() });
}
