import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { openApp, type AppSession } from './harness';

// {{variables}} in the WebSocket client URL: flagged when undefined, refused on Connect, resolved
// from the active environment when defined.
describe('WebSockets UI with workspace variables', () => {
  let app: AppSession;
  let echo: WebSocketServer;
  let dir = '';
  const paths: string[] = [];

  beforeAll(async () => {
    echo = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => echo.once('listening', () => r()));
    echo.on('connection', (ws, req) => {
      paths.push(req.url ?? '');
      ws.on('error', () => undefined);
    });
    dir = mkdtempSync(join(tmpdir(), 'sb-browser-wsvars-'));
    mkdirSync(join(dir, 'environments'));
    const host = `127.0.0.1:${(echo.address() as AddressInfo).port}`;
    writeFileSync(join(dir, 'environments', 'local.env.json'), JSON.stringify({ name: 'Local', variables: [{ name: 'wshost', value: host }] }));
    app = await openApp({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  });
  afterAll(async () => {
    await app?.close();
    for (const c of echo.clients) c.terminate();
    await new Promise<void>((r) => echo.close(() => r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('highlights unresolved variables, refuses to connect with them, connects once the environment defines them', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Requests', exact: true }).click();
    await page.getByRole('button', { name: 'Open workspace folder' }).click();
    await page.getByLabel('Workspace folder path').fill(dir);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.getByLabel('Active environment').locator('option').allTextContents()).toEqual(['No environment', 'Local']);

    await page.getByRole('button', { name: 'WebSockets', exact: true }).click();
    await page.getByRole('button', { name: /New connection/ }).first().click();
    await page.getByLabel('WebSocket URL').fill('ws://{{wshost}}/echo?room={{room}}');
    // No environment yet: both are missing.
    await expect.poll(() => page.locator('.sk-url-vars .ws-var.missing').allTextContents()).toEqual(['{{wshost}}', '{{room}}']);
    await expect.poll(() => page.locator('.sk-url-vars .ws-unresolved').textContent()).toContain('{{room}}');

    await page.getByRole('button', { name: 'Requests', exact: true }).click();
    await page.getByLabel('Active environment').selectOption('Local');
    await page.getByRole('button', { name: 'WebSockets', exact: true }).click();
    await expect.poll(() => page.locator('.sk-url-vars .ws-var.ok').allTextContents()).toEqual(['{{wshost}}']);
    expect(await page.locator('.sk-url-vars .ws-var.missing').allTextContents()).toEqual(['{{room}}']);

    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => page.getByText(/\{\{room\}\} is not defined/).count()).toBeGreaterThan(0);
    expect(paths).toEqual([]);

    await page.getByLabel('WebSocket URL').fill('ws://{{wshost}}/echo');
    await expect.poll(() => page.locator('.sk-url-vars .ws-unresolved').count()).toBe(0);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => page.getByTestId('ws-status').textContent(), { timeout: 15_000 }).toContain('Connected');
    expect(paths).toEqual(['/echo']);
    await app.screenshot('sockets-variables');
    expect(app.errors).toEqual([]);
  });
});
