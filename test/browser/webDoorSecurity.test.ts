import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type AppSession } from './harness';

// The web door's defences in a real browser. The hostile page is served from 127.0.0.1 on another
// port: for cookies that is the SAME site, so the SameSite=Strict token cookie IS sent with its
// requests, and only the door's Origin checks stand between that page and the engine.
let app: AppSession;
let evil: http.Server;
let evilOrigin: string;

const evilPage = (door: string) => `<!doctype html><title>evil</title><script>
const door = ${JSON.stringify(door)};
const results = {};
function report(key, value) { results[key] = value; document.title = JSON.stringify(results); }
const ws = new WebSocket(door.replace('http', 'ws') + '/api/ws');
ws.onopen = () => { report('ws', 'open'); ws.send(JSON.stringify({ id: 1, command: 'catchers.create', params: { name: 'pwned' } })); };
ws.onerror = () => report('ws', 'error');
fetch(door + '/', { credentials: 'include' }).then(r => r.text()).then(t => report('read', t.slice(0, 40)), () => report('read', 'blocked'));
fetch(door + '/api/ws', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: '{}' })
  .then(() => report('post', 'sent'), () => report('post', 'failed'));
</script>`;

beforeAll(async () => {
  app = await openApp();
  evil = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(evilPage(app.server.origin));
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
  evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  if (evil) await new Promise((r) => evil.close(r));
});

describe('web door in Chromium', () => {
  it('trades the URL token for a cookie the page cannot read, and strips it from the address bar', async () => {
    expect(new URL(app.page.url()).searchParams.get('token')).toBeNull();
    const token = new URL(app.server.url).searchParams.get('token');
    const cookies = await app.context.cookies(app.server.origin);
    const cookie = cookies.find((c) => c.name.startsWith('switchboard-token-'));
    expect(cookie?.value).toBe(token);
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(await app.page.evaluate<string>('document.cookie')).not.toContain(token ?? '');
  });

  it('a hostile same-site page cannot open the WebSocket or read the UI, though the cookie rides along', async () => {
    const page = await app.context.newPage();
    try {
      await page.goto(evilOrigin);
      await expect
        .poll(async () => {
          try {
            const r = JSON.parse(await page.title()) as Record<string, string>;
            return Boolean(r.ws && r.read && r.post);
          } catch {
            return false;
          }
        }, { timeout: 10_000 })
        .toBe(true);
      const results = JSON.parse(await page.title()) as Record<string, string>;
      expect(results.ws).toBe('error');
      expect(results.read).toBe('blocked');
      // The door refuses the no-cors POST (403), and Cross-Origin-Resource-Policy keeps even the
      // opaque answer from the page.
      expect(results.post).toBe('failed');
    } finally {
      await page.close();
    }
    const catchers = await app.page.evaluate<string>('document.body.innerText');
    expect(catchers).not.toContain('pwned');
    expect(app.errors).toEqual([]);
  });
});
