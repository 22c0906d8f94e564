import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ROOT, curl, openApp, type AppSession } from './harness';

/** A list row by its exact request target (the visible text may be middle-ellipsized). */
const row = (page: Page, url: string) => page.locator(`[data-testid="capture-row"][data-url="${url}"]`);

// The webhook catcher end to end: real `switchboard serve`, real Chromium, real curl.
describe('webhooks UI', () => {
  let app: AppSession;
  let url = '';

  beforeAll(async () => {
    app = await openApp({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('creates and starts a catcher from the UI and shows how to use it', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('button', { name: /^New$/ }).click();
    const dialog = page.getByRole('dialog', { name: 'New catcher' });
    await dialog.getByLabel('Name', { exact: true }).fill('stripe-dev');
    await dialog.getByRole('button', { name: 'Create and start' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);

    const item = page.getByTestId('catcher-item').filter({ hasText: 'stripe-dev' });
    await item.and(page.locator('[data-status="running"]')).waitFor();
    url = (await item.getAttribute('data-url')) ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const sample = page.getByTestId('sample-curl');
    await expect.poll(() => sample.textContent()).toContain(url);
    await app.screenshot('webhooks-empty-1280x800-light');
  });

  it('shows requests sent with curl live, with headers and a pretty JSON body', async () => {
    const { page } = app;
    const rows = page.getByTestId('capture-row');
    await curl(['-X', 'POST', `${url}/hooks/stripe?attempt=1&livemode=false`, '-H', 'Content-Type: application/json', '-H', 'Stripe-Signature: t=1700000000,v1=abc', '-H', 'X-Custom-CASE: Kept', '--data-raw', '{"id":"evt_1","type":"invoice.paid","data":{"object":{"amount":2000,"currency":"eur"}}}']);
    await expect.poll(() => rows.count()).toBe(1);
    await curl([`${url}/ping`]);
    await curl(['-X', 'PUT', `${url}/orders/42`, '--data-urlencode', 'status=shipped', '--data-urlencode', 'note=left at door']);
    await curl(['-F', 'file=@package.json;type=application/json', '-F', 'kind=manifest', `${url}/upload`]);
    await expect.poll(() => rows.count()).toBe(4);
    await expect.poll(() => page.getByTestId('capture-total').textContent()).toContain('4 captures');

    await row(page, '/hooks/stripe?attempt=1&livemode=false').click();
    const detail = page.getByTestId('capture-detail');
    await expect.poll(() => page.getByTestId('detail-url').textContent()).toBe('/hooks/stripe?attempt=1&livemode=false');

    await detail.getByRole('tab', { name: /Headers/ }).click();
    const headers = detail.locator('table.kv');
    await expect.poll(() => headers.textContent()).toContain('X-Custom-CASE');
    expect(await headers.textContent()).toContain('Stripe-Signature');

    await detail.getByRole('tab', { name: /Query/ }).click();
    await expect.poll(() => detail.locator('table.kv').textContent()).toContain('livemode');

    await detail.getByRole('tab', { name: /^Body/ }).click();
    await detail.getByRole('tab', { name: 'Pretty' }).click();
    const code = detail.locator('.cm-content');
    // Pretty-printed: one property per line, two-space indent, highlighted tokens.
    await expect.poll(() => code.innerText()).toContain('"type": "invoice.paid"');
    expect(await code.locator('.cm-line').count()).toBeGreaterThan(8);
    expect(await code.locator('span[class]').count()).toBeGreaterThan(5);
    await app.screenshot('webhooks-detail-1280x800-light');
  });

  it('shows form fields and multipart parts with sizes', async () => {
    const { page } = app;
    const detail = page.getByTestId('capture-detail');
    await row(page, '/orders/42').click();
    await expect.poll(() => detail.locator('table.kv').textContent()).toContain('left at door');
    await row(page, '/upload').click();
    await expect.poll(() => detail.locator('.mp-part').count()).toBe(2);
    expect(await detail.locator('.mp-part').first().textContent()).toContain('package.json');
  });

  it('filters by text and by method, and moves with the keyboard', async () => {
    const { page } = app;
    const rows = page.getByTestId('capture-row');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    const filter = page.getByLabel('Filter captures');
    await expect.poll(() => page.evaluate<string>('document.activeElement?.getAttribute("aria-label") ?? ""')).toBe('Filter captures');
    await page.keyboard.type('ping');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-url')).toBe('/ping');
    // Text filters reach into bodies too (engine-side).
    await filter.fill('invoice.paid');
    await expect.poll(() => rows.first().getAttribute('data-url')).toBe('/hooks/stripe?attempt=1&livemode=false');
    await expect.poll(() => rows.count()).toBe(1);
    await filter.fill('');
    await expect.poll(() => rows.count()).toBe(4);

    await page.getByLabel('Filter by method').selectOption('PUT');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByLabel('Filter by method').selectOption('');
    await expect.poll(() => rows.count()).toBe(4);

    await rows.first().click();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('detail-url').textContent()).toBe('/ping');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('detail-url').textContent()).toBe('/orders/42');
  });

  it('follows the OS theme and looks right at 1280×800 and 1920×1080, light and dark', async () => {
    const { page } = app;
    // A fuller, realistic list for the pictures.
    await curl(['-X', 'POST', `${url}/github/webhook`, '-H', 'Content-Type: application/json', '-H', 'X-GitHub-Event: push', '-H', 'X-Hub-Signature-256: sha256=0f3c', '--data-raw', '{"ref":"refs/heads/main","commits":[{"id":"a1b2c3","message":"Fix typo"}],"repository":{"full_name":"octo/hello"}}']);
    await curl(['-X', 'DELETE', `${url}/api/v1/customers/cus_Q1x9/subscriptions/sub_1PZ3xYLkdIwHu7ixVeryLongIdentifier/items?expand=true&limit=100`]);
    await curl(['-X', 'PATCH', `${url}/orders/42`, '-H', 'Content-Type: application/json', '--data-raw', '{"status":"delivered"}']);
    await curl(['-I', `${url}/health`]);
    await curl(['-X', 'POST', `${url}/hooks/stripe?attempt=2`, '-H', 'Content-Type: application/json', '--data-raw', '{"id":"evt_2","type":"customer.subscription.updated","data":{"object":{"id":"sub_1","status":"active","items":{"data":[{"price":{"id":"price_1","unit_amount":1200,"currency":"eur","recurring":{"interval":"month"}}}]}}}}']);
    await expect.poll(() => page.getByTestId('capture-row').count()).toBe(9);
    await row(page, '/hooks/stripe?attempt=1&livemode=false').click();
    await page.getByTestId('capture-detail').getByRole('tab', { name: /^Body/ }).click();
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await expect.poll(() => page.evaluate<string>('document.documentElement.dataset.theme')).toBe(scheme);
        const path = await app.screenshot(`webhooks-${size.width}x${size.height}-${scheme}`);
        // The README picture is refreshed on request, so a plain `npm test` leaves the tree clean.
        const readme = join(ROOT, 'docs/screenshot.png');
        if (size.width === 1280 && scheme === 'light' && (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(readme))) {
          mkdirSync(join(ROOT, 'docs'), { recursive: true });
          copyFileSync(path, readme);
        }
      }
    }
    // Nothing overflows the window horizontally.
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('switches theme in Settings, overriding the OS', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('radio', { name: 'Dark' }).click();
    await expect.poll(() => page.evaluate<string>('document.documentElement.dataset.theme')).toBe('dark');
    await app.screenshot('settings-1280x800-dark');
    await page.getByRole('radio', { name: 'Follow the system' }).click();
    await expect.poll(() => page.evaluate<string>('document.documentElement.dataset.theme')).toBe('light');
    await page.getByRole('button', { name: 'Webhooks', exact: true }).click();
    expect(app.errors).toEqual([]);
  });
});
