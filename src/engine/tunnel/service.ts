import type { EngineEvent } from '../../shared/contract';
import type { CatcherState } from '../../shared/model/catcher';
import { DEFAULT_TUNNEL_HOST, type TunnelState, type TunnelTarget } from '../../shared/model/tunnel';
import { SwitchboardError } from '../../shared/errors';
import type { Handlers, Service, ServiceContext } from '../service';
import { ManagedTunnel, type ManagedTunnelOptions } from './tunnel';
import { createTunnelStoreFile, type SavedCatcherTunnel, type TunnelStoreData } from './store';

export interface TunnelServiceDeps {
  /** The catchers as the catcher service knows them (catchers.list). */
  listCatchers?: () => Promise<CatcherState[]>;
  /** Where a WebSocket server of the sockets service listens, or null if it is not running. */
  resolveWsServer?: (id: string) => Promise<{ host: string; port: number } | null>;
  /** Engine events: catchers starting, stopping and being removed open and close their tunnels. */
  subscribe?: (listener: (event: EngineEvent) => void) => () => void;
  /** Test hooks: faster backoff, a shorter grace period. */
  tunnelDefaults?: Partial<Pick<ManagedTunnelOptions, 'backoffMs' | 'graceMs' | 'maxReconnectAttempts'>>;
}

export interface TunnelServiceApi {
  list(): TunnelState[];
  get(id: string): TunnelState | null;
}

interface Entry {
  tunnel: ManagedTunnel | null;
  /** Last state (kept for closed catcher tunnels so the UI can show their options). */
  state: TunnelState;
}

export function tunnelIdFor(target: TunnelTarget): string {
  return target.kind === 'port' ? `port:${target.port}` : `${target.kind}:${target.id}`;
}

/** A server bound to every interface is reached on loopback. */
function connectHost(bindHost: string): string {
  if (bindHost === '0.0.0.0' || bindHost === '') return '127.0.0.1';
  if (bindHost === '::' || bindHost === '[::]') return '::1';
  return bindHost.replace(/^\[|\]$/g, '');
}

