import { create } from 'zustand';
import type { TunnelOptions, TunnelState, TunnelTarget } from '../../../../shared/model/tunnel';
import { engine, onEngineReady } from '../../client/instance';
import { explainError } from '../../components/errorHints';
import { toast } from '../../components/toastStore';

interface TunnelsState {
  byId: Record<string, TunnelState>;
  /** Tunnels with an open/close command in flight (buttons show it). */
  pending: Record<string, boolean>;
}

export const useTunnels = create<TunnelsState>(() => ({ byId: {}, pending: {} }));

export function tunnelIdFor(target: TunnelTarget): string {
  return target.kind === 'port' ? `port:${target.port}` : `${target.kind}:${target.id}`;
}

function put(state: TunnelState): void {
  const prev = useTunnels.getState().byId[state.id];
  // Webhook senders still post to the old URL: say so loudly, once per change.
  if (state.urlChange && state.urlChange.current !== prev?.urlChange?.current) {
    toast.error(`The public URL changed to ${state.urlChange.current} — update your webhook senders.`);
  }
  useTunnels.setState((s) => ({ byId: { ...s.byId, [state.id]: state } }));
}

async function reload(): Promise<void> {
  try {
    const list = await engine().invoke('tunnels.list', {});
    useTunnels.setState({ byId: Object.fromEntries(list.map((t) => [t.id, t])) });
  } catch {
    // Older engine without tunnels, or disconnected: the next ready event reloads.
  }
}

let users = 0;
let stop: (() => void) | null = null;

/** Reference-counted live sync with the engine; every tunnel view calls it while mounted. */
export function retainTunnels(): () => void {
  users += 1;
  if (users === 1) {
    const offEvents = engine().subscribe((events) => {
      for (const ev of events) {
        if (ev.type === 'tunnel.state') put(ev.tunnel);
        else if (ev.type === 'tunnel.removed') {
          useTunnels.setState((s) => {
            const byId = { ...s.byId };
            delete byId[ev.id];
            return { byId };
          });
        }
      }
    });
    const offReady = onEngineReady(() => void reload());
    stop = () => {
      offEvents();
      offReady();
    };
  }
  return () => {
    users -= 1;
    if (users === 0) {
      stop?.();
      stop = null;
    }
  };
}

const setPending = (id: string, on: boolean) =>
  useTunnels.setState((s) => ({ pending: { ...s.pending, [id]: on } }));

/** Opens (or reopens with new options); failures are shown in the tunnel's own state and a toast. */
export async function openTunnel(target: TunnelTarget, options: TunnelOptions, label: string, shownUrl: (url: string) => string = (u) => u): Promise<boolean> {
  const id = tunnelIdFor(target);
  setPending(id, true);
  try {
    const state = await engine().invoke('tunnels.open', { target, ...options });
    put(state);
    toast.success(`“${label}” is public at ${state.url ? shownUrl(state.url) : '…'}`);
    return true;
  } catch (err) {
    toast.error(`Could not expose “${label}”: ${explainError(err)}`);
    return false;
  } finally {
    setPending(id, false);
  }
}

export async function closeTunnel(id: string): Promise<void> {
  setPending(id, true);
  try {
    put(await engine().invoke('tunnels.close', { id }));
  } catch (err) {
    toast.error(`Could not close the tunnel: ${explainError(err)}`);
  } finally {
    setPending(id, false);
  }
}

export async function retryNow(id: string): Promise<void> {
  try {
    put(await engine().invoke('tunnels.retryNow', { id }));
  } catch (err) {
    toast.error(explainError(err));
  }
}

export async function acknowledgeUrlChange(id: string): Promise<void> {
  try {
    put(await engine().invoke('tunnels.acknowledgeUrlChange', { id }));
  } catch (err) {
    toast.error(explainError(err));
  }
}

/** The options a tunnel was opened with, as the engine's command wants them. */
export function optionsOf(t: TunnelState | undefined): TunnelOptions {
  if (!t) return {};
  return {
    ...(t.options.subdomain ? { subdomain: t.options.subdomain } : {}),
    ...(t.options.host && t.options.host !== DEFAULT_HOST ? { host: t.options.host } : {}),
    ...(t.options.localHost ? { localHost: t.options.localHost } : {}),
  };
}

export const DEFAULT_HOST = 'https://localtunnel.me';
