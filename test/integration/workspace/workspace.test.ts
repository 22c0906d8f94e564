import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { har as harValidate } from 'har-validator';
import { WorkspaceCookieJar } from '../../../src/engine/workspace/cookieJar';
import { Collection as PmCollection } from 'postman-collection';
import { createEngine, type Engine } from '../../../src/engine';
import type { EngineEvent } from '../../../src/shared/contract';
import { makeSpec } from '../../../src/shared/formats/specHelpers';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let server: Server;
let base = '';
const seen: Seen[] = [];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/login') {
        res.setHeader('Set-Cookie', ['session=abc123; Path=/; HttpOnly', 'pref=dark; Path=/settings; Max-Age=3600']);
        res.end('{"ok":true}');
        return;
      }
      if (req.url?.startsWith('/missing')) {
        res.statusCode = 404;
        res.end('nope');
        return;
      }
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ path: req.url, note: 'needle-in-body' }));
    });
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function setup(env: Record<string, string> = {}): Promise<{ engine: Engine; dir: string; dataDir: string; events: EngineEvent[] }> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sb-ws-'));
  const dataDir = path.join(root, 'data');
  const dir = path.join(root, 'workspace');
  Object.assign(process.env, env);
  const engine = await createEngine({ dataDir });
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  cleanup.push(async () => {
    await engine.close();
    for (const k of Object.keys(env)) delete process.env[k];
    rmSync(root, { recursive: true, force: true });
  });
  return { engine, dir, dataDir, events };
}

