import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type AppSession } from './harness';

// The HTTP sender end to end: real `switchboard serve`, real Chromium, a real server on port 0.
describe('requests UI', () => {
  let app: AppSession;
  let server: http.Server;
  let base = '';
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        if (req.url === '/big') {
          // 30 MB of JSON-ish text: the UI must fetch a first range, not the whole body.
          const line = Buffer.from(`${JSON.stringify({ n: 1, text: 'lorem ipsum dolor sit amet '.repeat(3) })},\n`);
          const count = Math.ceil((30 * 1024 * 1024) / line.length);
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(line.length * count) });
          let i = 0;
          const pump = (): void => {
            while (i < count) {
              i++;
              if (!res.write(line)) return void res.once('drain', pump);
            }
            res.end();
          };
          pump();
          return;
        }
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(201, 'Created', [['Content-Type', 'application/json'], ['X-Request-Id', 'req-42'], ['Set-Cookie', 'session=abc; Path=/; HttpOnly']]);
        res.end(JSON.stringify({ received: JSON.parse(body || 'null'), trace: req.headers['x-trace'] ?? null }));
      });
    });
    server.on('error', () => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    app = await openApp({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  });
  afterAll(async () => {
    await app?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('composes a POST with JSON and a header, sends it, and shows status, pretty body and timings', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Requests', exact: true }).click();
    const method = page.getByLabel('Method', { exact: true });
    await method.fill('POST');
    await page.getByLabel('URL', { exact: true }).fill(`${base}/orders?source=ui`);

    await page.getByRole('tab', { name: /Params/ }).click();
    await expect.poll(() => page.getByLabel('Parameter 1', { exact: true }).inputValue()).toBe('source');

    await page.getByRole('tab', { name: /Headers/ }).click();
    await page.getByLabel('Header 1', { exact: true }).fill('X-Trace');
    await page.getByLabel('Value 1', { exact: true }).fill('trace-7');

    await page.getByRole('tab', { name: /Body/ }).click();
    await page.getByLabel('Body kind').selectOption('json');
    const editor = page.locator('.rq-body .cm-content');
    await editor.click();
    await page.keyboard.type('{"item":"book","qty":2}');
    await expect.poll(() => page.locator('.rq-code-tools').textContent()).toContain('Valid JSON');

    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('status-text').textContent(), { timeout: 15_000 }).toBe('201 Created');

    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/orders?source=ui', body: '{"item":"book","qty":2}' });
    expect(seen.at(-1)!.headers['x-trace']).toBe('trace-7');
    expect(seen.at(-1)!.headers['content-type']).toBe('application/json');

    // Pretty JSON: the one-line body comes back indented over several lines.
    const body = page.locator('.rq-response .cm-content');
    await expect.poll(() => body.textContent()).toContain('"item": "book"');
    expect(await page.locator('.rq-response .cm-line').count()).toBeGreaterThan(4);
    await app.screenshot('requests-post-1280x800-light');

    await page.getByRole('tab', { name: /Timing/ }).click();
    await expect.poll(() => page.getByTestId('timing-total').textContent()).toMatch(/ms|s/);
    expect(await page.locator('.rq-wf-row[data-phase]').count()).toBe(7);
    await app.screenshot('requests-timing-1280x800-light');

    await page.getByRole('tab', { name: /^Headers/ }).last().click();
    await expect.poll(() => page.locator('.rq-response table.kv').textContent()).toContain('X-Request-Id');
    await page.getByRole('tab', { name: /Cookies/ }).click();
    await expect.poll(() => page.locator('.rq-cookies').textContent()).toContain('session');
  });

  it('shows a failure in plain words, and opens and closes tabs', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'New request' }).click();
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    await page.getByLabel('URL', { exact: true }).fill(`http://127.0.0.1:${port}/`);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByTestId('send-error').textContent(), { timeout: 15_000 }).toContain('HTTP_CONNECTION_REFUSED');
    expect(await page.getByTestId('send-error').textContent()).toMatch(/connection refused/i);
    const tabs = page.locator('.rq-tab');
    expect(await tabs.count()).toBe(2);
    await page.getByRole('button', { name: 'Close tab' }).last().click();
    await expect.poll(() => tabs.count()).toBe(1);
  });

  it('shows the first part of a 30 MB body without freezing, and offers to load more', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'New request' }).click();
    await page.getByLabel('URL', { exact: true }).fill(`${base}/big`);
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('status-text').textContent(), { timeout: 30_000 }).toBe('200 OK');
    await page.getByRole('tablist', { name: 'Response parts' }).getByRole('tab', { name: 'Body' }).click();
    await expect.poll(() => page.locator('.body-note').textContent(), { timeout: 15_000 }).toMatch(/Showing the first 1(\.0)? MB of 30 MB/);
    // The page answers quickly while the body is shown.
    const t0 = Date.now();
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(null)))');
    expect(Date.now() - t0).toBeLessThan(1000);
    await page.getByRole('button', { name: 'Load all' }).click();
    await expect.poll(() => page.locator('.body-note').textContent(), { timeout: 15_000 }).toMatch(/Showing the first 5(\.0)? MB of 30 MB/);
    await app.screenshot('requests-big-body-1280x800-light');
  });

  it('looks right in the dark theme at 1920×1080', async () => {
    const dark = await openApp({ viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' });
    try {
      const { page } = dark;
      await page.getByRole('button', { name: 'Requests', exact: true }).click();
      await page.getByLabel('Method', { exact: true }).fill('PUT');
      await page.getByLabel('URL', { exact: true }).fill(`${base}/orders/42?expand=items&currency=eur`);
      await page.getByRole('tab', { name: /Body/ }).click();
      await page.getByLabel('Body kind').selectOption('json');
      await page.locator('.rq-body .cm-content').click();
      await page.keyboard.type('{"status":"shipped"}');
      await page.keyboard.press('Control+Enter');
      await expect.poll(() => page.getByTestId('status-text').textContent(), { timeout: 15_000 }).toBe('201 Created');
      expect(await page.evaluate<string>('document.documentElement.dataset.theme')).toBe('dark');
      await dark.screenshot('requests-put-1920x1080-dark');
    } finally {
      await dark.close();
    }
  });
});
