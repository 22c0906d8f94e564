import { create } from 'zustand';
import type { EngineEvent } from '../../../shared/contract';
import type { TunnelState } from '../../../shared/model/tunnel';
import { engine, onEngineReady } from '../client/instance';

// Tunnel states for the status bar: always visible, with the reason in words.
export const useTunnelStatus = create<{ tunnels: TunnelState[] }>(() => ({ tunnels: [] }));

export function startTunnelStatus(): () => void {
  const offReady = onEngineReady(() => {
    engine()
      .invoke('tunnels.list', {})
      .then((tunnels) => useTunnelStatus.setState({ tunnels }))
      // An engine without tunnels simply has none to show.
      .catch(() => useTunnelStatus.setState({ tunnels: [] }));
  });
  const offEvents = engine().subscribe((events: EngineEvent[]) => {
    let tunnels = useTunnelStatus.getState().tunnels;
    let changed = false;
    for (const ev of events) {
      if (ev.type === 'tunnel.state') {
        const i = tunnels.findIndex((t) => t.id === ev.tunnel.id);
        tunnels = i === -1 ? [...tunnels, ev.tunnel] : tunnels.map((t, j) => (j === i ? ev.tunnel : t));
        changed = true;
      } else if (ev.type === 'tunnel.removed') {
        tunnels = tunnels.filter((t) => t.id !== ev.id);
        changed = true;
      }
    }
    if (changed) useTunnelStatus.setState({ tunnels });
  });
  return () => {
    offReady();
    offEvents();
  };
}

export function tunnelLabel(t: TunnelState, names: (target: TunnelState['target']) => string): { text: string; tone: 'ok' | 'warn' | 'bad' } {
  const name = names(t.target);
  switch (t.status) {
    case 'online':
      return { text: `${name} → ${t.url ?? 'online'}${t.urlChange ? ' (URL changed!)' : ''}`, tone: t.urlChange ? 'warn' : 'ok' };
    case 'connecting':
      return { text: `${name}: opening tunnel…`, tone: 'warn' };
    case 'reconnecting':
      return { text: `${name}: reconnecting${t.attempt ? ` (attempt ${t.attempt})` : ''}${t.reason ? ` — ${t.reason}` : ''}`, tone: 'warn' };
    case 'failed':
      return { text: `${name}: tunnel failed — ${t.reason ?? t.error?.message ?? 'unknown reason'}`, tone: 'bad' };
    default:
      return { text: `${name}: tunnel closed`, tone: 'bad' };
  }
}
