import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { EngineClientError } from '../../../src/shared/client';
import { loadRenderer, type ConnState, type WsClientModule } from './load';

const { createWebSocketClient } = await loadRenderer<WsClientModule>('client/wsClient.ts');

// A real WebSocket server speaking the web-door protocol (src/shared/client.ts); behaviour per test.
function startServer(port = 0, onRequest?: (ws: WebSocket, msg: { id: number; command: string; params: unknown }) => void) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  wss.on('error', () => {});
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data) => onRequest?.(ws, JSON.parse(String(data)) as { id: number; command: string; params: unknown }));
  });
  return new Promise<{ wss: WebSocketServer; url: string; port: number }>((resolve) =>
    wss.on('listening', () => {
      const p = (wss.address() as AddressInfo).port;
      resolve({ wss, url: `ws://127.0.0.1:${p}/api/ws`, port: p });
    }),
  );
}

const closeServer = (wss: WebSocketServer) =>
  new Promise<void>((resolve) => {
    for (const c of wss.clients) c.terminate();
    wss.close(() => resolve());
  });

const waitFor = (client: { connection(): ConnState; onConnection(l: (s: ConnState) => void): () => void }, status: string) =>
  new Promise<ConnState>((resolve) => {
    if (client.connection().status === status) return resolve(client.connection());
    const off = client.onConnection((s) => {
      if (s.status === status) {
        off();
        resolve(s);
      }
    });
  });

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('web-door WebSocket client', () => {
  it('matches replies to requests, delivers event batches, and throws EngineClientError with the code', async () => {
    const { wss, url } = await startServer(0, (ws, msg) => {
      if (msg.command === 'engine.info') ws.send(JSON.stringify({ id: msg.id, ok: true, result: { echo: msg.params } }));
      else ws.send(JSON.stringify({ id: msg.id, ok: false, error: { code: 'NOT_FOUND', message: 'No such catcher', detail: { id: 'x' } } }));
    });
    cleanups.push(() => closeServer(wss));
    const client = createWebSocketClient({ url, WebSocketImpl: WebSocket });
    cleanups.push(() => client.close());
    const batches: unknown[][] = [];
    client.subscribe((events) => batches.push(events));

    // Sent before the socket is open: queued, then answered.
    const [a, b] = await Promise.all([client.invoke('engine.info', { n: 1 }), client.invoke('engine.info', { n: 2 })]);
    expect(a).toEqual({ echo: { n: 1 } });
    expect(b).toEqual({ echo: { n: 2 } });

    const err = await client.invoke('catchers.start', { id: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineClientError);
    expect((err as EngineClientError).code).toBe('NOT_FOUND');
    expect((err as EngineClientError).message).toBe('No such catcher');

    for (const ws of wss.clients) ws.send(JSON.stringify({ type: 'events', events: [{ type: 'captures.cleared', catcherId: null }] }));
    await expect.poll(() => batches).toEqual([[{ type: 'captures.cleared', catcherId: null }]]);
  });

  it('rejects requests in flight when the connection drops, then reconnects with backoff and works again', async () => {
    let answer = false;
    const first = await startServer(0, (ws, msg) => {
      if (answer) ws.send(JSON.stringify({ id: msg.id, ok: true, result: 'back' }));
    });
    const port = first.port;
    const client = createWebSocketClient({ url: first.url, baseDelayMs: 50, maxDelayMs: 200, WebSocketImpl: WebSocket });
    cleanups.push(() => client.close());
    await waitFor(client, 'open');

    const inFlight = client.invoke('engine.info', {});
    await expect.poll(() => first.wss.clients.size).toBe(1);
    await closeServer(first.wss);
    const err = (await inFlight.catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EngineClientError);
    expect(err.message).toMatch(/Lost the connection/);
    const down = await waitFor(client, 'reconnecting');
    expect(down.attempt).toBeGreaterThanOrEqual(1);

    // The engine comes back on the same port: the client finds it by itself.
    answer = true;
    const second = await startServer(port, (ws, msg) => ws.send(JSON.stringify({ id: msg.id, ok: true, result: 'back' })));
    cleanups.push(() => closeServer(second.wss));
    await waitFor(client, 'open');
    expect(await client.invoke('engine.info', {})).toBe('back');
  });

  it('gives up on a request that waits too long for a connection, in words', async () => {
    const client = createWebSocketClient({ url: 'ws://127.0.0.1:9/api/ws', baseDelayMs: 20, maxDelayMs: 50, queueTimeoutMs: 300, WebSocketImpl: WebSocket });
    cleanups.push(() => client.close());
    const err = (await client.invoke('engine.info', {}).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EngineClientError);
    expect(err.message).toMatch(/not reachable/);
  });

  it('rejects everything once closed', async () => {
    const client = createWebSocketClient({ url: 'ws://127.0.0.1:9/api/ws', baseDelayMs: 20, WebSocketImpl: WebSocket });
    const waiting = client.invoke('engine.info', {});
    client.close();
    expect(((await waiting.catch((e: unknown) => e)) as EngineClientError).code).toBe('ENGINE_CLOSED');
    expect(((await client.invoke('engine.info', {}).catch((e: unknown) => e)) as EngineClientError).code).toBe('ENGINE_CLOSED');
    expect(client.connection().status).toBe('closed');
  });
});
