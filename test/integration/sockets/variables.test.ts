import fs from 'node:fs';
import type http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { startEngine, type TestEngine } from './helpers';

let t: TestEngine;
let wss: WebSocketServer;
let port: number;
let upgrades: http.IncomingMessage[];
let wsDir: string;

beforeEach(async () => {
  t = await startEngine();
  upgrades = [];
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (p) => [...p][0] ?? false });
  wss.on('connection', (ws, req) => {
    upgrades.push(req);
    ws.on('error', () => undefined);
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  port = (wss.address() as net.AddressInfo).port;
  wsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-ws-vars-'));
  await t.engine.invoke('workspace.open', { dir: wsDir, create: true });
});
afterEach(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
  await t.close();
  fs.rmSync(wsDir, { recursive: true, force: true });
});

describe('ws.connect with {{variables}}', () => {
  it('resolves the URL, headers and subprotocols with environment over global, and keeps the settings as written', async () => {
    await t.engine.invoke('workspace.globals.save', {
      variables: [
        { name: 'host', value: 'wrong.invalid' },
        { name: 'room', value: 'lobby' },
      ],
    });
    await t.engine.invoke('workspace.environment.save', {
      name: 'local',
      variables: [
        { name: 'host', value: `127.0.0.1:${port}` },
        { name: 'token', value: 'abc123' },
        { name: 'where', value: 'room={{room}}' },
      ],
    });
    await t.engine.invoke('workspace.environment.activate', { name: 'local' });
    const c = await t.engine.invoke('ws.connect', {
      url: 'ws://{{host}}/chat?{{where}}',
      headers: [['Authorization', 'Bearer {{ token }}']],
      protocols: ['v1.{{room}}'],
    });
    expect(c.status).toBe('open');
    expect(c.settings.url).toBe('ws://{{host}}/chat?{{where}}');
    expect(c.handshake?.url).toBe(`ws://127.0.0.1:${port}/chat?room=lobby`);
    expect(c.handshake?.protocol).toBe('v1.lobby');
    expect(upgrades).toHaveLength(1);
    expect(upgrades[0]?.url).toBe('/chat?room=lobby');
    expect(upgrades[0]?.headers.authorization).toBe('Bearer abc123');

    // Reconnect resolves again, with the environment as it is now.
    await t.engine.invoke('workspace.environment.save', {
      name: 'local',
      variables: [
        { name: 'host', value: `127.0.0.1:${port}` },
        { name: 'token', value: 'rotated' },
        { name: 'where', value: 'room=two' },
      ],
    });
    const again = await t.engine.invoke('ws.reconnect', { id: c.id });
    expect(again.status).toBe('open');
    expect(upgrades[1]?.url).toBe('/chat?room=two');
    expect(upgrades[1]?.headers.authorization).toBe('Bearer rotated');
  });

  it('refuses unknown names with VARIABLES_UNRESOLVED before connecting', async () => {
    await t.engine.invoke('workspace.globals.save', { variables: [{ name: 'host', value: `127.0.0.1:${port}` }] });
    const err = await t.engine
      .invoke('ws.connect', { url: 'ws://{{host}}/{{path}}', headers: [['X-Key', '{{apiKey}}']] })
      .then(() => null, (e: unknown) => e as { code: string; message: string; detail: { names: string[] } });
    expect(err?.code).toBe('VARIABLES_UNRESOLVED');
    expect(err?.detail.names.sort()).toEqual(['apiKey', 'path']);
    expect(err?.message).toContain('{{path}}');
    expect(await t.engine.invoke('ws.list', {})).toHaveLength(0);
    expect(upgrades).toHaveLength(0);
  });

  it('fills dynamic variables fresh', async () => {
    const c = await t.engine.invoke('ws.connect', { url: `ws://127.0.0.1:${port}/?id={{$guid}}` });
    expect(c.status).toBe('open');
    expect(upgrades[0]?.url).toMatch(/^\/\?id=[0-9a-f-]{36}$/);
  });
});
