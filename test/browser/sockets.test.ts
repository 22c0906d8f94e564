import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { openApp, type AppSession } from './harness';

// WebSockets end to end: real `switchboard serve`, real Chromium, real peers on loopback.
describe('WebSockets UI', () => {
  let app: AppSession;
  let echo: WebSocketServer;
  let echoUrl = '';
  const peers: WebSocket[] = [];

  beforeAll(async () => {
    echo = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => echo.once('listening', () => r()));
    echo.on('connection', (ws) => {
      ws.on('error', () => undefined);
      ws.on('message', (d, binary) => ws.send(d, { binary }));
    });
    echoUrl = `ws://127.0.0.1:${(echo.address() as AddressInfo).port}/echo`;
    app = await openApp({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  });
  afterAll(async () => {
    for (const p of peers) p.terminate();
    await app?.close();
    await new Promise<void>((r) => echo.close(() => r()));
  });

  it('connects to an echo server, sends JSON, sees it echoed in the log and pretty in the detail', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'WebSockets', exact: true }).click();
    await page.getByRole('button', { name: /New connection/ }).first().click();
    // A new tab teaches: an echo server is one click away.
    await expect.poll(() => page.getByText('Start a local echo server and connect').count()).toBe(1);
    await page.getByLabel('WebSocket URL').fill(echoUrl);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => page.getByTestId('ws-status').textContent(), { timeout: 15_000 }).toContain('Connected');

    await page.getByLabel('Message format').selectOption('json');
    const editor = page.locator('.sk-composer-editor .cm-content');
    await editor.click();
    await page.keyboard.type('{"hello":"world","n":1}');
    await page.keyboard.press('Control+Enter');
    const incoming = page.locator('.sk-row.sk-dir-in.sk-row-text');
    await expect.poll(() => incoming.count(), { timeout: 10_000 }).toBe(1);
    expect(await incoming.first().textContent()).toContain('{"hello":"world","n":1}');
    expect(await page.locator('.sk-row.sk-dir-out.sk-row-text').count()).toBe(1);

    await incoming.first().click();
    await expect.poll(() => page.getByTestId('ws-frame-detail').textContent()).toContain('"hello": "world"');

    // Invalid JSON is refused before it is sent.
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('{oops');
    await expect.poll(() => page.locator('.sk-composer-problem.bad').textContent()).toContain('Not valid JSON');

    // Handshake panel shows what was sent and answered.
    await page.getByRole('tab', { name: /Handshake/ }).click();
    await expect.poll(() => page.locator('.sk-handshake').textContent()).toContain('101');
    expect(await page.locator('.sk-handshake').textContent()).toContain('Sec-WebSocket-Key');
    await app.screenshot('sockets-client');

    await page.getByRole('button', { name: 'Disconnect' }).click();
    await expect.poll(() => page.getByTestId('ws-status').textContent()).toContain('1000 Normal closure');
  });

  it('starts a server, a client connects, broadcast reaches it, kick closes it', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Server', exact: true }).click();
    await page.getByLabel('Path').fill('/live');
    await page.getByRole('button', { name: 'Start server' }).click();
    const urlText = page.getByTestId('ws-server-url');
    await expect.poll(() => urlText.count(), { timeout: 15_000 }).toBe(1);
    const url = (await urlText.textContent())!.trim();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/live$/);

    const client = new WebSocket(url, ['chat'], { headers: { 'X-From': 'browser-test' } });
    peers.push(client);
    const got: string[] = [];
    let closed: { code: number; reason: string } | null = null;
    client.on('message', (d) => got.push(d.toString()));
    client.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
    client.on('error', () => undefined);
    await new Promise<void>((r) => client.once('open', () => r()));
    await expect.poll(() => page.getByTestId('ws-server-client').count(), { timeout: 10_000 }).toBe(1);

    client.send('hello server');
    await expect.poll(() => page.locator('.sk-row.sk-dir-in.sk-row-text').count(), { timeout: 10_000 }).toBe(1);
    // A new server echoes by default.
    await expect.poll(() => got, { timeout: 10_000 }).toEqual(['hello server']);

    const editor = page.locator('.sk-composer-editor .cm-content');
    await editor.click();
    await page.keyboard.type('news for everyone');
    await page.getByRole('button', { name: 'Broadcast', exact: true }).click();
    await expect.poll(() => got, { timeout: 10_000 }).toEqual(['hello server', 'news for everyone']);

    await page.getByTestId('ws-server-client').first().getByRole('button', { name: /c1/ }).click();
    await expect.poll(() => page.locator('.sk-client-info').textContent()).toContain('browser-test');
    await app.screenshot('sockets-server');
    await page.getByRole('button', { name: 'Kick…' }).click();
    await page.getByLabel('Close code').fill('4001');
    await page.getByLabel('Close reason').fill('bye');
    await page.getByRole('button', { name: 'Kick', exact: true }).click();
    await expect.poll(() => closed, { timeout: 10_000 }).toEqual({ code: 4001, reason: 'bye' });
    expect(app.errors).toEqual([]);
  });

  it('a new tab starts a local echo server with one click', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Connection', exact: true }).click();
    await page.getByRole('button', { name: 'Start a local echo server and connect' }).click();
    await expect.poll(() => page.getByTestId('ws-status').textContent(), { timeout: 15_000 }).toContain('Connected');
    const editor = page.locator('.sk-composer-editor .cm-content');
    await editor.click();
    await page.keyboard.type('marco');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('.sk-row.sk-dir-in.sk-row-text').count(), { timeout: 10_000 }).toBe(1);

    // Binary from a file: its bytes go out as one binary message and come back.
    const file = join(mkdtempSync(join(tmpdir(), 'sb-ws-file-')), 'frame.bin');
    writeFileSync(file, Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0x00, 0x01]));
    await page.getByLabel('Message format').selectOption('file');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(file);
    await page.keyboard.press('Control+Enter');
    const binIn = page.locator('.sk-row.sk-dir-in.sk-row-binary');
    await expect.poll(() => binIn.count(), { timeout: 10_000 }).toBe(1);
    expect(await binIn.first().textContent()).toContain('ca fe ba be 00 01');
  });
});
