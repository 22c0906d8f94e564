import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine';
import { startWebDoor, type WebDoor } from '../../src/main/serve/webDoor';
import { connectWs, fakeRendererDir, request } from './webDoor/helpers';

let engine: Engine;
let door: WebDoor;
let dataDir: string;
let rendererDir: string;
let port: number;
let host: string;
let cookie: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sb-door-sec-'));
  rendererDir = fakeRendererDir();
  // A file next to the renderer that path traversal must never reach.
  writeFileSync(path.join(rendererDir, '..', `${path.basename(rendererDir)}-secret.txt`), 'secret');
  engine = await createEngine({ dataDir, door: 'web' });
  door = await startWebDoor({ engine, port: 0, rendererDir });
  port = door.port;
  host = `127.0.0.1:${port}`;
  cookie = `switchboard-token-${port}=${door.token}`;
});

afterAll(async () => {
  await door?.close();
  await engine?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
  rmSync(`${rendererDir}-secret.txt`, { force: true });
});

describe('web door: token', () => {
  it('prints a loopback URL with a long random token', () => {
    expect(door.url).toBe(`http://127.0.0.1:${port}/?token=${door.token}`);
    expect(door.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(door.baseUrl).not.toContain(door.token);
  });

  it('refuses pages and API calls without a token (401)', async () => {
    for (const p of ['/', '/index.html', '/assets/app.js', '/api/captures/x/body', '/api/captures/export.har', '/anything']) {
      const res = await request(port, p);
      expect(res.status, p).toBe(401);
      expect(res.body.toString()).not.toContain('<script');
    }
    const api = await request(port, '/api/captures/x/body');
    expect(JSON.parse(api.body.toString())).toMatchObject({ error: { code: 'WEB_UNAUTHORIZED' } });
  });

  it('refuses a wrong token in the query, the Authorization header and the cookie', async () => {
    const wrong = `${door.token.slice(0, -1)}${door.token.endsWith('A') ? 'B' : 'A'}`;
    expect((await request(port, `/?token=${wrong}`)).status).toBe(401);
    expect((await request(port, '/', { headers: { Authorization: `Bearer ${wrong}` } })).status).toBe(401);
    expect((await request(port, '/', { headers: { Cookie: `switchboard-token-${port}=${wrong}` } })).status).toBe(401);
    // The right token under another door's cookie name is not ours either.
    expect((await request(port, '/', { headers: { Cookie: `switchboard-token-${port + 1}=${door.token}` } })).status).toBe(401);
    expect((await request(port, '/?token=')).status).toBe(401);
  });

  it('refuses a WebSocket upgrade without a token or with a wrong one (401)', async () => {
    const none = await connectWs(port, '/api/ws');
    expect(none).toMatchObject({ open: false, status: 401 });
    const wrong = await connectWs(port, '/api/ws?token=nope');
    expect(wrong).toMatchObject({ open: false, status: 401 });
    const wrongCookie = await connectWs(port, '/api/ws', { Cookie: `switchboard-token-${port}=nope`, Origin: `http://${host}` });
    expect(wrongCookie).toMatchObject({ open: false, status: 401 });
  });

  it('accepts the token in the Authorization header (scripts)', async () => {
    const res = await request(port, '/', { headers: { Authorization: `Bearer ${door.token}` } });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('<title>Switchboard</title>');
  });
});

describe('web door: cookie flow', () => {
  it('trades ?token= for an HttpOnly SameSite=Strict cookie and redirects to strip it', async () => {
    const res = await request(port, `/?token=${door.token}`, { headers: { 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' } });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const setCookie = res.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toContain(`switchboard-token-${port}=${door.token}`);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);

    const page = await request(port, '/', { headers: { Cookie: setCookie.split(';')[0] ?? '' } });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<title>Switchboard</title>');
  });

  it('keeps other query parameters and the path when stripping the token', async () => {
    const res = await request(port, `/webhooks?x=1&token=${door.token}&y=2`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/webhooks?x=1&y=2');
  });

  it('arriving from another site, answers with a same-site refresh instead of a redirect', async () => {
    const res = await request(port, `/?token=${door.token}`, { headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' } });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']?.[0]).toContain(`switchboard-token-${port}=`);
    const html = res.body.toString();
    expect(html).toContain('http-equiv="refresh"');
    expect(html).not.toContain(door.token);
  });

  it('opens the WebSocket with the cookie and our own Origin, but not with the cookie alone', async () => {
    const ok = await connectWs(port, '/api/ws', { Cookie: cookie, Origin: `http://${host}` });
    expect(ok.open).toBe(true);
    if (ok.open) ok.ws.close();
    const noOrigin = await connectWs(port, '/api/ws', { Cookie: cookie });
    expect(noOrigin).toMatchObject({ open: false, status: 403 });
  });
});

describe('web door: Host (DNS rebinding)', () => {
  it('refuses foreign Host headers even with the right token (403)', async () => {
    for (const h of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `localhost.evil.example:${port}`, `10.0.0.1:${port}`, `0.0.0.0:${port}`, 'a b', `localhost:${port}@evil.example`]) {
      const res = await request(port, `/?token=${door.token}`, { headers: { Host: h } });
      expect(res.status, h).toBe(403);
    }
    const res = await request(port, '/api/captures/x/body', { headers: { Host: `rebind.example:${port}`, Authorization: `Bearer ${door.token}` } });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'WEB_FORBIDDEN_HOST' } });
  });

  it('accepts loopback names: 127.0.0.1, localhost, [::1]', async () => {
    for (const h of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `127.0.0.2:${port}`]) {
      const res = await request(port, '/', { headers: { Host: h, Authorization: `Bearer ${door.token}` } });
      expect(res.status, h).toBe(200);
    }
  });

  it('refuses a WebSocket upgrade with a foreign Host (403)', async () => {
    const res = await connectWs(port, `/api/ws?token=${door.token}`, { Host: `evil.example:${port}` });
    expect(res).toMatchObject({ open: false, status: 403 });
  });
});

