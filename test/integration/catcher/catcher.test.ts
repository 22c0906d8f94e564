import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine';
import type { EngineEvent } from '../../../src/shared/contract';
import type { Capture, CatcherState } from '../../../src/shared/model/catcher';
import { curl, engineAt, request, tmpDir } from './helpers';

let dir: string;
let engine: Engine;
let events: EngineEvent[];
let catcher: CatcherState;
let base: string;

async function body(id: string): Promise<Buffer> {
  const r = await engine.invoke('captures.body', { id });
  return Buffer.from(r.base64, 'base64');
}

async function last(): Promise<Capture> {
  const { items } = await engine.invoke('captures.list', { catcherId: catcher.id, newest: true, limit: 1 });
  return engine.invoke('captures.get', { id: items[0]!.id });
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  dir = tmpDir();
  ({ engine, events } = await engineAt(dir));
  catcher = await engine.invoke('catchers.create', { name: 'main', port: 0 });
  base = catcher.url!;
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('catcher with real clients', () => {
  it('starts on a free port and reports its URL', () => {
    expect(catcher.status).toBe('running');
    expect(catcher.boundPort).toBeGreaterThan(0);
    expect(base).toBe(`http://127.0.0.1:${catcher.boundPort}`);
  });

  it('captures a node:http POST with ordered raw headers, remote address and X-Forwarded-For', async () => {
    const payload = Buffer.from('{"hello":"world"}');
    const res = await request(`${base}/hooks/a?x=1&y=%20z`, {
      method: 'POST',
      headers: ['Content-Type', 'application/json', 'X-Dup', 'one', 'x-dup', 'Two', 'X-Forwarded-For', '203.0.113.7, 10.0.0.1', 'Content-Length', String(payload.length)],
      body: payload,
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('{"ok":true}');
    const c = await last();
    expect(c.method).toBe('POST');
    expect(c.url).toBe('/hooks/a?x=1&y=%20z');
    expect(c.httpVersion).toBe('1.1');
    expect(c.headers.filter(([k]) => k.toLowerCase() === 'x-dup')).toEqual([['X-Dup', 'one'], ['x-dup', 'Two']]);
    expect(c.headers.findIndex(([k]) => k === 'Content-Type')).toBeLessThan(c.headers.findIndex(([k]) => k === 'X-Dup'));
    expect(c.forwardedFor).toBe('203.0.113.7');
    expect(c.remoteAddress).toMatch(/127\.0\.0\.1/);
    expect(c.remotePort).toBeGreaterThan(0);
    expect(c.declaredLength).toBe(payload.length);
    expect(c.contentType).toBe('application/json');
    expect(c.responseStatus).toBe(200);
    expect(c.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((await body(c.id)).equals(payload)).toBe(true);
    const summary = events.find((e) => e.type === 'capture.new' && e.capture.id === c.id);
    expect(summary).toBeTruthy();
  });

  it('keeps a chunked body and a gzip body exactly as sent', async () => {
    const parts = [Buffer.from('part-one|'), Buffer.from('part-two|'), randomBytes(3000)];
    await request(`${base}/chunked`, { method: 'PUT', body: parts });
    const c1 = await last();
    expect(c1.headers.find(([k]) => k.toLowerCase() === 'transfer-encoding')?.[1]).toBe('chunked');
    expect(c1.declaredLength).toBeNull();
    expect((await body(c1.id)).equals(Buffer.concat(parts))).toBe(true);

    const gz = zlib.gzipSync(Buffer.from('{"zipped":true}'));
    await request(`${base}/gz`, { method: 'POST', headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' }, body: gz });
    const c2 = await last();
    expect((await body(c2.id)).equals(gz)).toBe(true);
  });

  it('captures fetch requests', async () => {
    const res = await fetch(`${base}/fetch?q=1`, { method: 'PATCH', body: 'patched', headers: { 'X-From': 'fetch' } });
    expect(res.status).toBe(200);
    const c = await last();
    expect(c.method).toBe('PATCH');
    expect(c.headers.find(([k]) => k.toLowerCase() === 'x-from')?.[1]).toBe('fetch');
    expect((await body(c.id)).toString()).toBe('patched');
  });

  it('captures curl: JSON, form, multipart -F, binary file by hash, empty, chunked', async () => {
    const json = '{"a":[1,2,3],"b":"ü"}';
    const r = await curl(['-o', '/dev/null', '-w', '%{http_code}', '-H', 'Content-Type: application/json', '--data', json, `${base}/json`]);
    expect(r.stdout).toBe('200');
    let c = await last();
    expect(c.method).toBe('POST');
    expect((await body(c.id)).toString('utf8')).toBe(json);

    expect((await curl(['-o', '/dev/null', '--data-urlencode', 'name=a b&c', '--data', 'x=1', `${base}/form`])).code).toBe(0);
    c = await last();
    expect(c.contentType).toBe('application/x-www-form-urlencoded');
    expect([...new URLSearchParams((await body(c.id)).toString())]).toEqual([['name', 'a b&c'], ['x', '1']]);

    const file = path.join(dir, 'random.bin');
    const bytes = randomBytes(256 * 1024 + 17);
    fs.writeFileSync(file, bytes);
    expect((await curl(['-o', '/dev/null', '-F', 'field=value', '-F', `upload=@${file};type=application/octet-stream`, `${base}/multipart`])).code).toBe(0);
    c = await last();
    expect(c.contentType).toMatch(/^multipart\/form-data; boundary=/);
    const mp = await body(c.id);
    expect(mp.includes(bytes)).toBe(true);
    expect(mp.toString('latin1')).toContain('name="field"');

    expect((await curl(['-o', '/dev/null', '-H', 'Content-Type: application/octet-stream', '--data-binary', `@${file}`, `${base}/binary`])).code).toBe(0);
    c = await last();
    expect(c.bodySize).toBe(bytes.length);
    expect(sha(await body(c.id))).toBe(sha(bytes));

    expect((await curl(['-o', '/dev/null', '-X', 'POST', '-H', 'Content-Length: 0', `${base}/empty`])).code).toBe(0);
    c = await last();
    expect(c.bodySize).toBe(0);
    expect(c.declaredLength).toBe(0);

    expect((await curl(['-o', '/dev/null', '-H', 'Transfer-Encoding: chunked', '--data-binary', `@${file}`, `${base}/curl-chunked`])).code).toBe(0);
    c = await last();
    expect(sha(await body(c.id))).toBe(sha(bytes));
  });

  it('captures HEAD, OPTIONS and custom methods', async () => {
    expect((await curl(['-I', '-o', '/dev/null', '-w', '%{http_code}', `${base}/head`])).stdout).toBe('200');
    expect((await last()).method).toBe('HEAD');
    expect((await curl(['-X', 'OPTIONS', '-o', '/dev/null', '-w', '%{http_code}', `${base}/opts`])).code).toBe(0);
    expect((await last()).method).toBe('OPTIONS');
    expect((await curl(['-X', 'PURGE', '-o', '/dev/null', '-w', '%{http_code}', `${base}/cache`])).stdout).toBe('200');
    expect((await last()).method).toBe('PURGE');
    await request(`${base}/x`, { method: 'PROPFIND' });
    expect((await last()).method).toBe('PROPFIND');
  });

  it('captures 1,000 concurrent requests exactly once each', async () => {
    const before = (await engine.invoke('captures.list', { catcherId: catcher.id, limit: 1 })).total;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        request(`${base}/burst/${i}`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: Buffer.from(`n=${i}`), agent }),
      ),
    );
    agent.destroy();
    expect(results.every((r) => r.status === 200)).toBe(true);
    const { items, total } = await engine.invoke('captures.list', { catcherId: catcher.id, text: '/burst/', limit: 10_000 });
    expect(total - 0).toBe(1000);
    expect(new Set(items.map((i) => i.url)).size).toBe(1000);
    expect((await engine.invoke('captures.list', { catcherId: catcher.id, limit: 1 })).total).toBe(before + 1000);
  });

  it('answers 413 over the cap and keeps the first bytes, marked truncated', async () => {
    const small = await engine.invoke('catchers.create', { name: 'small', bodyLimit: 1000 });
    const big = randomBytes(50_000);
    const res = await request(`${small.url}/big`, { method: 'POST', headers: { 'Content-Length': String(big.length) }, body: big });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body.toString()).message).toMatch(/limit of 1000 bytes/);
    const { items } = await engine.invoke('captures.list', { catcherId: small.id, limit: 5 });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ bodyTruncated: true, bodySize: 1000, responseStatus: 413 });
    expect((await body(items[0]!.id)).equals(big.subarray(0, 1000))).toBe(true);
    const full = await engine.invoke('captures.get', { id: items[0]!.id });
    expect(full.declaredLength).toBe(50_000);
    // curl sees the 413 too.
    const file = path.join(dir, 'big.bin');
    fs.writeFileSync(file, big);
    const r = await curl(['-o', '/dev/null', '-w', '%{http_code}', '--data-binary', `@${file}`, `${small.url}/curl-big`]);
    expect(r.stdout).toBe('413');
    // A cap past the size from which the body's checksum is taken as it arrives: the checksum
    // covers the bytes kept, not the ones drained (reading the body back checks it).
    const mid = await engine.invoke('catchers.create', { name: 'mid', bodyLimit: 20_000 });
    const cut = await request(`${mid.url}/big`, { method: 'POST', headers: { 'Content-Length': String(big.length) }, body: big });
    expect(cut.status).toBe(413);
    const [kept] = (await engine.invoke('captures.list', { catcherId: mid.id, limit: 5 })).items;
    expect(kept).toMatchObject({ bodyTruncated: true, bodySize: 20_000 });
    expect((await body(kept!.id)).equals(big.subarray(0, 20_000))).toBe(true);
  });

  it('answers with the configured response, delay and CORS preflights', async () => {
    const c = await engine.invoke('catchers.create', {
      name: 'custom',
      cors: true,
      response: { status: 201, headers: [['X-Custom', 'Yes'], ['Content-Type', 'text/plain']], body: 'created', delayMs: 150 },
    });
    const t = Date.now();
    const res = await request(`${c.url}/p`, { method: 'POST', headers: { Origin: 'https://app.example' }, body: Buffer.from('x') });
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(201);
    expect(res.headers['x-custom']).toBe('Yes');
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(res.body.toString()).toBe('created');
    const pre = await request(`${c.url}/p`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'x-token' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-methods']).toBe('PUT');
    expect(pre.headers['access-control-allow-headers']).toBe('x-token');
    const { items } = await engine.invoke('captures.list', { catcherId: c.id, limit: 5 });
    expect(items.map((i) => [i.method, i.responseStatus])).toEqual([['POST', 201], ['OPTIONS', 204]]);

    const updated = await engine.invoke('catchers.update', { id: c.id, settings: { response: { status: 418, headers: [], body: '', delayMs: 0 } } });
    expect(updated.boundPort).toBe(c.boundPort);
    expect((await request(`${c.url}/tea`)).status).toBe(418);
  });

  it('refuses a taken port with CATCHER_PORT_IN_USE and creates nothing', async () => {
    const before = (await engine.invoke('catchers.list', {})).length;
    await expect(engine.invoke('catchers.create', { name: 'clash', port: catcher.boundPort! })).rejects.toMatchObject({ code: 'CATCHER_PORT_IN_USE' });
    expect((await engine.invoke('catchers.list', {})).length).toBe(before);
  });

  it('stops and starts, and filters by method and text', async () => {
    const stopped = await engine.invoke('catchers.stop', { id: catcher.id });
    expect(stopped.status).toBe('stopped');
    await expect(request(`${base}/closed`)).rejects.toThrow();
    const started = await engine.invoke('catchers.start', { id: catcher.id });
    expect(started.url).toBe(base);
    await request(`${base}/after-restart`, { method: 'DELETE', headers: { 'Content-Length': '14' }, body: Buffer.from('needle-in-body') });
    const byMethod = await engine.invoke('captures.list', { methods: ['delete'], limit: 10 });
    expect(byMethod.items.map((i) => i.url)).toEqual(['/after-restart']);
    const byText = await engine.invoke('captures.list', { text: 'NEEDLE-in', limit: 10 });
    expect(byText.items.map((i) => i.url)).toEqual(['/after-restart']);
  });

  it('exports HAR 1.2 that har-validator accepts', async () => {
    const { har, count } = await engine.invoke('captures.exportHar', { catcherId: catcher.id });
    expect(count).toBeGreaterThan(1000);
    const validator = await import('har-validator');
    // Resolves with the log when valid, rejects with the schema errors otherwise.
    await expect(validator.har(JSON.parse(har))).resolves.toMatchObject({ log: { version: '1.2' } });
    const parsed = JSON.parse(har) as { log: { entries: Array<{ request: { method: string; url: string; postData?: { text: string; _encoding?: string } } }> } };
    const bin = parsed.log.entries.find((e) => e.request.url.endsWith('/binary'));
    expect(bin?.request.postData?._encoding).toBe('base64');
  });

  it('reports engine.info', async () => {
    const info = await engine.invoke('engine.info', {});
    expect(info.captureCount).toBeGreaterThan(1000);
    expect(info.storeError).toBeNull();
    expect(info.dataDir).toBe(dir);
  });

  it('answers 431 for oversized headers and 408 for slow headers', async () => {
    const d = tmpDir();
    const { engine: e2 } = await engineAt(d, { maxHeaderSize: 2048, headersTimeoutMs: 300, requestTimeoutMs: 600 });
    try {
      const c = await e2.invoke('catchers.create', { name: 'limits' });
      const r = await request(`${c.url}/h`, { headers: { 'X-Big': 'a'.repeat(5000) } });
      expect(r.status).toBe(431);
      expect(r.body.toString()).toMatch(/2048 bytes/);
      const raw = await new Promise<string>((resolve) => {
        const s = net.connect(c.boundPort!, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: x\r\n'));
        let out = '';
        s.on('data', (d) => (out += d.toString()));
        s.on('close', () => resolve(out));
        s.on('error', () => resolve(out));
      });
      expect(raw).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await e2.close();
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
