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

    // Ctrl+S on a saved request overwrites its file.
    await page.getByLabel('URL', { exact: true }).fill('{{base}}/hello?who={{who}}&v=2');
    await page.keyboard.press('Control+s');
    await expect.poll(() => readFileSync(join(dir, 'demo-api', 'say-hello.request.json'), 'utf8')).toContain('&v=2');

    // Switch environment and send again.
    await page.getByLabel('Active environment').selectOption('Prod');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => seen.at(-1)?.url, { timeout: 15_000 }).toBe('/hello?who=prod&v=2');
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
    await page.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot('workspace-history-1280x800-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByLabel('Search history').fill('who=dev');
    await expect.poll(() => page.locator('.ws-hist').count()).toBe(1);
    await app.screenshot('workspace-history-1280x800-light');
  });

  it('imports a pasted curl command showing what was skipped, exports a snippet, edits variables and shows the cookie jar', async () => {
    const { page } = app;
    await page.getByRole('tab', { name: /Collections/ }).click();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByLabel('Text to import').fill(`curl -s -X POST '${base}/items' -H 'Content-Type: application/json' -d '{"a":1}' --retry 2`);
    await expect.poll(() => page.getByLabel('Import preview').textContent()).toContain('curl');
    const skipped = await page.locator('.ws-skipped').textContent();
    expect(skipped).toContain('--silent');
    expect(skipped).toContain('--retry 2');
    await app.screenshot('workspace-import-1280x800-light');
    await page.getByRole('button', { name: /^Import 1 request/ }).click();
    await expect.poll(() => page.locator('.ws-collection-head').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Imported from curl')]));
    await page.locator('.ws-request', { hasText: 'POST /items' }).click();
    await expect.poll(() => page.getByLabel('URL', { exact: true }).inputValue()).toBe(`${base}/items`);

    // Export: a Python requests snippet of the open request, made by httpsnippet.
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByLabel('Snippet language').selectOption('python:requests');
    await expect.poll(() => page.locator('.ws-code .cm-content').textContent()).toContain('requests.post');
    await app.screenshot('workspace-export-1280x800-light');
    await page.keyboard.press('Escape');

    // Variables: precedence is shown; a secret value is accepted but never written to the folder.
    await page.getByRole('button', { name: 'Edit variables' }).click();
    await page.getByRole('button', { name: 'Environment: Prod' }).click();
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Variable name').last().fill('token');
    await page.getByLabel('token is secret').check();
    await page.getByLabel('Value of token').fill('s3cret-value');
    await page.locator('dialog[open]').getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByLabel('Resolved variables').textContent()).toContain('token');
    expect(await page.locator('.ws-precedence').textContent()).toMatch(/global.*<.*collection.*<.*environment/);
    expect(readFileSync(join(dir, 'environments', 'prod.env.json'), 'utf8')).not.toContain('s3cret-value');
    expect(JSON.parse(readFileSync(join(dir, 'environments', 'prod.env.json'), 'utf8'))).toMatchObject({ variables: expect.arrayContaining([{ name: 'token', value: '', secret: true }]) });
    await app.screenshot('workspace-variables-1280x800-light');
    await page.keyboard.press('Escape');

    // Cookie jar: add one by hand and see it listed.
    await page.getByRole('button', { name: 'Cookies', exact: true }).click();
    await page.getByLabel('Cookie domain').fill('127.0.0.1');
    await page.getByLabel('Cookie name').fill('sid');
    await page.getByLabel('Cookie value').fill('xyz');
    await page.getByRole('button', { name: 'Set', exact: true }).click();
    await expect.poll(() => page.getByLabel('Cookies', { exact: true }).locator('tbody').textContent()).toContain('sid');
    await app.screenshot('workspace-cookies-1280x800-light');
    await page.keyboard.press('Escape');
  });
});