async function waitFor<T>(fn: () => T | undefined | null | false, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('workspace service', () => {
  it('saves requests as readable files, resolves variables by precedence and keeps secrets out of files', async () => {
    const { engine, dir } = await setup({ SWITCHBOARD_VAR_API_TOKEN: 'from-env' });
    await engine.invoke('workspace.open', { dir, create: true });
    await engine.invoke('workspace.collection.create', { name: 'My API' });
    await engine.invoke('workspace.globals.save', { variables: [{ name: 'base', value: 'http://global.invalid' }, { name: 'who', value: 'global' }] });
    await engine.invoke('workspace.collection.update', { collection: 'my-api', variables: [{ name: 'who', value: 'collection' }, { name: 'api_token', value: '', secret: true }] });
    await engine.invoke('workspace.environment.save', { name: 'Local', variables: [{ name: 'base', value: base }, { name: 'pw', value: 'hunter2', secret: true }] });
    let info = await engine.invoke('workspace.environment.activate', { name: 'Local' });
    expect(info.activeEnvironment).toBe('Local');
    expect(info.secretStorage).toBe('plain-file');
    expect(info.secretWarning).toMatch(/unencrypted/);

    const spec = makeSpec({
      method: 'POST',
      url: '{{base}}/echo?who={{who}}',
      headers: [{ name: 'X-Token', value: '{{api_token}}', enabled: true }],
      body: { kind: 'json', text: '{"pw":"{{pw}}","x":"{{nope}}"}' },
    });
    const saved = await engine.invoke('workspace.request.save', { collection: 'my-api', name: 'Echo it', spec });
    expect(saved.path).toBe('my-api/echo-it.request.json');
    const onDisk = readFileSync(path.join(dir, saved.path), 'utf8');
    expect(JSON.parse(onDisk)).toMatchObject({ name: 'Echo it', method: 'POST', url: '{{base}}/echo?who={{who}}' });
    // Secret values are nowhere in the workspace folder.
    const allText = (d: string): string =>
      readdirSync(d, { withFileTypes: true })
        .map((e) => (e.isDirectory() ? allText(path.join(d, e.name)) : readFileSync(path.join(d, e.name), 'utf8')))
        .join('\n');
    expect(allText(dir)).not.toContain('hunter2');

    const vars = await engine.invoke('workspace.variables', { collection: 'my-api', spec });
    expect(vars.unresolved).toEqual(['nope']);
    expect(vars.variables.find((v) => v.name === 'who')).toMatchObject({ scope: 'collection', overrides: ['global'] });
    expect(vars.variables.find((v) => v.name === 'pw')).toMatchObject({ secret: true, value: null });

    const res = await engine.invoke('workspace.send', { spec, collection: 'my-api' });
    expect(res.status).toBe(200);
    const last = seen.at(-1);
    expect(last?.url).toBe('/echo?who=collection');
    expect(last?.headers['x-token']).toBe('from-env');
    expect(last?.body).toBe('{"pw":"hunter2","x":"{{nope}}"}');

    // Saving the same request again gives the same bytes (stable diffs).
    await engine.invoke('workspace.request.save', { path: saved.path, name: 'Echo it', spec });
    expect(readFileSync(path.join(dir, saved.path), 'utf8')).toBe(onDisk);

    info = (await engine.invoke('workspace.get', {}))!;
    expect(info.collections[0]?.children).toEqual([{ kind: 'request', name: 'Echo it', path: saved.path, method: 'POST', url: '{{base}}/echo?who={{who}}' }]);
    expect(info.environments[0]?.variables.find((v) => v.name === 'pw')).toMatchObject({ secret: true, value: '', hasValue: true });
  });

  it('picks up changes made outside the app (git pull) through the watcher', async () => {
    const { engine, dir, events } = await setup();
    await engine.invoke('workspace.open', { dir, create: true });
    await engine.invoke('workspace.collection.create', { name: 'C' });
    events.length = 0;
    writeFileSync(path.join(dir, 'c', 'pulled.request.json'), JSON.stringify({ name: 'Pulled', method: 'DELETE', url: 'http://x/y' }));
    mkdirSync(path.join(dir, 'environments'), { recursive: true });
    writeFileSync(path.join(dir, 'environments', 'staging.env.json'), JSON.stringify({ name: 'Staging', variables: [{ name: 'a', value: '1' }] }));
    await waitFor(() => events.find((e) => e.type === 'workspace.changed' && e.external), 'an external change event');
    const got = (await engine.invoke('workspace.get', {}))!;
    expect(got.collections[0]?.children.map((c) => c.name)).toContain('Pulled');
    expect(got.environments.map((e) => e.name)).toEqual(['Staging']);
    // Our own saves are not reported as external changes.
    events.length = 0;
    await engine.invoke('workspace.request.save', { collection: 'c', name: 'Mine', spec: makeSpec({ method: 'GET', url: 'http://x/m' }) });
    await new Promise((r) => setTimeout(r, 600));
    expect(events.filter((e) => e.type === 'workspace.changed').map((e) => (e.type === 'workspace.changed' ? e.external : null))).toEqual([false]);
    // A file deleted outside disappears from the tree.
    rmSync(path.join(dir, 'c', 'pulled.request.json'));
    await waitFor(() => events.find((e) => e.type === 'workspace.changed' && e.external), 'the deletion');
    expect((await engine.invoke('workspace.get', {}))!.collections[0]?.children.map((c) => c.name)).toEqual(['Mine']);
  });

  it('keeps a cookie jar per workspace (RFC 6265 path rules), editable and persisted', async () => {
    const { engine, dir, dataDir } = await setup();
    await engine.invoke('workspace.open', { dir, create: true });
    await engine.invoke('workspace.send', { spec: makeSpec({ method: 'GET', url: `${base}/login` }) });
    const cookies = await engine.invoke('cookies.list', {});
    expect(cookies.map((c) => [c.key, c.path, c.httpOnly])).toEqual([
      ['session', '/', true],
      ['pref', '/settings', false],
    ]);
    await engine.invoke('workspace.send', { spec: makeSpec({ method: 'GET', url: `${base}/profile` }) });
    expect(seen.at(-1)?.headers.cookie).toBe('session=abc123');
    await engine.invoke('workspace.send', { spec: makeSpec({ method: 'GET', url: `${base}/settings/x` }) });
    expect(seen.at(-1)?.headers.cookie).toBe('pref=dark; session=abc123');
    await engine.invoke('cookies.set', { key: 'manual', value: 'v1', domain: '127.0.0.1', path: '/' });
    expect((await engine.invoke('cookies.list', {})).find((c) => c.key === 'manual')).toMatchObject({ expires: null, hostOnly: true, domain: '127.0.0.1' });
    expect((await engine.invoke('cookies.list', {})).find((c) => c.key === 'pref')?.expires).toMatch(/^\d{4}-/);
    await engine.invoke('cookies.delete', { domain: '127.0.0.1', path: '/', key: 'session' });
    await engine.invoke('workspace.send', { spec: makeSpec({ method: 'GET', url: `${base}/profile` }) });
    expect(seen.at(-1)?.headers.cookie).toBe('manual=v1');
    // Loopback counts as a secure context (as in browsers), so a Secure cookie goes there over http.
    await engine.invoke('cookies.set', { key: 'sec', value: 's', domain: '127.0.0.1', path: '/', secure: true });
    await engine.invoke('workspace.send', { spec: makeSpec({ method: 'GET', url: `${base}/profile` }) });
    expect(seen.at(-1)?.headers.cookie).toBe('manual=v1; sec=s');
    await engine.close();
    // Reopened: same jar from disk.
    const again = await createEngine({ dataDir });
    cleanup.push(() => again.close());
    expect((await again.invoke('workspace.get', {}))?.dir).toBe(dir);
    expect((await again.invoke('cookies.list', {})).map((c) => c.key).sort()).toEqual(['manual', 'pref', 'sec']);
    expect((await again.invoke('cookies.clear', {})).removed).toBe(3);
  });

  it('applies RFC 6265 domain, Secure and expiry rules in the jar', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sb-jar-'));
    cleanup.push(() => rmSync(root, { recursive: true, force: true }));
    const jar = new WorkspaceCookieJar(path.join(root, 'jar.json'), () => undefined);
    await jar.store('https://api.example.com/a/b', [
      'host=1; Path=/',
      'dom=2; Domain=example.com; Path=/',
      'sec=3; Secure; Path=/',
      'old=4; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      'evil=5; Domain=com; Path=/',
      'other=6; Domain=other.org; Path=/',
    ]);
    expect(await jar.cookieHeader('https://api.example.com/')).toBe('host=1; dom=2; sec=3');
    expect(await jar.cookieHeader('http://api.example.com/')).toBe('host=1; dom=2');
    expect(await jar.cookieHeader('https://www.example.com/')).toBe('dom=2');
    expect(await jar.cookieHeader('https://other.org/')).toBeNull();
    await jar.flush();
    const again = new WorkspaceCookieJar(path.join(root, 'jar.json'), () => undefined);
    expect((await again.list()).map((c) => `${c.key}@${c.domain}${c.hostOnly ? ' host-only' : ''}`)).toEqual(['host@api.example.com host-only', 'sec@api.example.com host-only', 'dom@example.com']);
    // The reloaded jar knows which domains hold cookies (it answers without tough-cookie otherwise).
    expect(await again.cookieHeader('https://api.example.com/')).toBe('host=1; dom=2; sec=3');
    expect(await again.cookieHeader('https://deep.www.example.com/')).toBe('dom=2');
    expect(await again.cookieHeader('https://example.org/')).toBeNull();
    await again.clear('example.com');
    expect(await again.cookieHeader('https://api.example.com/')).toBeNull();
    await again.set({ key: 'ip', value: '7', domain: '127.0.0.1', path: '/', expires: null, secure: false, httpOnly: false, sameSite: null });
    expect(await again.cookieHeader('http://127.0.0.1:8080/x')).toBe('ip=7');
    expect(await again.cookieHeader('http://127.0.0.2/')).toBeNull();
  });

  it('keeps history with responses: search by URL, method, status and body, resend, HAR export, clear', async () => {
    const { engine, dir } = await setup();
    await engine.invoke('workspace.open', { dir, create: true });
    await engine.invoke('http.send', { spec: makeSpec({ method: 'GET', url: `${base}/alpha` }) });
    await engine.invoke('workspace.send', { spec: makeSpec({ method: 'PUT', url: `${base}/beta`, body: { kind: 'text', text: 'hello' } }) });
    await engine.invoke('workspace.send', { spec: makeSpec({ method: 'GET', url: `${base}/missing` }) });
    await engine.invoke('workspace.send', { spec: makeSpec({ method: 'GET', url: 'http://127.0.0.1:1/refused' }) }).catch(() => undefined);
    let items = (await engine.invoke('history.list', {})).items;
    for (let i = 0; i < 100 && items.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 20));
      items = (await engine.invoke('history.list', {})).items;
    }
    expect(items.map((i) => `${i.method} ${new URL(i.url).pathname} ${i.status ?? i.errorCode}`)).toEqual([
      'GET /refused HTTP_CONNECTION_REFUSED',
      'GET /missing 404',
      'PUT /beta 200',
      'GET /alpha 200',
    ]);
    expect(items[0]?.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await engine.invoke('history.list', { method: 'put' })).items).toHaveLength(1);
    expect((await engine.invoke('history.list', { status: '4xx' })).items.map((i) => i.status)).toEqual([404]);
    expect((await engine.invoke('history.list', { text: 'needle-in-body' })).total).toBe(2);
    expect((await engine.invoke('history.list', { text: '/alpha' })).total).toBe(1);
    const alpha = items[3]!;
    const entry = await engine.invoke('history.get', { id: alpha.id });
    expect(entry.response?.status).toBe(200);
    const body = await engine.invoke('history.body', { id: alpha.id });
    expect(Buffer.from(body.base64, 'base64').toString()).toBe('{"path":"/alpha","note":"needle-in-body"}');
    const before = seen.length;
    const again = await engine.invoke('history.resend', { id: alpha.id });
    expect(again.status).toBe(200);
    expect(seen.length).toBe(before + 1);
    const { har, count } = await engine.invoke('history.exportHar', {});
    expect(count).toBeGreaterThanOrEqual(4);
    const parsed = JSON.parse(har) as { log: { entries: Array<{ request: { method: string; postData?: { text?: string } }; response: { content: { text?: string } } }> } };
    await expect(harValidate(parsed)).resolves.toBeTruthy();
    const put = parsed.log.entries.find((e) => e.request.method === 'PUT');
    expect(put?.request.postData?.text).toBe('hello');
    expect(parsed.log.entries[0]?.response.content.text).toContain('needle-in-body');
    expect((await engine.invoke('history.clear', {})).removed).toBeGreaterThanOrEqual(5);
    expect((await engine.invoke('history.list', {})).total).toBe(0);
  });

  it('evicts the oldest history entries past the size limit', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sb-hist-'));
    const { createWorkspaceService } = await import('../../../src/engine/workspace/service');
    const { createHttpService } = await import('../../../src/engine/http/service');
    const ctx = { dataDir: root, limits: (await import('../../../src/engine/service')).DEFAULT_LIMITS, door: 'test' as const, emit: () => undefined };
    const http = await createHttpService(ctx);
    const ws = await createWorkspaceService(ctx, { http: http.api, historyLimits: { maxBytes: 6000 }, reopen: false });
    cleanup.push(async () => {
      await ws.close();
      await http.close();
      rmSync(root, { recursive: true, force: true });
    });
    for (let i = 0; i < 8; i++) await http.api.send(makeSpec({ method: 'GET', url: `${base}/n${i}` }));
    let r = await ws.handlers['history.list']!({ limit: 100 });
    for (let i = 0; i < 100 && !r.items.some((x) => x.url.endsWith('/n7')); i++) {
      await new Promise((res) => setTimeout(res, 20));
      r = await ws.handlers['history.list']!({ limit: 100 });
    }
    expect(r.bytes).toBeLessThanOrEqual(6000);
    expect(r.items.length).toBeLessThan(8);
    expect(r.items[0]?.url).toMatch(/\/n7$/);
  });

  it('imports into the workspace, exports the collection as Postman v2.1 and snippets for a request', async () => {
    const { engine, dir } = await setup();
    await engine.invoke('workspace.open', { dir, create: true });
    const preview = await engine.invoke('import.preview', { text: `curl -X POST ${base}/things -H 'Content-Type: application/json' -d '{"a":1}' -s` });
    expect(preview).toMatchObject({ format: 'curl', requests: 1 });
    expect(preview.skipped.map((s) => s.where)).toEqual(['--silent']);
    const run = await engine.invoke('import.run', { text: `curl -X POST ${base}/things -H 'Content-Type: application/json' -d '{"a":1}'`, name: 'Things' });
    expect(run.collection).toBe('things');
    const pm = await engine.invoke('export.collection', { collection: 'things' });
    const sdk = new PmCollection(JSON.parse(pm.text) as ConstructorParameters<typeof PmCollection>[0]);
    const names: string[] = [];
    sdk.forEachItem((i) => {
      names.push(`${i.request.method} ${i.request.url.toString()} ${i.request.body?.raw ?? ''}`);
    });
    expect(names).toEqual([`POST ${base}/things {"a":1}`]);
    const spec = makeSpec({ method: 'POST', url: `${base}/x`, body: { kind: 'json', text: '{"a":1}' }, auth: { kind: 'bearer', token: 't0k' } });
    for (const target of ['shell:curl', 'javascript:fetch', 'node:fetch', 'python:requests', 'go:native'] as const) {
      const s = await engine.invoke('export.request', { spec, target });
      expect(s.text).toContain('/x');
      expect(s.text).toContain('Bearer t0k');
    }
    expect((await engine.invoke('export.request', { spec, target: 'python:requests' })).text).toContain('requests.post');
  });
});
