import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { har as harValidate } from 'har-validator';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, openApp, type AppSession } from './harness';

const row = (page: Page, url: string) => page.locator(`[data-testid="capture-row"][data-url="${url}"]`);
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

// Every body view and every way out (cURL, download, HAR) against real bytes.
describe('webhooks UI: bodies, copies and exports', () => {
  let app: AppSession;
  let url = '';
  const dir = mkdtempSync(join(tmpdir(), 'sb-bodies-'));

  beforeAll(async () => {
    app = await openApp({ viewport: { width: 1440, height: 900 } });
    await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.origin });
    const { page } = app;
    await page.getByRole('button', { name: /^New$/ }).click();
    const dialog = page.getByRole('dialog', { name: 'New catcher' });
    await dialog.getByLabel('Name', { exact: true }).fill('bodies');
    await dialog.getByRole('button', { name: 'Create and start' }).click();
    const item = page.getByTestId('catcher-item').filter({ hasText: 'bodies' });
    await item.and(page.locator('[data-status="running"]')).waitFor();
    url = (await item.getAttribute('data-url')) ?? '';
  });
  afterAll(async () => {
    await app?.close();
  });

  const open = async (target: string, tab: 'Pretty' | 'Raw' | 'Hex' | 'Preview') => {
    const { page } = app;
    await row(page, target).click();
    const detail = page.getByTestId('capture-detail');
    await expect.poll(() => page.getByTestId('detail-url').textContent()).toBe(target);
    await detail.getByRole('tab', { name: /^Body/ }).click();
    await detail.getByRole('tab', { name: tab }).click();
    return detail;
  };

  it('previews an image and shows its exact bytes in hex', async () => {
    writeFileSync(join(dir, 'dot.png'), PNG);
    await curl(['-X', 'POST', `${url}/image`, '-H', 'Content-Type: image/png', '--data-binary', `@${join(dir, 'dot.png')}`]);
    await row(app.page, '/image').waitFor();
    let detail = await open('/image', 'Preview');
    await expect.poll(() => detail.locator('img[alt="Body preview"]').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    detail = await open('/image', 'Hex');
    const hex = detail.getByTestId('hex-view');
    await expect.poll(() => hex.textContent()).toMatch(/^0+89 50 4e 47\s+0d 0a 1a 0a/);
    expect(await hex.textContent()).toContain('IHDR');
  });

  it('renders HTML in a sandbox without scripts', async () => {
    await curl(['-X', 'POST', `${url}/html`, '-H', 'Content-Type: text/html', '--data-raw', '<h1>Hello</h1><script>parent.document.title="pwned"</script>']);
    await row(app.page, '/html').waitFor();
    const detail = await open('/html', 'Preview');
    const frame = detail.locator('iframe[title="HTML preview"]');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await expect.poll(() => frame.contentFrame().locator('h1').textContent()).toBe('Hello');
    expect(await app.page.title()).toBe('Switchboard');
    // Chromium reports the blocked script: proof the sandbox held. Not an app error.
    await expect.poll(() => app.errors.some((e) => e.includes('Blocked script execution'))).toBe(true);
    app.errors.splice(0, app.errors.length, ...app.errors.filter((e) => !e.includes('Blocked script execution')));
  });

  it('decodes a gzip body for viewing while the raw bytes stay as sent', async () => {
    const json = JSON.stringify({ compressed: true, items: [1, 2, 3] });
    writeFileSync(join(dir, 'body.gz'), gzipSync(json));
    await curl(['-X', 'POST', `${url}/gzip`, '-H', 'Content-Type: application/json', '-H', 'Content-Encoding: gzip', '--data-binary', `@${join(dir, 'body.gz')}`]);
    await row(app.page, '/gzip').waitFor();
    const detail = await open('/gzip', 'Pretty');
    await expect.poll(() => detail.locator('.cm-content').innerText()).toContain('"compressed": true');
    await detail.getByRole('tab', { name: 'Hex' }).click();
    await expect.poll(() => detail.getByTestId('hex-view').textContent()).toContain('1f 8b');
  });

  it('copies a cURL command that really replays the request', async () => {
    const { page } = app;
    await curl(['-X', 'PUT', `${url}/replay-me?x=1`, '-H', 'Content-Type: application/json', '-H', 'X-Trace: abc', '--data-raw', `{"quote":"it's"}`]);
    await row(page, '/replay-me?x=1').click();
    await page.getByRole('button', { name: 'cURL' }).click();
    await expect.poll(() => page.getByTestId('toast').first().textContent()).toContain('cURL command');
    const command = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(command).toContain(`-H 'X-Trace: abc'`);
    execFileSync('sh', ['-c', `${command} -sS -o /dev/null`]);
    await expect.poll(() => row(page, '/replay-me?x=1').count()).toBe(2);
  });

  it('downloads a binary body byte for byte', async () => {
    const { page } = app;
    const bytes = randomBytes(300_000);
    writeFileSync(join(dir, 'random.bin'), bytes);
    await curl(['-X', 'POST', `${url}/binary`, '-H', 'Content-Type: application/octet-stream', '--data-binary', `@${join(dir, 'random.bin')}`]);
    await row(page, '/binary').click();
    await expect.poll(() => page.getByTestId('detail-url').textContent()).toBe('/binary');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Body', exact: true }).click()]);
    const saved = join(dir, 'saved.bin');
    await download.saveAs(saved);
    expect(readFileSync(saved).equals(bytes)).toBe(true);
  });

  it('fetches a large body in ranges: first 1 MB, the rest on request', async () => {
    const { page } = app;
    const text = 'abcdefghij'.repeat(150_000); // 1.5 MB
    writeFileSync(join(dir, 'large.txt'), text);
    await curl(['-X', 'POST', `${url}/large`, '-H', 'Content-Type: text/plain', '--data-binary', `@${join(dir, 'large.txt')}`]);
    await row(page, '/large').waitFor();
    const detail = await open('/large', 'Raw');
    const note = detail.locator('.body-note');
    await expect.poll(() => note.textContent()).toContain('Showing the first 1.0 MB of 1.4 MB');
    await note.getByRole('button', { name: 'Load all' }).click();
    await expect.poll(() => note.count()).toBe(0);
  });

  it('applies a smaller body limit from the settings dialog: 413 and a cut capture, explained', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Settings of bodies' }).click();
    const dialog = page.getByRole('dialog', { name: /Catcher settings/ });
    await dialog.getByLabel('Body limit (MB)').fill('0.001');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    const limit = Math.round(0.001 * 1024 * 1024);
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(5000));
    const status = await curl(['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', `${url}/too-big`, '-H', 'Content-Type: text/plain', '--data-binary', `@${join(dir, 'big.txt')}`]);
    expect(status).toBe('413');
    await row(page, '/too-big').waitFor();
    expect(await row(page, '/too-big').textContent()).toContain('413');
    const detail = await open('/too-big', 'Raw');
    await expect.poll(() => detail.locator('.body-note').textContent()).toContain('body limit');
    await expect.poll(() => detail.locator('.cm-content').innerText()).toBe('x'.repeat(limit));
  });

  it('exports the list as a valid HAR 1.2 file', async () => {
    const { page } = app;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export all as HAR' }).click()]);
    const saved = join(dir, 'export.har');
    await download.saveAs(saved);
    const har = JSON.parse(readFileSync(saved, 'utf8')) as { log: { version: string; entries: Array<{ request: { url: string } }> } };
    await harValidate(har);
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries.map((e) => new URL(e.request.url).pathname)).toEqual(expect.arrayContaining(['/image', '/html', '/gzip', '/binary']));
    await app.screenshot('webhooks-bodies-1440x900-light');

    // Export only what is picked: click one, Ctrl+click another.
    await row(page, '/image').click();
    await row(page, '/gzip').click({ modifiers: ['Control'] });
    await expect.poll(() => page.getByTestId('marked-count').textContent()).toContain('2 selected');
    const [picked] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export selected as HAR' }).click()]);
    await picked.saveAs(join(dir, 'picked.har'));
    const pickedHar = JSON.parse(readFileSync(join(dir, 'picked.har'), 'utf8')) as typeof har;
    await harValidate(pickedHar);
    expect(pickedHar.log.entries.map((e) => new URL(e.request.url).pathname).sort()).toEqual(['/gzip', '/image']);
    expect(app.errors).toEqual([]);
  });
});
