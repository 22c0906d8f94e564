import { EngineClientError, type WebDoorMessage, type WebDoorRequest } from '../../../shared/client';
import type { CommandInput, CommandName, CommandResult, EngineEvent } from '../../../shared/contract';
import type { ConnectionState, ObservableClient } from './connection';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export interface WebSocketClientOptions {
  url: string;
  /** Backoff schedule: min(maxDelayMs, baseDelayMs * 2^attempt), with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long a request may wait for a connection before it is rejected. */
  queueTimeoutMs?: number;
  /** For tests; defaults to the global WebSocket. */
  WebSocketImpl?: typeof WebSocket;
}

/** The same-origin web door endpoint, carrying the page's token when the URL still has one. */
export function webDoorUrl(loc: Location = window.location): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(loc.search).get('token');
  return `${proto}//${loc.host}/api/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

/**
 * The web-door client. Requests sent while disconnected wait for the next connection (bounded
 * by the reconnect loop); requests in flight when the socket drops are rejected with a clear
 * error, because we cannot know whether the engine ran them.
 */
export function createWebSocketClient(options: WebSocketClientOptions): ObservableClient {
  const WS = options.WebSocketImpl ?? WebSocket;
  const baseDelay = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 10_000;
  const listeners = new Set<(events: EngineEvent[]) => void>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const pending = new Map<number, Pending>();
  const queued: Array<{ req: WebDoorRequest; p: Pending; timer: ReturnType<typeof setTimeout> }> = [];
  const queueTimeout = options.queueTimeoutMs ?? 15_000;
  let nextId = 1;
  let attempt = 0;
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closedByUser = false;
  let state: ConnectionState = { status: 'connecting', attempt: 0 };

  const setState = (s: ConnectionState) => {
    state = s;
    for (const l of stateListeners) l(s);
  };

  const failAll = (message: string) => {
    const err = new EngineClientError({ code: 'INTERNAL', message });
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const connect = () => {
    timer = null;
    setState({ status: 'connecting', attempt });
    let ws: WebSocket;
    try {
      ws = new WS(options.url);
    } catch (err) {
      scheduleReconnect(err instanceof Error ? err.message : String(err));
      return;
    }
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState({ status: 'open' });
      for (const { req, p, timer: t } of queued.splice(0)) {
        clearTimeout(t);
        pending.set(req.id, p);
        ws.send(JSON.stringify(req));
      }
    };
    ws.onmessage = (ev) => onMessage(ev.data);
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      const reason = ev.reason || (ev.code === 1006 ? 'connection lost' : `closed (${ev.code})`);
      failAll(`Lost the connection to Switchboard (${reason}) before it answered; try again.`);
      if (closedByUser) setState({ status: 'closed', reason: 'closed' });
      else scheduleReconnect(reason);
    };
    // 'error' is always followed by 'close', which does the work.
    ws.onerror = () => {};
  };

  const scheduleReconnect = (reason: string) => {
    const delay = Math.min(maxDelay, baseDelay * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt += 1;
    setState({ status: 'reconnecting', attempt, retryInMs: Math.round(delay), reason });
    timer = setTimeout(connect, delay);
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== 'string') return;
    let msg: WebDoorMessage;
    try {
      msg = JSON.parse(data) as WebDoorMessage;
    } catch {
      return;
    }
    if ('type' in msg && msg.type === 'events') {
      for (const l of listeners) l(msg.events);
      return;
    }
    if (!('id' in msg)) return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new EngineClientError(msg.error));
  };

  connect();

  return {
    kind: 'web',
    invoke<N extends CommandName>(name: N, params: CommandInput<N>): Promise<CommandResult<N>> {
      return new Promise<CommandResult<N>>((resolve, reject) => {
        if (closedByUser) {
          reject(new EngineClientError({ code: 'ENGINE_CLOSED', message: 'The client was closed.' }));
          return;
        }
        const req: WebDoorRequest = { id: nextId++, command: name, params };
        const p: Pending = { resolve: (v) => resolve(v as CommandResult<N>), reject };
        if (socket && socket.readyState === WS.OPEN) {
          pending.set(req.id, p);
          socket.send(JSON.stringify(req));
        } else {
          // Wait for the (re)connection, but not forever: the user should hear about it.
          const entry = {
            req,
            p,
            timer: setTimeout(() => {
              const i = queued.indexOf(entry);
              if (i !== -1) queued.splice(i, 1);
              const why = state.status === 'reconnecting' ? ` (${state.reason})` : '';
              reject(new EngineClientError({ code: 'INTERNAL', message: `Switchboard's engine is not reachable${why}; it keeps retrying — try again in a moment.` }));
            }, queueTimeout),
          };
          queued.push(entry);
        }
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connection: () => state,
    onConnection(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    close() {
      closedByUser = true;
      if (timer) clearTimeout(timer);
      const err = new EngineClientError({ code: 'ENGINE_CLOSED', message: 'The client was closed.' });
      for (const { p, timer: t } of queued.splice(0)) {
        clearTimeout(t);
        p.reject(err);
      }
      const ws = socket;
      socket = null;
      failAll('The client was closed.');
      ws?.close();
      setState({ status: 'closed', reason: 'closed' });
    },
  };
}