export async function createTunnelService(
  ctx: ServiceContext,
  deps: TunnelServiceDeps = {},
): Promise<Service & { api: TunnelServiceApi }> {
  const file = createTunnelStoreFile(ctx.dataDir);
  const saved: TunnelStoreData = file.load();
  const entries = new Map<string, Entry>();
  let closing = false;

  const persist = () => {
    try {
      file.save(saved);
    } catch {
      // Remembering options is a convenience; a read-only data dir must not break the tunnel itself.
    }
  };

  const emitState = (state: TunnelState) => ctx.emit({ type: 'tunnel.state', tunnel: state });

  const closedState = (target: TunnelTarget, s: SavedCatcherTunnel | null, reason: string | null): TunnelState => ({
    id: tunnelIdFor(target),
    target,
    options: { subdomain: s?.subdomain ?? null, host: s?.host ?? DEFAULT_TUNNEL_HOST, localHost: s?.localHost ?? null },
    status: 'closed',
    url: null,
    assignedSubdomain: s?.lastSubdomain ?? null,
    urlChange: null,
    reason,
    error: null,
    attempt: 0,
    nextRetryAt: null,
    local: null,
    connections: 0,
    maxConnections: 0,
    requestCount: 0,
    onlineSince: null,
    updatedAt: new Date().toISOString(),
  });

  const remember = (catcherId: string, patch: Partial<SavedCatcherTunnel>) => {
    const prev: SavedCatcherTunnel = saved.catchers[catcherId] ?? {
      enabled: false,
      subdomain: null,
      host: null,
      localHost: null,
      lastSubdomain: null,
      lastUrl: null,
    };
    saved.catchers[catcherId] = { ...prev, ...patch };
    persist();
  };

  const findCatcher = async (id: string): Promise<CatcherState | null> => {
    if (!deps.listCatchers) return null;
    const all = await deps.listCatchers();
    return all.find((c) => c.id === id) ?? null;
  };

  const resolveLocal = async (target: TunnelTarget): Promise<{ host: string; port: number }> => {
    if (target.kind === 'port') return { host: 'localhost', port: target.port };
    if (target.kind === 'catcher') {
      const catcher = await findCatcher(target.id);
      if (!catcher) throw new SwitchboardError('NOT_FOUND', `No catcher with id ${target.id}.`);
      if (catcher.status !== 'running' || !catcher.boundPort) {
        throw new SwitchboardError('CATCHER_NOT_RUNNING', `Catcher "${catcher.name}" is not running: start it, then expose it.`);
      }
      return { host: connectHost(catcher.host), port: catcher.boundPort };
    }
    const ws = deps.resolveWsServer ? await deps.resolveWsServer(target.id) : null;
    if (!ws) throw new SwitchboardError('NOT_FOUND', `No running WebSocket server with id ${target.id}.`);
    return { host: connectHost(ws.host), port: ws.port };
  };

  /** Closes whatever runs for `id` and leaves the entry with the closed state. */
  const stop = async (id: string, reason?: string): Promise<TunnelState | null> => {
    const entry = entries.get(id);
    if (!entry) return null;
    const tunnel = entry.tunnel;
    entry.tunnel = null;
    if (tunnel) await tunnel.close(reason);
    return entry.state;
  };

  interface OpenRequest {
    target: TunnelTarget;
    subdomain: string | null;
    host: string | null;
    localHost: string | null;
    timeoutMs?: number;
    /** Subdomain to ask for first (last one assigned), when the user did not name one. */
    preferSubdomain?: string | null;
    /** Catcher tunnels: persist options and the "on" switch. */
    remember: boolean;
    /** URL given out last time (automatic reopen): a different one now is flagged. */
    previousUrl?: string | null;
    /** Automatic reopen: an unreachable server means "keep reconnecting", not "failed". */
    keepTrying?: boolean;
  }

  const open = async (req: OpenRequest): Promise<TunnelState> => {
    if (closing) throw new SwitchboardError('ENGINE_CLOSED', 'The engine is closing.');
    const id = tunnelIdFor(req.target);
    const local = await resolveLocal(req.target);
    await stop(id);
    const host = req.host ?? DEFAULT_TUNNEL_HOST;
    const entry: Entry = entries.get(id) ?? { tunnel: null, state: closedState(req.target, null, null) };
    entries.set(id, entry);
    const tunnel: ManagedTunnel = new ManagedTunnel(
      { id, target: req.target, options: { subdomain: req.subdomain, host, localHost: req.localHost } },
      {
        host,
        subdomain: req.subdomain ?? req.preferSubdomain ?? null,
        local: req.localHost ? { host: req.localHost, port: local.port } : local,
        rewriteHost: req.localHost !== null,
        openTimeoutMs: req.timeoutMs ?? ctx.limits.tunnelOpenTimeoutMs,
        previousUrl: req.previousUrl ?? null,
        ...deps.tunnelDefaults,
      },
      (state) => {
        // A replaced tunnel's last words (its "closed") must not overwrite the new one's state.
        if (entry.tunnel !== tunnel && state.status !== 'closed') return;
        if (entry.tunnel !== tunnel && entry.tunnel !== null) return;
        entry.state = state;
        if (state.status === 'online' && req.target.kind === 'catcher' && req.remember) {
          remember(req.target.id, { lastSubdomain: state.assignedSubdomain, lastUrl: state.url });
        }
        emitState(state);
      },
    );
    entry.tunnel = tunnel;
    if (req.target.kind === 'catcher' && req.remember) {
      remember(req.target.id, { enabled: true, subdomain: req.subdomain, host: req.host, localHost: req.localHost });
    }
    return tunnel.open({ keepTrying: req.keepTrying ?? false });
  };

  /** Reopen a catcher's tunnel (engine start, catcher start) if the user left it on. */
  const reopenForCatcher = (catcher: CatcherState) => {
    const s = saved.catchers[catcher.id];
    if (!s?.enabled || closing) return;
    const id = tunnelIdFor({ kind: 'catcher', id: catcher.id });
    const current = entries.get(id)?.tunnel;
    if (current && !current.isClosed && current.snapshot.local?.port === catcher.boundPort) return;
    void open({
      target: { kind: 'catcher', id: catcher.id },
      subdomain: s.subdomain,
      host: s.host,
      localHost: s.localHost,
      preferSubdomain: s.lastSubdomain,
      previousUrl: s.lastUrl,
      remember: true,
      keepTrying: true,
    }).catch(() => {
      // The failure is in the tunnel's state (status failed, reason in words) for the UI to show.
    });
  };

  const onEvent = (event: EngineEvent) => {
    if (event.type === 'catcher.state') {
      const c = event.catcher;
      const id = tunnelIdFor({ kind: 'catcher', id: c.id });
      if (c.status === 'running' && c.boundPort) reopenForCatcher(c);
      else if (c.status === 'stopped' || c.status === 'error') {
        const entry = entries.get(id);
        if (entry?.tunnel) void stop(id, 'the catcher stopped; the tunnel reopens when it starts again');
      }
    } else if (event.type === 'wsServer.state') {
      const id = tunnelIdFor({ kind: 'wsServer', id: event.server.id });
      const entry = entries.get(id);
      if (entry?.tunnel && (event.server.status === 'stopped' || event.server.status === 'error')) {
        void stop(id, 'the WebSocket server stopped; expose it again once it runs');
      }
    } else if (event.type === 'wsServer.removed' && entries.has(tunnelIdFor({ kind: 'wsServer', id: event.id }))) {
      const id = tunnelIdFor({ kind: 'wsServer', id: event.id });
      void stop(id).then(() => {
        entries.delete(id);
        ctx.emit({ type: 'tunnel.removed', id });
      });
    } else if (event.type === 'catcher.removed') {
      const id = tunnelIdFor({ kind: 'catcher', id: event.id });
      void stop(id).then(() => {
        entries.delete(id);
        if (saved.catchers[event.id]) {
          delete saved.catchers[event.id];
          persist();
        }
        ctx.emit({ type: 'tunnel.removed', id });
      });
    }
  };
  const unsubscribe = deps.subscribe?.(onEvent) ?? (() => undefined);

  // Remembered catcher tunnels appear (closed) so their options show; running ones reopen.
  if (deps.listCatchers) {
    try {
      const catchers = await deps.listCatchers();
      for (const c of catchers) {
        const s = saved.catchers[c.id];
        if (!s) continue;
        const target: TunnelTarget = { kind: 'catcher', id: c.id };
        entries.set(tunnelIdFor(target), { tunnel: null, state: closedState(target, s, null) });
        if (c.status === 'running' && c.boundPort) reopenForCatcher(c);
      }
    } catch {
      // No catchers yet: nothing to restore.
    }
  }

  const handlers: Handlers = {
    'tunnels.open': async (p) =>
      open({
        target: p.target,
        subdomain: p.subdomain ?? null,
        host: p.host ?? null,
        localHost: p.localHost ?? null,
        timeoutMs: p.timeoutMs,
        preferSubdomain: p.target.kind === 'catcher' && p.remember ? (saved.catchers[p.target.id]?.lastSubdomain ?? null) : null,
        remember: p.remember,
      }),
    'tunnels.close': async ({ id }) => {
      const entry = entries.get(id);
      if (!entry) throw new SwitchboardError('NOT_FOUND', `No tunnel with id ${id}.`);
      await stop(id);
      const target = entry.state.target;
      if (target.kind === 'catcher' && saved.catchers[target.id]) {
        remember(target.id, { enabled: false });
        return entry.state;
      }
      entries.delete(id);
      ctx.emit({ type: 'tunnel.removed', id });
      return entry.state;
    },
    'tunnels.list': async () => [...entries.values()].map((e) => e.state),
    'tunnels.retryNow': async ({ id }) => {
      const entry = entries.get(id);
      if (!entry) throw new SwitchboardError('NOT_FOUND', `No tunnel with id ${id}.`);
      entry.tunnel?.retryNow();
      return entry.state;
    },
    'tunnels.acknowledgeUrlChange': async ({ id }) => {
      const entry = entries.get(id);
      if (!entry) throw new SwitchboardError('NOT_FOUND', `No tunnel with id ${id}.`);
      if (entry.tunnel) return entry.tunnel.acknowledgeUrlChange();
      return entry.state;
    },
  };

  return {
    handlers,
    api: {
      list: () => [...entries.values()].map((e) => e.state),
      get: (id) => entries.get(id)?.state ?? null,
    },
    async close() {
      closing = true;
      unsubscribe();
      await Promise.all([...entries.keys()].map((id) => stop(id)));
    },
  };
}
