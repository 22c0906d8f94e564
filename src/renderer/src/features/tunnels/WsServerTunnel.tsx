import type { WsServerState } from '../../../../shared/model/sockets';
import { TunnelLine } from './TunnelLine';

/** ws:// and wss:// with the server's path: what a WebSocket client needs. */
export function wsPublicUrl(url: string, path: string): string {
  return url.replace(/^http/, 'ws').replace(/\/$/, '') + path;
}

/**
 * Expose a WebSocket server publicly: mount next to the server's URL in the WebSockets area,
 * `<WsServerTunnel server={server} />`.
 */
export function WsServerTunnel({ server }: { server: WsServerState }) {
  return (
    <TunnelLine
      target={{ kind: 'wsServer', id: server.id }}
      label={server.name || 'WebSocket server'}
      running={server.status === 'running'}
      localHostPlaceholder={server.settings.host}
      shownUrl={(u) => wsPublicUrl(u, server.settings.path)}
      inline
    />
  );
}
