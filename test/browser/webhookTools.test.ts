import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign as ghSign, verify as ghVerify } from '@octokit/webhooks-methods';
import { curl, openApp, type AppSession } from './harness';

// Webhook tools in the real UI: a signed capture shows its badge and reason; replay from the UI
// reaches a local server, re-signed so the vendor's verifier accepts it.
describe('webhook tools UI', () => {
  let app: AppSession;
  let url = '';
  const SECRET = 'browser-gh-secret';
  const received: Array<{ url: string; body: string; sig: string }> = [];
  let server: http.Server;
  let serverUrl = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', body: Buffer.concat(chunks).toString(), sig: String(req.headers['x-hub-signature-256'] ?? '') });
        res.writeHead(202, { 'Content-Type': 'text/plain' });
        res.end('accepted');
      });
    });
    server.on('error', () => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    app = await openApp({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  });
  afterAll(async () => {
    await app?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('adds a secret from the catcher tools dialog and badges signed captures', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('button', { name: /^New$/ }).click();
    const dialog = page.getByRole('dialog', { name: 'New catcher' });
    await dialog.getByLabel('Name', { exact: true }).fill('gh-dev');
    await dialog.getByRole('button', { name: 'Create and start' }).click();
    const item = page.getByTestId('catcher-item').filter({ hasText: 'gh-dev' });
    await item.and(page.locator('[data-status="running"]')).waitFor();
    url = (await item.getAttribute('data-url')) ?? '';

    await item.getByTestId('catcher-tools').click();
    const tools = page.getByRole('dialog', { name: 'Webhook tools — gh-dev' });
    await tools.getByLabel('Scheme').selectOption('github');
    await tools.getByTestId('secret-input').fill(SECRET);
    await tools.getByTestId('secret-add').click();
    await expect.poll(() => tools.getByRole('list', { name: 'Configured secrets' }).textContent()).toContain('GitHub');
    await app.screenshot('webhook-tools-secrets-1280x800-light');
    await tools.getByRole('button', { name: 'Close (Esc)' }).click();

    const body = '{"action":"opened","number":7}';
    const sig = await ghSign(SECRET, body);
    await curl(['-s', '-X', 'POST', `${url}/gh/events`, '-H', 'Content-Type: application/json', '-H', `X-Hub-Signature-256: ${sig}`, '-H', 'X-GitHub-Delivery: d-1', '--data-raw', body]);
    await curl(['-s', '-X', 'POST', `${url}/gh/tampered`, '-H', 'Content-Type: application/json', '-H', `X-Hub-Signature-256: ${sig}`, '--data-raw', body.replace('7', '8')]);
    const validRow = page.locator('[data-testid="capture-row"][data-url="/gh/events"]');
    const badRow = page.locator('[data-testid="capture-row"][data-url="/gh/tampered"]');
    await expect.poll(() => validRow.getByTestId('signature-badge').getAttribute('data-status')).toBe('valid');
    await expect.poll(() => badRow.getByTestId('signature-badge').getAttribute('data-status')).toBe('invalid');

    await badRow.click();
    const detail = page.getByTestId('capture-detail');
    await detail.getByRole('tab', { name: 'Webhook' }).click();
    await expect.poll(() => detail.getByTestId('signature-reason').textContent()).toMatch(/expected sha256=[0-9a-f]{64}/);
    await app.screenshot('webhook-tools-invalid-signature-1280x800-light');
  });

  it('replays a capture from the UI to a local server, re-signed', async () => {
    const { page } = app;
    await page.locator('[data-testid="capture-row"][data-url="/gh/events"]').click();
    const detail = page.getByTestId('capture-detail');
    await expect.poll(() => page.getByTestId('detail-url').textContent()).toBe('/gh/events');
    await detail.getByTestId('detail-replay').click();
    const replay = page.getByRole('dialog', { name: 'Replay capture' });
    await replay.getByTestId('replay-url').fill(`${serverUrl}/receiver`);
    await replay.getByTestId('replay-resign').check();
    await replay.getByTestId('replay-send').click();
    await expect.poll(() => replay.getByTestId('replay-result').textContent()).toContain('202');
    expect(await replay.getByTestId('replay-result').textContent()).toContain('Re-signed');
    await app.screenshot('webhook-tools-replay-1280x800-light');
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/receiver');
    expect(received[0]!.body).toBe('{"action":"opened","number":7}');
    expect(await ghVerify(SECRET, received[0]!.body, received[0]!.sig)).toBe(true);
    await replay.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('edits mock rules and a forward target in the UI; both act on real HTTP', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Webhooks', exact: true }).click();
    const item = page.getByTestId('catcher-item').filter({ hasText: 'gh-dev' });
    await item.getByTestId('catcher-tools').click();
    const tools = page.getByRole('dialog', { name: 'Webhook tools — gh-dev' });
    await tools.getByRole('tab', { name: /Mock rules/ }).click();
    await tools.getByTestId('rule-add').click();
    await tools.getByLabel('Rule path glob').fill('/teapot/*');
    await tools.getByLabel('Response status').fill('418');
    await tools.getByLabel('Rule response body').fill('I am a teapot for {{request.query.who}}');
    await tools.getByTestId('rules-save').click();
    await expect.poll(() => tools.getByTestId('rules-save').isDisabled()).toBe(true);
    await app.screenshot('webhook-tools-rules-1280x800-light');

    await tools.getByRole('tab', { name: 'Forward' }).click();
    await tools.getByTestId('forward-target').fill(`${serverUrl}/fwd`);
    await tools.getByTestId('forward-save').click();
    await expect.poll(() => page.getByText('Forwarding on.').count()).toBeGreaterThan(0);
    await tools.getByRole('button', { name: 'Close (Esc)' }).click();

    const out = await curl(['-s', '-w', ' %{http_code}', `${url}/teapot/pot?who=Ada`]);
    expect(out).toBe('I am a teapot for Ada 418');
    await expect.poll(() => received.some((r) => r.url === '/fwd/teapot/pot?who=Ada')).toBe(true);
    await page.locator('[data-testid="capture-row"][data-url="/teapot/pot?who=Ada"]').click();
    const detail = page.getByTestId('capture-detail');
    await detail.getByRole('tab', { name: 'Webhook' }).click();
    await expect.poll(() => detail.getByTestId('forward-result').textContent()).toContain('202');
    expect(await detail.getByTestId('webhook-tools-panel').textContent()).toContain('by mock rule');
    await app.screenshot('webhook-tools-forwarded-1280x800-light');
  });

  it('opens a capture in the request composer', async () => {
    const { page } = app;
    await page.getByTestId('capture-detail').getByTestId('detail-replay').click();
    const replay = page.getByRole('dialog', { name: 'Replay capture' });
    await replay.getByLabel('Another URL').check();
    await replay.getByTestId('replay-url').fill(`${serverUrl}/from-composer`);
    await replay.getByRole('button', { name: 'Edit in composer' }).click();
    const urlInput = page.getByLabel('URL', { exact: true });
    await expect.poll(() => urlInput.inputValue()).toBe(`${serverUrl}/from-composer`);
    expect(app.errors).toEqual([]);
  });
});
