import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, openApp, type AppSession } from './harness';

const row = (page: Page, url: string) => page.locator(`[data-testid="capture-row"][data-url="${url}"]`);

// Replay what was picked in the list (Shift+click range, Ctrl+click to drop one) to a real receiver.
describe('webhooks UI: replay the selection', () => {
  let app: AppSession;
  let receiver: http.Server;
  let receiverUrl = '';
  const received: Array<{ method: string; body: string; type: string }> = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method ?? '', body: Buffer.concat(chunks).toString(), type: req.headers['content-type'] ?? '' });
        res.writeHead(received.length === 2 ? 500 : 200).end('ok');
      });
    });
    receiver.on('error', () => undefined);
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    app = await openApp({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await app?.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('replays exactly the picked captures, oldest first, and sums up the outcome', async () => {
    const { page } = app;
    await page.getByRole('button', { name: /^New$/ }).click();
    const dialog = page.getByRole('dialog', { name: 'New catcher' });
    await dialog.getByLabel('Name', { exact: true }).fill('replays');
    await dialog.getByRole('button', { name: 'Create and start' }).click();
    const item = page.getByTestId('catcher-item').filter({ hasText: 'replays' });
    await item.and(page.locator('[data-status="running"]')).waitFor();
    const url = (await item.getAttribute('data-url')) ?? '';
    for (const name of ['a', 'b', 'c']) {
      await curl(['-s', '-o', '/dev/null', '-X', 'POST', `${url}/${name}`, '-H', 'Content-Type: application/json', '--data-binary', JSON.stringify({ name })]);
      await row(page, `/${name}`).waitFor();
    }
    expect(await page.getByRole('button', { name: 'Replay selected' }).isDisabled()).toBe(true);

    // A range over all three, then drop the middle one.
    await row(page, '/c').click();
    await row(page, '/a').click({ modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('marked-count').textContent()).toContain('3 selected');
    await row(page, '/b').click({ modifiers: ['Control'] });
    await expect.poll(() => page.getByTestId('marked-count').textContent()).toContain('2 selected');

    await page.getByRole('button', { name: 'Replay selected' }).click();
    const replay = page.getByRole('dialog', { name: 'Replay 2 captures' });
    await replay.getByTestId('replay-url').fill(receiverUrl);
    await replay.getByTestId('replay-send').click();
    await expect.poll(() => replay.getByTestId('replay-result').count(), { timeout: 15_000 }).toBe(2);
    expect(await replay.getByTestId('replay-summary').textContent()).toBe('2 sent · 1 failed or answered ≥ 400');
    expect(received.map((r) => JSON.parse(r.body) as unknown)).toEqual([{ name: 'a' }, { name: 'c' }]);
    expect(received.every((r) => r.method === 'POST' && r.type === 'application/json')).toBe(true);
    await app.screenshot('webhooks-replay-selection');
    await replay.getByRole('button', { name: 'Close', exact: true }).click();
    expect(app.errors).toEqual([]);
  });
});
