import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type AppSession } from './harness';

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Errors in words, and a live list that keeps up with a burst without rendering it all.
describe('webhooks UI under load and on errors', () => {
  let app: AppSession;
  let url = '';

  beforeAll(async () => {
    app = await openApp({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('explains a taken port in words and keeps the dialog open', async () => {
    const { page } = app;
    const takenPort = new URL(app.server.origin).port;
    await page.getByRole('button', { name: /^New$/ }).click();
    const dialog = page.getByRole('dialog', { name: 'New catcher' });
    await dialog.getByLabel('Name', { exact: true }).fill('clash');
    await dialog.getByLabel('Port', { exact: true }).fill(takenPort);
    await dialog.getByRole('button', { name: 'Create and start' }).click();
    const error = dialog.getByTestId('dialog-error');
    await expect.poll(() => error.textContent()).toContain(takenPort);
    expect(await error.textContent()).toMatch(/0/);
    await app.screenshot('webhooks-port-taken-1280x800-light');
    await dialog.getByLabel('Port', { exact: true }).fill('0');
    await dialog.getByRole('button', { name: 'Create and start' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    const item = page.getByTestId('catcher-item').filter({ hasText: 'clash' });
    await item.and(page.locator('[data-status="running"]')).waitFor();
    url = (await item.getAttribute('data-url')) ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    // The empty state's command is ready to paste: run it as a shell would.
    const sample = (await page.getByTestId('sample-curl').textContent()) ?? '';
    execFileSync('sh', ['-c', `${sample} -sS -o /dev/null`]);
    await page.locator('[data-testid="capture-row"][data-url="/webhooks/test"]').waitFor();
  });

  it('shows a burst of 2,000 requests, all of them, with a bounded DOM', async () => {
    const { page } = app;
    const total = 2000;
    let next = 0;
    const statuses: number[] = [];
    // 50 senders in parallel, like a webhook storm.
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < total) {
          const n = next++;
          statuses.push(await post(`${url}/storm/${n}`, JSON.stringify({ n })));
        }
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(total);
    await expect.poll(() => page.getByTestId('capture-total').textContent(), { timeout: 20_000 }).toContain('2,001 captures');
    // Virtualized: only what is on screen (plus overscan) is in the DOM.
    expect(await page.getByTestId('capture-row').count()).toBeLessThan(80);
    // Following the live edge: the newest request is on screen.
    await expect.poll(() => page.locator('[data-testid="capture-row"][data-url="/storm/1999"]').count()).toBe(1);
  });

  it('holds new arrivals while paused and shows how many', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Pause' }).click();
    for (let i = 0; i < 3; i++) await post(`${url}/while-paused/${i}`, '{}');
    await expect.poll(() => page.locator('.new-pill').textContent()).toContain('3 new');
    expect(await page.locator('[data-testid="capture-row"][data-url="/while-paused/2"]').count()).toBe(0);
    await page.locator('.new-pill').click();
    await expect.poll(() => page.locator('[data-testid="capture-row"][data-url="/while-paused/2"]').count()).toBe(1);
  });

  it('searches inside a body with Ctrl+F', async () => {
    const { page } = app;
    await page.locator('[data-testid="capture-row"][data-url="/while-paused/2"]').click();
    const detail = page.getByTestId('capture-detail');
    await detail.getByRole('tab', { name: /^Body/ }).click();
    await detail.getByRole('tab', { name: 'Raw' }).click();
    await detail.locator('.cm-content').click();
    await page.keyboard.press('Control+f');
    await expect.poll(() => detail.locator('.cm-search').count()).toBe(1);
    await page.keyboard.press('Escape');
    expect(app.errors).toEqual([]);
  });
});
