import { WebSocket, WebSocketServer } from 'ws';
import type { Engine } from '../../engine';
import type { EngineEvent } from '../../shared/contract';
import type { WebDoorMessage } from '../../shared/client';
import { toErrorShape, type EngineErrorShape } from '../../shared/errors';
import { createEventBatcher, type EventBatcher } from '../events/batcher';

export type DoorEngine = Pick<Engine, 'invoke' | 'on'>;

export interface WsEndpointOptions {
  /** Largest request message accepted (bytes); bigger ones close the socket with 1009. */
  maxPayload?: number;
  /** Above this many unsent bytes on a socket, events wait (and merge) instead of piling up. */
  highWaterMark?: number;
  /** Events allowed to wait for a congested client before it is disconnected to resync. */
  maxPendingEvents?: number;
  batchIntervalMs?: number;
  /** Ping interval; a client that misses a whole interval is dropped. */
  heartbeatMs?: number;
}

export interface WsEndpoint {
  readonly server: WebSocketServer;
  readonly clientCount: number;
  close(): Promise<void>;
}

const DEFAULTS = {
  maxPayload: 64 * 1024 * 1024,
  highWaterMark: 4 * 1024 * 1024,
  maxPendingEvents: 100_000,
  batchIntervalMs: 16,
  heartbeatMs: 30_000,
};

/** Close code 1013 (Try Again Later): the client reconnects and refetches what it shows. */
export const CLOSE_TOO_SLOW = 1013;

/** Parses one client message; anything off-protocol becomes an error reply, never an exception. */
export function parseRequest(
  data: string,
): { ok: true; id: number; command: string; params: unknown } | { ok: false; id: number; error: EngineErrorShape } {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, id: 0, error: { code: 'VALIDATION_FAILED', message: 'The message is not valid JSON.' } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, id: 0, error: { code: 'VALIDATION_FAILED', message: 'A request must be an object {id, command, params}.' } };
  }
  const { id, command, params } = value as { id?: unknown; command?: unknown; params?: unknown };
  const validId = typeof id === 'number' && Number.isSafeInteger(id);
  if (!validId) {
    return { ok: false, id: 0, error: { code: 'VALIDATION_FAILED', message: 'A request needs a numeric integer "id".' } };
  }
  if (typeof command !== 'string' || command.length === 0 || command.length > 200) {
    return { ok: false, id, error: { code: 'VALIDATION_FAILED', message: 'A request needs a "command" string.' } };
  }
  return { ok: true, id, command, params };
}

/**
 * The WebSocket half of the web door: requests go to engine.invoke and come back as
 * `{id, ok, result|error}`; engine events go out batched as `{type:'events', events}`.
 * Upgrades are authorised by the HTTP server before they reach `server.handleUpgrade`.
 */
export function createWsEndpoint(engine: DoorEngine, options: WsEndpointOptions = {}): WsEndpoint {
  const opts = { ...DEFAULTS, ...options };
  // No permessage-deflate: it buys little on loopback and opens the door to deflate bombs.
  const server = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload, perMessageDeflate: false });
  const batchers = new Map<WebSocket, EventBatcher>();
  const alive = new WeakSet<WebSocket>();

  const unsubscribe = engine.on((event: EngineEvent) => {
    for (const batcher of batchers.values()) batcher.push(event);
  });

  const send = (ws: WebSocket, message: WebDoorMessage) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (err) {
      // A result that cannot be serialised is a bug in the engine; the caller still gets an answer.
      if (!('id' in message)) return;
      text = JSON.stringify({ id: message.id, ok: false, error: { code: 'INTERNAL', message: `Unserialisable reply: ${String(err)}` } });
    }
    ws.send(text, (err) => {
      if (err) ws.terminate();
    });
  };

  server.on('error', () => {
    // handleUpgrade reports per-socket failures here; the socket itself is already gone.
  });

  server.on('connection', (ws: WebSocket) => {
    alive.add(ws);
    const batcher = createEventBatcher({
      intervalMs: opts.batchIntervalMs,
      maxPending: opts.maxPendingEvents,
      canSend: () => ws.readyState === WebSocket.OPEN && ws.bufferedAmount < opts.highWaterMark,
      send: (events) => send(ws, { type: 'events', events }),
      onOverflow: () => ws.close(CLOSE_TOO_SLOW, 'Too far behind on events; reconnect to resync.'),
    });
    batchers.set(ws, batcher);

    ws.on('error', () => ws.terminate());
    ws.on('pong', () => alive.add(ws));
    ws.on('close', () => {
      batcher.close();
      batchers.delete(ws);
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send(ws, { id: 0, ok: false, error: { code: 'VALIDATION_FAILED', message: 'Binary messages are not part of the protocol; send JSON text.' } });
        return;
      }
      const request = parseRequest(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
      if (!request.ok) {
        send(ws, { id: request.id, ok: false, error: request.error });
        return;
      }
      // Each request runs on its own; a slow one does not hold up the others.
      engine.invoke(request.command as never, request.params).then(
        (result) => send(ws, { id: request.id, ok: true, result }),
        (err: unknown) => send(ws, { id: request.id, ok: false, error: toErrorShape(err) }),
      );
    });
  });

  const heartbeat = setInterval(() => {
    for (const ws of server.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, opts.heartbeatMs);
  heartbeat.unref();

  return {
    server,
    get clientCount() {
      return server.clients.size;
    },
    async close() {
      clearInterval(heartbeat);
      unsubscribe();
      for (const batcher of batchers.values()) batcher.close();
      batchers.clear();
      const closing = [...server.clients].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => {
              ws.terminate();
              resolve();
            }, 1000);
            ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            ws.close(1001, 'Switchboard is shutting down.');
          }),
      );
      await Promise.all(closing);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
