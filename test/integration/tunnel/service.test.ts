import http from 'node:http';
import type net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createEngine, type Engine } from '../../../src/engine';
import type { EngineEvent } from '../../../src/shared/contract';
import type { TunnelState } from '../../../src/shared/model/tunnel';
import { startLocaltunnelServer } from '../../fixtures/localtunnelServer';
import { silentServer, viaTunnel } from './helpers';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function engine(limits: Record<string, number> = {}): Promise<{ engine: Engine; events: EngineEvent[] }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-tunnels-'));
  const e = await createEngine({ dataDir, limits });
  const events: EngineEvent[] = [];
  e.on((ev) => events.push(ev));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  cleanups.push(() => e.close());
  return { engine: e, events };
}

async function localServer(): Promise<number> {
  const server = http.createServer((req, res) => req.resume().on('end', () => res.end(`local saw ${req.method} ${req.url}`)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });
  return (server.address() as net.AddressInfo).port;
}

describe('tunnels service through the engine contract', () => {
  test('open a port tunnel, see tunnel.state events, list it, close it', async () => {
    const fx = await startLocaltunnelServer();
    cleanups.push(() => fx.kill());
    const { engine: e, events } = await engine();
    const port = await localServer();
    const state = await e.invoke('tunnels.open', { target: { kind: 'port', port }, host: fx.url, subdomain: 'engine-port' });
    expect(state).toMatchObject({ id: `port:${port}`, status: 'online', url: fx.publicUrl('engine-port'), options: { host: fx.url, subdomain: 'engine-port' } });
    const res = await viaTunnel(fx.port, state.url ?? '', { path: '/x?y=1' });
    expect(res.body.toString()).toBe('local saw GET /x?y=1');

    const statuses = events.filter((ev): ev is { type: 'tunnel.state'; tunnel: TunnelState } => ev.type === 'tunnel.state').map((ev) => ev.tunnel.status);
    expect(statuses.slice(0, 2)).toEqual(['connecting', 'online']);
    expect((await e.invoke('tunnels.list', {})).map((t) => t.id)).toEqual([`port:${port}`]);

    const closed = await e.invoke('tunnels.close', { id: `port:${port}` });
    expect(closed.status).toBe('closed');
    expect(events.at(-1)).toEqual({ type: 'tunnel.removed', id: `port:${port}` });
    expect(await e.invoke('tunnels.list', {})).toEqual([]);
  });

  test('the open timeout comes from the engine limits (tunnelOpenTimeoutMs)', async () => {
    const silent = await silentServer();
    cleanups.push(() => silent.close());
    const { engine: e } = await engine({ tunnelOpenTimeoutMs: 700 });
    const started = Date.now();
    const err = await e.invoke('tunnels.open', { target: { kind: 'port', port: 9 }, host: `http://127.0.0.1:${silent.port}` }).catch((x: unknown) => x);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(err).toMatchObject({ code: 'TUNNEL_TIMEOUT' });
    const [listed] = await e.invoke('tunnels.list', {});
    expect(listed).toMatchObject({ status: 'failed', error: { code: 'TUNNEL_TIMEOUT' } });
  });

  test('bad input is refused with clear errors', async () => {
    const { engine: e } = await engine();
    await expect(e.invoke('tunnels.open', { target: { kind: 'port', port: 80 }, subdomain: 'Bad_Name' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(e.invoke('tunnels.open', { target: { kind: 'port', port: 80 }, host: 'ftp://x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(e.invoke('tunnels.open', { target: { kind: 'catcher', id: 'nope' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(e.invoke('tunnels.close', { id: 'port:1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('engine.close() closes open tunnels', async () => {
    const fx = await startLocaltunnelServer();
    cleanups.push(() => fx.kill());
    const { engine: e, events } = await engine();
    const port = await localServer();
    await e.invoke('tunnels.open', { target: { kind: 'port', port }, host: fx.url });
    // 'online' means one tunnel socket is up; the server may count it a moment later.
    await vi.waitFor(() => expect(fx.clients()[0]?.connections).toBeGreaterThan(0), { timeout: 5_000 });
    await e.close();
    const last = events.filter((ev) => ev.type === 'tunnel.state').at(-1) as { tunnel: TunnelState };
    expect(last.tunnel.status).toBe('closed');
    // The server sees every tunnel connection go.
    for (let i = 0; i < 50 && (fx.clients()[0]?.connections ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fx.clients()[0]?.connections).toBe(0);
  });
});
