import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { createEngine, type Engine } from '../../../src/engine';
import type { TunnelState } from '../../../src/shared/model/tunnel';
import { startLocaltunnelServer } from '../../fixtures/localtunnelServer';
import { StateLog } from './helpers';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function engine(): Promise<{ engine: Engine; log: StateLog; removed: string[] }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-tunnel-ws-'));
  const e = await createEngine({ dataDir });
  const log = new StateLog();
  const removed: string[] = [];
  e.on((ev) => {
    if (ev.type === 'tunnel.state') log.push(ev.tunnel);
    if (ev.type === 'tunnel.removed') removed.push(ev.id);
  });
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  cleanups.push(() => e.close());
  return { engine: e, log, removed };
}

describe('exposing a WebSocket server', () => {
  test('clients reach the engine WebSocket server through the tunnel; stopping the server closes the tunnel', async () => {
    const fx = await startLocaltunnelServer();
    cleanups.push(() => fx.kill());
    const { engine: e, log, removed } = await engine();
    const server = await e.invoke('wsServer.start', { name: 'echo', echo: true });
    const tunnel: TunnelState = await e.invoke('tunnels.open', { target: { kind: 'wsServer', id: server.id }, host: fx.url });
    expect(tunnel).toMatchObject({ id: `wsServer:${server.id}`, status: 'online', local: { port: server.boundPort } });

    const ws = new WebSocket(`ws://127.0.0.1:${fx.port}/`, { headers: { Host: new URL(tunnel.url ?? '').host } });
    cleanups.push(() => ws.terminate());
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () => ws.send('through the tunnel'));
      ws.on('message', (data: Buffer) => resolve(data.toString()));
    });
    expect(reply).toBe('through the tunnel');

    await e.invoke('wsServer.stop', { id: server.id });
    const closed = await log.waitFor((s) => s.status === 'closed', 5_000, 'closed');
    expect(closed.reason).toMatch(/WebSocket server stopped/);
    await e.invoke('wsServer.remove', { id: server.id });
    for (let i = 0; i < 50 && removed.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(removed).toEqual([`wsServer:${server.id}`]);
  });

  test('a WebSocket server that is not running cannot be exposed', async () => {
    const { engine: e } = await engine();
    await expect(e.invoke('tunnels.open', { target: { kind: 'wsServer', id: 'nope' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