describe('web door: Origin and forged requests', () => {
  it('refuses a cross-origin GET even with the cookie (403)', async () => {
    for (const origin of ['http://evil.example', `http://localhost:${port + 1}`, `https://${host}`, 'null']) {
      const res = await request(port, '/', { headers: { Cookie: cookie, Origin: origin } });
      expect(res.status, origin).toBe(403);
    }
  });

  it('refuses a cross-origin WebSocket upgrade, even with the right token (403)', async () => {
    for (const origin of ['http://evil.example', `http://localhost:${port + 1}`, 'null']) {
      const res = await connectWs(port, `/api/ws?token=${door.token}`, { Origin: origin });
      expect(res, origin).toMatchObject({ open: false, status: 403 });
      const viaCookie = await connectWs(port, '/api/ws', { Cookie: cookie, Origin: origin });
      expect(viaCookie, origin).toMatchObject({ open: false, status: 403 });
    }
  });

  it('refuses what another site\'s page embeds or fetches (Fetch Metadata), even with the cookie', async () => {
    const foreign = [
      { site: 'same-site', mode: 'no-cors', dest: 'image', path: '/api/captures/x/body' },
      { site: 'cross-site', mode: 'no-cors', dest: 'script', path: '/assets/app.js' },
      { site: 'same-site', mode: 'cors', dest: 'empty', path: '/' },
      { site: 'cross-site', mode: 'navigate', dest: 'iframe', path: '/' },
      { site: 'cross-site', mode: 'navigate', dest: 'document', path: '/api/captures/export.har' },
    ];
    for (const f of foreign) {
      const res = await request(port, f.path, {
        headers: { Cookie: cookie, 'Sec-Fetch-Site': f.site, 'Sec-Fetch-Mode': f.mode, 'Sec-Fetch-Dest': f.dest },
      });
      expect(res.status, JSON.stringify(f)).toBe(403);
    }
    // A link from elsewhere may still open the page itself.
    const link = await request(port, '/', {
      headers: { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' },
    });
    expect(link.status).toBe(200);
    const own = await request(port, '/assets/app.js', {
      headers: { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'script' },
    });
    expect(own.status).toBe(200);
  });

  it('refuses non-GET requests from another origin or without one (403)', async () => {
    const foreign = await request(port, '/api/anything', {
      method: 'POST',
      headers: { Cookie: cookie, Origin: 'http://evil.example', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    const missing = await request(port, '/api/anything', { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(403);
    const del = await request(port, '/', { method: 'DELETE', headers: { Cookie: cookie } });
    expect(del.status).toBe(403);
  });

  it('refuses text/plain and form "simple" POSTs even from our own origin', async () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await request(port, '/api/ws', {
        method: 'POST',
        headers: { Cookie: cookie, Origin: `http://${host}`, 'Content-Type': type },
        body: '{"id":1,"command":"catchers.delete","params":{}}',
      });
      expect(res.status, type).toBe(415);
    }
  });

  it('never sends Access-Control-Allow-Origin, and answers a preflight with nothing that allows it', async () => {
    const pre = await request(port, '/api/ws', {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(pre.status).toBe(403);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const ok = await request(port, '/', { headers: { Cookie: cookie } });
    expect(ok.headers['access-control-allow-origin']).toBeUndefined();
    const denied = await request(port, '/');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('web door: response headers and static files', () => {
  it('sends a strict CSP and the hardening headers on pages, assets and refusals', async () => {
    for (const res of [await request(port, '/', { headers: { Cookie: cookie } }), await request(port, '/assets/app.js', { headers: { Cookie: cookie } }), await request(port, '/')]) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('serves assets with their type, falls back to the page for routes, 404s missing assets', async () => {
    const js = await request(port, '/assets/app.js', { headers: { Cookie: cookie } });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    const route = await request(port, '/webhooks/catcher/1', { headers: { Cookie: cookie } });
    expect(route.status).toBe(200);
    expect(route.body.toString()).toContain('<title>Switchboard</title>');
    const missing = await request(port, '/assets/missing.js', { headers: { Cookie: cookie } });
    expect(missing.status).toBe(404);
  });

  it('never serves files outside the renderer directory', async () => {
    const name = `${path.basename(rendererDir)}-secret.txt`;
    for (const p of [`/../${name}`, `/%2e%2e/${name}`, `/assets/..%2f..%2f${name}`, `/..%5c${name}`, '/%00', '/%E0%A4%A']) {
      const res = await request(port, p, { headers: { Cookie: cookie } });
      expect(res.body.toString(), p).not.toContain('secret');
    }
  });
});
