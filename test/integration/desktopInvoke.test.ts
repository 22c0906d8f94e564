import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine';
import { createInvokeHandler } from '../../src/main/desktop/invokeHandler';
import { trustedRenderer } from '../../src/main/security/ipcSender';

// The desktop IPC handler's logic against a real engine; only the Electron plumbing around it
// (ipcMain.handle, event.senderFrame) is left to src/main/electron/bridge.ts.
const html = '/app/out/renderer/index.html';
const ours = { url: pathToFileURL(html).href, isMainFrame: true };

let engine: Engine;
let dataDir: string;
let server: http.Server;
let target: string;
let hits = 0;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sb-ipc-'));
  engine = await createEngine({ dataDir, door: 'electron' });
  server = http.createServer((_req, res) => {
    hits++;
    res.end('hello');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await engine?.close();
  if (server) await new Promise((r) => server.close(r));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('desktop invoke handler', () => {
  const handle = () => createInvokeHandler(engine, trustedRenderer({ rendererHtmlPath: html }));

  it('runs commands from our renderer and wraps the result', async () => {
    const before = hits;
    const reply = await handle()(ours, 'http.send', { spec: { method: 'GET', url: target } });
    expect(reply.ok).toBe(true);
    if (reply.ok) expect(reply.result).toMatchObject({ status: 200, bodySize: 5 });
    expect(hits).toBe(before + 1);
  });

  it('refuses senders that are not our main frame, without running the command', async () => {
    const before = hits;
    for (const sender of [
      { url: ours.url, isMainFrame: false },
      { url: 'https://evil.example/', isMainFrame: true },
      { url: 'file:///tmp/other.html', isMainFrame: true },
      null,
    ]) {
      const reply = await handle()(sender, 'http.send', { spec: { method: 'GET', url: target } });
      expect(reply).toMatchObject({ ok: false, error: { code: 'IPC_FORBIDDEN_SENDER' } });
    }
    expect(hits).toBe(before);
  });

  it('answers bad input with coded errors instead of throwing across IPC', async () => {
    const h = handle();
    expect(await h(ours, 42, {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await h(ours, '', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await h(ours, 'no.such', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    expect(await h(ours, 'http.send', { spec: { url: 7 } })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await h(ours, 'http.send', 'not an object')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const refused = await h(ours, 'http.send', { spec: { method: 'GET', url: 'http://127.0.0.1:1/' } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'HTTP_CONNECTION_REFUSED' } });
  });
});
