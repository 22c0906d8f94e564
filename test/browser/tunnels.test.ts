import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startLocaltunnelServer, type LocaltunnelFixture } from '../fixtures/localtunnelServer';
import { curl, openApp, type AppSession } from './harness';

// Exposing a catcher from the UI, through the real localtunnel client and a loopback tunnel server.
describe('public URLs (tunnels) in the UI', () => {
  let app: AppSession;
  let fx: LocaltunnelFixture;
  let fxPort = 0;

  beforeAll(async () => {
    fx = await startLocaltunnelServer();
    fxPort = fx.port;
    app = await openApp({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  });
  afterAll(async () => {
    await app?.close();
    await fx?.kill();
  });

  it('exposes a catcher: status and public URL appear, requests arrive through the tunnel', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('button', { name: /^New$/ }).click();
    const create = page.getByRole('dialog', { name: 'New catcher' });
    await create.getByLabel('Name', { exact: true }).fill('github-public');
    await create.getByRole('button', { name: 'Create and start' }).click();
    const item = page.getByTestId('catcher-item').filter({ hasText: 'github-public' });
    await item.and(page.locator('[data-status="running"]')).waitFor();

    // Without a catcher running it cannot be exposed; this one runs, so the button is live.
    const line = item.getByTestId('tunnel-line');
    await expect.poll(() => line.getAttribute('data-status')).toBe('closed');
    await item.getByRole('button', { name: 'Public URL options of github-public' }).click();
    const dialog = page.getByRole('dialog', { name: 'Public URL — github-public' });
    await expect.poll(() => dialog.textContent()).toContain('Bypass-Tunnel-Reminder');
    expect(await dialog.textContent()).toContain('Bodies over about 1 MB are refused');
    await dialog.getByLabel('Subdomain (optional)').fill('gh-hooks');
    await dialog.getByLabel('Tunnel server').fill(fx.url);
    await dialog.getByRole('button', { name: 'Expose publicly' }).click();

    const publicUrl = fx.publicUrl('gh-hooks');
    await expect.poll(() => dialog.getByTestId('tunnel-panel-status').textContent(), { timeout: 15_000 }).toContain('Public');
    expect(await dialog.getByTestId('tunnel-panel-url').textContent()).toBe(publicUrl);
    expect(await dialog.getByTestId('tunnel-curl').textContent()).toContain(`'Bypass-Tunnel-Reminder: true'`);
    expect(await dialog.getByTestId('tunnel-curl').textContent()).toContain(publicUrl);
    await app.screenshot('tunnels-dialog-online-1280x800-light');
    await dialog.getByRole('button', { name: 'Done' }).click();

    await expect.poll(() => item.getByTestId('tunnel-status').textContent()).toContain('Public');
    expect(await item.getByTestId('tunnel-url').getAttribute('title')).toBe(publicUrl);

    // A request from "the internet" (curl resolves *.localhost to loopback) lands in the list.
    await curl(['-X', 'POST', `${publicUrl}/github/push`, '-H', 'X-GitHub-Event: push', '-H', 'Content-Type: application/json', '--data-raw', '{"ref":"refs/heads/main"}']);
    const rows = page.getByTestId('capture-row');
    await expect.poll(() => rows.filter({ hasText: '/github/push' }).count()).toBe(1);
    await app.screenshot('tunnels-online-1280x800-light');
  });

  it('shows reconnecting with attempts and the reason, then online again', async () => {
    const { page } = app;
    const item = page.getByTestId('catcher-item').filter({ hasText: 'github-public' });
    await fx.kill();
    const status = item.getByTestId('tunnel-status');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/^Reconnecting · attempt \d+ · (next try in \d+ s|trying now)$/);
    await expect.poll(() => item.getByTestId('tunnel-reason').textContent(), { timeout: 15_000 }).toMatch(/tunnel server/);
    await app.screenshot('tunnels-reconnecting-1280x800-light');
    fx = await startLocaltunnelServer({ port: fxPort });
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('Public');
    expect(await item.getByTestId('tunnel-url').getAttribute('title')).toBe(fx.publicUrl('gh-hooks'));
    expect(await item.getByTestId('tunnel-url-changed').count()).toBe(0);
  });

  it('warns prominently when the server hands out a different URL', async () => {
    const { page } = app;
    const item = page.getByTestId('catcher-item').filter({ hasText: 'github-public' });
    await fx.kill();
    fx = await startLocaltunnelServer({ port: fxPort, forceRandomIds: true });
    const warning = item.getByTestId('tunnel-url-changed');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.textContent()).toContain('Public URL changed');
    expect(await warning.textContent()).toContain(fx.publicUrl('gh-hooks'));
    const newUrl = await item.getByTestId('tunnel-url').getAttribute('title');
    expect(newUrl).not.toBe(fx.publicUrl('gh-hooks'));
    await app.screenshot('tunnels-url-changed-1280x800-light');
    await warning.getByRole('button', { name: 'I updated my senders' }).click();
    await expect.poll(() => warning.count()).toBe(0);

    // Closing the public URL from the sidebar.
    await item.getByRole('button', { name: 'Close the public URL of github-public' }).click();
    await expect.poll(() => item.getByTestId('tunnel-line').getAttribute('data-status')).toBe('closed');
    expect(app.errors).toEqual([]);
  });

  it('exposes a WebSocket server: ws:// public URL with its path, clients reach it through the tunnel', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'WebSockets', exact: true }).click();
    await page.getByRole('button', { name: 'Server', exact: true }).first().click();
    await page.getByLabel('Path').fill('/live');
    await page.getByRole('button', { name: 'Start server' }).click();
    await expect.poll(() => page.getByTestId('ws-server-url').count(), { timeout: 15_000 }).toBe(1);

    const bar = page.locator('.tn-ws-bar');
    await bar.getByRole('button', { name: /^Public URL options of / }).click();
    const dialog = page.getByRole('dialog', { name: /^Public URL — / });
    await dialog.getByLabel('Tunnel server').fill(fx.url);
    await dialog.getByRole('button', { name: 'Expose publicly' }).click();
    await expect.poll(() => dialog.getByTestId('tunnel-panel-status').textContent(), { timeout: 15_000 }).toContain('Public');
    const shown = (await dialog.getByTestId('tunnel-panel-url').textContent()) ?? '';
    expect(shown).toMatch(/^ws:\/\/[a-z0-9]+\.localhost:\d+\/live$/);
    expect(await dialog.getByTestId('tunnel-curl').textContent()).toContain(`wscat -H 'Bypass-Tunnel-Reminder: true' -c '${shown}'`);
    await app.screenshot('tunnels-ws-server-dialog-1280x800-light');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => bar.getByTestId('tunnel-status').textContent()).toBe('Public');

    const host = new URL(shown.replace(/^ws/, 'http')).host;
    const client = new WebSocket(`ws://127.0.0.1:${fxPort}/live`, { headers: { Host: host } });
    const got = await new Promise<string>((resolve, reject) => {
      client.on('error', reject);
      client.on('open', () => client.send('hello over the tunnel'));
      client.on('message', (d) => resolve(d.toString()));
    });
    client.terminate();
    expect(got).toBe('hello over the tunnel');
    await app.screenshot('tunnels-ws-server-1280x800-light');
    expect(app.errors).toEqual([]);
  });
});
