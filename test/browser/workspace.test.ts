import http from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type AppSession } from './harness';

// The workspace end to end: open a folder as a workspace, save a request into a collection,
// switch environments (unresolved variables flagged first), resend from history.
describe('workspace UI', () => {
  let app: AppSession;
  let server: http.Server;
  let base = '';
  let dir = '';
  const seen: Array<{ method: string; url: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '' });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ url: req.url }));
      });
    });
    server.on('error', () => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A workspace as a teammate would have pushed it: two environments.
    dir = mkdtempSync(join(tmpdir(), 'sb-browser-ws-'));
    mkdirSync(join(dir, 'environments'));
    writeFileSync(join(dir, 'environments', 'dev.env.json'), JSON.stringify({ name: 'Dev', variables: [{ name: 'base', value: base }, { name: 'who', value: 'dev' }] }));
    writeFileSync(join(dir, 'environments', 'prod.env.json'), JSON.stringify({ name: 'Prod', variables: [{ name: 'base', value: base }, { name: 'who', value: 'prod' }] }));
    app = await openApp({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  });
  afterAll(async () => {
    await app?.close();
    await new Promise<void>((r) => server.close(() => r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('saves a request into a collection, switches environment and resends from history', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Requests', exact: true }).click();

    // Open the folder as a workspace and create a collection.
    await page.getByRole('button', { name: 'Open workspace folder' }).click();
    await page.getByLabel('Workspace folder path').fill(dir);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.getByLabel('Active environment').locator('option').allTextContents()).toEqual(['No environment', 'Dev', 'Prod']);
    await page.getByRole('button', { name: 'New collection' }).click();
    await page.getByLabel('Collection name').fill('Demo API');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expect.poll(() => page.locator('.ws-collection-head').textContent()).toContain('Demo API');

    // Compose with variables: with no environment they are flagged before sending.
    await page.getByLabel('URL', { exact: true }).fill('{{base}}/hello?who={{who}}');
    await expect.poll(() => page.locator('.ws-unresolved').textContent()).toContain('{{base}}');
    await page.getByLabel('Active environment').selectOption('Dev');
    await expect.poll(() => page.locator('.ws-unresolved').count()).toBe(0);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.getByTestId('status-text').textContent(), { timeout: 15_000 }).toBe('200 OK');
    expect(seen.at(-1)).toEqual({ method: 'GET', url: '/hello?who=dev' });

    // Save into the collection: a readable file appears in the folder, and in the tree.
    await page.getByRole('button', { name: 'Save to collection…' }).click();
    await page.getByLabel('Request name').fill('Say hello');
    await page.getByLabel('Collection', { exact: true }).selectOption('demo-api');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => existsSync(join(dir, 'demo-api', 'say-hello.request.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'demo-api', 'say-hello.request.json'), 'utf8'))).toMatchObject({ name: 'Say hello', method: 'GET', url: '{{base}}/hello?who={{who}}' });
    await expect.poll(() => page.locator('.ws-request').first().textContent()).toContain('Say hello');

    // Switch environment and send again.
    await page.getByLabel('Active environment').selectOption('Prod');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => seen.at(-1)?.url, { timeout: 15_000 }).toBe('/hello?who=prod');
    await app.screenshot('workspace-collections-1280x800-light');

    // History: grouped by day, newest first; resend the first (dev) one with today's environment.
    await page.getByRole('tab', { name: /History/ }).click();
    await expect.poll(() => page.locator('.ws-hist').count()).toBe(2);
    expect(await page.locator('.ws-day').first().textContent()).toBe('Today');
    const before = seen.length;
    await page.locator('.ws-hist').last().hover();
    await page.getByRole('button', { name: 'Resend' }).last().click();
    await expect.poll(() => seen.length, { timeout: 15_000 }).toBe(before + 1);
    expect(seen.at(-1)?.url).toBe('/hello?who=prod');
    await expect.poll(() => page.locator('.ws-hist').count()).toBe(3);
    await page.getByLabel('Search history').fill('who=dev');
    await expect.poll(() => page.locator('.ws-hist').count()).toBe(1);
    await app.screenshot('workspace-history-1280x800-light');
  });
});
