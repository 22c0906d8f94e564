import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import busboy from 'busboy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../src/engine';
import type { RequestSpecInput, ResponseRecord, Timings } from '../../../src/shared/model/http';
import type { EngineEvent } from '../../../src/shared/contract';
import { echo, header, readBody, startHttp, type Echoed, type Started } from './servers';

let engine: Engine;
let dataDir: string;
const servers: Array<Started<http.Server>> = [];
const events: EngineEvent[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sb-sender-'));
  engine = await createEngine({ dataDir });
  engine.on((e) => events.push(e));
});
afterAll(async () => {
  await engine.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function server(handler: http.RequestListener): Promise<Started<http.Server>> {
  const s = await startHttp(handler);
  servers.push(s);
  return s;
}

function send(spec: RequestSpecInput, extra: { variables?: Record<string, string>; requestId?: string } = {}): Promise<ResponseRecord> {
  return engine.invoke('http.send', { spec, ...extra });
}

async function body(r: ResponseRecord, decoded = true): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const part = await engine.invoke('http.responseBody', { id: r.id, offset, length: 256 * 1024, decoded });
    const buf = Buffer.from(part.base64, 'base64');
    chunks.push(buf);
    offset += buf.length;
    if (offset >= part.total || buf.length === 0) break;
  }
  return Buffer.concat(chunks);
}

async function echoed(r: ResponseRecord): Promise<Echoed> {
  return JSON.parse((await body(r)).toString('utf8')) as Echoed;
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; detail?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected the send to fail');
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function expectConsistent(t: Timings): void {
  const phases = [t.socketWait, t.dns, t.tcp, t.tls, t.send, t.ttfb, t.download];
  for (const p of phases) expect(p).toBeGreaterThanOrEqual(0);
  const sum = phases.reduce((a, b) => a + b, 0);
  expect(Math.abs(sum - t.total)).toBeLessThan(0.05);
  expect(t.total).toBeGreaterThan(0);
}

describe('request composition', () => {
  it('sends method, headers in order and case, and a JSON body; answers with raw headers and timings', async () => {
    const s = await server((req, res) => {
      void readBody(req).then((b) => {
        res.writeHead(201, 'Made It', [['X-Lower', 'a'], ['x-UPPER', 'b'], ['Set-Cookie', 'sid=abc; Path=/; HttpOnly'], ['Set-Cookie', 'theme=dark; Max-Age=60']]);
        res.end(JSON.stringify({ method: req.method, headers: req.rawHeaders, body: b.toString('base64'), url: req.url }));
      });
    });
    const r = await send({
      method: 'POST',
      url: `${s.url}/items?x=1`,
      headers: [
        { name: 'X-Trace', value: 'one', enabled: true },
        { name: 'x-disabled', value: 'no', enabled: false },
        { name: 'x-TRACE', value: 'two', enabled: true },
      ],
      body: { kind: 'json', text: '{"hello":"world"}' },
    });
    expect(r.status).toBe(201);
    expect(r.statusText).toBe('Made It');
    expect(r.headers.slice(0, 2)).toEqual([['X-Lower', 'a'], ['x-UPPER', 'b']]);
    expect(r.cookies).toEqual([
      { name: 'sid', value: 'abc', path: '/', httpOnly: true },
      { name: 'theme', value: 'dark', maxAge: 60 },
    ]);
    const e = await echoed(r);
    expect(e.method).toBe('POST');
    expect(e.url).toBe('/items?x=1');
    const names = e.headers.filter((_, i) => i % 2 === 0);
    expect(names).toContain('X-Trace');
    expect(names).toContain('x-TRACE');
    expect(names).not.toContain('x-disabled');
    expect(names.indexOf('X-Trace')).toBeLessThan(names.indexOf('x-TRACE'));
    expect(header(e, 'content-type')).toBe('application/json');
    expect(Buffer.from(e.body, 'base64').toString()).toBe('{"hello":"world"}');
    expect(r.request.headers.find(([n]) => n === 'Content-Length')?.[1]).toBe('17');
    expect(r.tlsVerified).toBe(true);
    expect(r.tls).toBeNull();
    expect(r.remoteAddress).toBe('127.0.0.1');
    expectConsistent(r.timings);
    expect(r.timings.tcp).toBeGreaterThan(0);
  });

  it('reuses the keep-alive socket: the second send has no connect phases', async () => {
    let connections = 0;
    const s = await server(echo);
    s.server.on('connection', () => connections++);
    await send({ method: 'GET', url: `${s.url}/a` });
    const r = await send({ method: 'GET', url: `${s.url}/b` });
    expect(connections).toBe(1);
    expect(r.timings.dns).toBe(0);
    expect(r.timings.tcp).toBe(0);
    expectConsistent(r.timings);
  });

  it('sends custom and lower-case methods, defaults the scheme and substitutes {{variables}}', async () => {
    const s = await server(echo);
    const r = await send(
      {
        method: 'purge',
        url: `127.0.0.1:{{port}}/{{path}}?q={{missing}}`,
        headers: [{ name: 'X-{{h}}', value: '{{ value }}', enabled: true }],
        body: { kind: 'text', text: 'id={{$guid}}' },
      },
      { variables: { port: String(s.port), path: 'cache', h: 'Key', value: 'v1' } },
    );
    const e = await echoed(r);
    expect(e.method).toBe('PURGE');
    expect(e.url).toBe('/cache?q={{missing}}');
    expect(header(e, 'x-key')).toBe('v1');
    expect(Buffer.from(e.body, 'base64').toString()).toMatch(/^id=[0-9a-f-]{36}$/);
    const get = await echoed(await send({ method: 'get', url: `${s.url}/` }));
    expect(get.method).toBe('GET');
  });

  it('reports an unresolved variable in the host as an invalid URL', async () => {
    const err = await failure(send({ method: 'GET', url: '{{base}}/users' }));
    expect(err.code).toBe('HTTP_INVALID_URL');
    expect(err.message).toContain('{{base}}');
    expect((await failure(send({ method: 'GET', url: 'ftp://x/y' }))).code).toBe('HTTP_INVALID_URL');
    expect((await failure(send({ method: 'GET', url: 'http://127.0.0.1:1/', headers: [{ name: 'Bad Name', value: 'x', enabled: true }] }))).code).toBe('VALIDATION_FAILED');
    expect((await failure(send({ method: 'GE T', url: 'http://127.0.0.1:1/' }))).code).toBe('VALIDATION_FAILED');
    expect((await failure(engine.invoke('http.send', { spec: { url: 'http://x' } } as never))).code).toBe('VALIDATION_FAILED');
  });

  it('encodes form, XML, GraphQL and raw base64 bodies', async () => {
    const s = await server(echo);
    const form = await echoed(
      await send({
        method: 'POST',
        url: s.url,
        body: { kind: 'form', fields: [{ name: 'a b', value: 'c&d', enabled: true }, { name: 'off', value: '1', enabled: false }, { name: 'ü', value: '=', enabled: true }] },
      }),
    );
    expect(header(form, 'content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(Buffer.from(form.body, 'base64').toString()))).toEqual({ 'a b': 'c&d', ü: '=' });

    const xml = await echoed(await send({ method: 'PUT', url: s.url, body: { kind: 'xml', text: '<a/>' } }));
    expect(header(xml, 'content-type')).toBe('application/xml');

    const gql = await echoed(
      await send({ method: 'POST', url: s.url, body: { kind: 'graphql', query: 'query Q($id: ID!) { user(id: $id) { name } }', variables: '{"id": 7}', operationName: 'Q' } }),
    );
    expect(JSON.parse(Buffer.from(gql.body, 'base64').toString())).toEqual({ query: 'query Q($id: ID!) { user(id: $id) { name } }', variables: { id: 7 }, operationName: 'Q' });
    const badVars = await failure(send({ method: 'POST', url: s.url, body: { kind: 'graphql', query: '{a}', variables: '{nope' } }));
    expect(badVars.code).toBe('VALIDATION_FAILED');

    const bytes = randomBytes(4096);
    const raw = await echoed(await send({ method: 'POST', url: s.url, body: { kind: 'raw', base64: bytes.toString('base64') } }));
    expect(sha256(Buffer.from(raw.body, 'base64'))).toBe(sha256(bytes));
    expect(header(raw, 'content-type')).toBe('application/octet-stream');

    const userType = await echoed(
      await send({ method: 'POST', url: s.url, headers: [{ name: 'content-type', value: 'text/csv', enabled: true }], body: { kind: 'text', text: 'a,b' } }),
    );
    expect(userType.headers.filter((h) => h.toLowerCase() === 'content-type')).toHaveLength(1);
    expect(header(userType, 'content-type')).toBe('text/csv');
  });

  it('streams binary files and multipart uploads, checked by sha256 and busboy', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-up-'));
    const file = path.join(dir, 'photo.png');
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(file, bytes);
    const s = await server((req, res) => {
      if (req.url === '/binary') {
        void readBody(req).then((b) => res.end(JSON.stringify({ sha: sha256(b), type: req.headers['content-type'], len: req.headers['content-length'] })));
        return;
      }
      const fields: Record<string, string> = {};
      const files: Record<string, { sha: string; filename: string; mimeType: string; size: number }> = {};
      const bb = busboy({ headers: req.headers });
      bb.on('field', (name, value) => (fields[name] = value));
      bb.on('file', (name, stream, info) => {
        const h = createHash('sha256');
        let size = 0;
        stream.on('data', (c: Buffer) => {
          h.update(c);
          size += c.length;
        });
        stream.on('end', () => (files[name] = { sha: h.digest('hex'), filename: info.filename ?? '', mimeType: info.mimeType, size }));
      });
      bb.on('close', () => res.end(JSON.stringify({ fields, files })));
      req.pipe(bb);
    });
    const bin = JSON.parse((await body(await send({ method: 'POST', url: `${s.url}/binary`, body: { kind: 'binary', path: file } }))).toString()) as Record<string, string>;
    expect(bin).toEqual({ sha: sha256(bytes), type: 'image/png', len: String(bytes.length) });

    const r = await send({
      method: 'POST',
      url: `${s.url}/upload`,
      body: {
        kind: 'multipart',
        parts: [
          { kind: 'text', name: 'title', value: 'Hello "world"\nline 2', enabled: true },
          { kind: 'text', name: 'skip', value: 'x', enabled: false },
          { kind: 'file', name: 'image', path: file, enabled: true },
          { kind: 'file', name: 'doc', path: file, filename: 'renamed.bin', contentType: 'application/x-custom', enabled: true },
        ],
      },
    });
    const parsed = JSON.parse((await body(r)).toString()) as {
      fields: Record<string, string>;
      files: Record<string, { sha: string; filename: string; mimeType: string; size: number }>;
    };
    expect(parsed.fields).toEqual({ title: 'Hello "world"\nline 2' });
    expect(parsed.files.image).toEqual({ sha: sha256(bytes), filename: 'photo.png', mimeType: 'image/png', size: bytes.length });
    expect(parsed.files.doc).toEqual({ sha: sha256(bytes), filename: 'renamed.bin', mimeType: 'application/x-custom', size: bytes.length });

    const missing = await failure(send({ method: 'POST', url: s.url, body: { kind: 'binary', path: path.join(dir, 'nope') } }));
    expect(missing.code).toBe('FILE_READ_FAILED');
  });
});

describe('auth', () => {
  it('adds Basic, Bearer and API key (header and query) credentials', async () => {
    const s = await server(echo);
    const basic = await echoed(await send({ method: 'GET', url: s.url, auth: { kind: 'basic', username: 'ana', password: 'p:ss' } }));
    expect(header(basic, 'authorization')).toBe(`Basic ${Buffer.from('ana:p:ss').toString('base64')}`);
    const bearer = await echoed(await send({ method: 'GET', url: s.url, auth: { kind: 'bearer', token: '{{tok}}' } }, { variables: { tok: 't0k' } }));
    expect(header(bearer, 'authorization')).toBe('Bearer t0k');
    const keyHeader = await echoed(await send({ method: 'GET', url: s.url, auth: { kind: 'apikey', key: 'X-Api-Key', value: 'k1', in: 'header' } }));
    expect(header(keyHeader, 'x-api-key')).toBe('k1');
    const keyQuery = await echoed(await send({ method: 'GET', url: `${s.url}/p?a=1`, auth: { kind: 'apikey', key: 'api key', value: 'k&2', in: 'query' } }));
    expect(keyQuery.url).toBe('/p?a=1&api%20key=k%262');
  });

  for (const algorithm of ['MD5', 'SHA-256', 'MD5-sess'] as const) {
    it(`answers a Digest ${algorithm} challenge (RFC 7616, qop=auth)`, async () => {
      const realm = 'test@switchboard';
      const nonce = randomBytes(16).toString('hex');
      const opaque = 'op-aque';
      const hashName = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
      const h = (x: string): string => createHash(hashName).update(x).digest('hex');
      let attempts = 0;
      const s = await server((req, res) => {
        attempts++;
        const auth = req.headers.authorization ?? '';
        if (!auth.startsWith('Digest ')) {
          res.writeHead(401, [
            ['WWW-Authenticate', `Basic realm="${realm}"`],
            ['WWW-Authenticate', `Digest realm="${realm}", qop="auth,auth-int", algorithm=${algorithm}, nonce="${nonce}", opaque="${opaque}"`],
          ]);
          res.end('challenge');
          return;
        }
        const params: Record<string, string> = {};
        for (const m of auth.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) params[m[1]!] = m[2] ?? m[3] ?? '';
        let ha1 = h(`Mufasa:${realm}:Circle of Life`);
        if (algorithm.endsWith('-sess')) ha1 = h(`${ha1}:${nonce}:${params.cnonce}`);
        const ha2 = h(`${req.method}:${params.uri}`);
        const expected = h(`${ha1}:${nonce}:${params.nc}:${params.cnonce}:${params.qop}:${ha2}`);
        const ok = params.response === expected && params.uri === req.url && params.opaque === opaque && params.qop === 'auth';
        res.writeHead(ok ? 200 : 403);
        res.end(ok ? 'welcome' : 'bad digest');
      });
      const r = await send({ method: 'POST', url: `${s.url}/dir/index.html?x=1`, auth: { kind: 'digest', username: 'Mufasa', password: 'Circle of Life' }, body: { kind: 'text', text: 'payload' } });
      expect(r.status).toBe(200);
      expect((await body(r)).toString()).toBe('welcome');
      expect(attempts).toBe(2);
    });
  }

  it('stops after one digest attempt when the password is wrong', async () => {
    let attempts = 0;
    const s = await server((req, res) => {
      attempts++;
      res.writeHead(401, { 'WWW-Authenticate': 'Digest realm="r", nonce="n1", qop="auth"' });
      res.end();
    });
    const r = await send({ method: 'GET', url: s.url, auth: { kind: 'digest', username: 'a', password: 'wrong' } });
    expect(r.status).toBe(401);
    expect(attempts).toBe(2);
  });
});

describe('redirects', () => {
  async function redirector(): Promise<{ s: Started<http.Server>; other: Started<http.Server> }> {
    const other = await server(echo);
    const s = await server((req, res) => {
      const m = /^\/r(\d{3})(?:\/(\d+))?/.exec(req.url ?? '');
      if (m) {
        const hops = Number(m[2] ?? 1);
        const next = hops > 1 ? `/r${m[1]}/${hops - 1}` : '/final';
        res.writeHead(Number(m[1]), { Location: next });
        res.end('moving');
        return;
      }
      if (req.url === '/cross') {
        res.writeHead(302, { Location: `${other.url}/landed` });
        res.end();
        return;
      }
      if (req.url === '/loop') {
        res.writeHead(302, { Location: '/loop' });
        res.end();
        return;
      }
      echo(req, res);
    });
    return { s, other };
  }

  const cases: Array<[number, string, string, boolean]> = [
    [301, 'POST', 'GET', false],
    [302, 'POST', 'GET', false],
    [303, 'POST', 'GET', false],
    [303, 'PUT', 'GET', false],
    [307, 'POST', 'POST', true],
    [308, 'PUT', 'PUT', true],
    [301, 'PUT', 'PUT', true],
    [302, 'DELETE', 'DELETE', true],
  ];
  for (const [status, method, expectedMethod, keepsBody] of cases) {
    it(`${status} turns ${method} into ${expectedMethod}${keepsBody ? ' with' : ' without'} the body`, async () => {
      const { s } = await redirector();
      const r = await send({ method, url: `${s.url}/r${status}/2`, body: { kind: 'json', text: '{"k":1}' } });
      expect(r.status).toBe(200);
      expect(r.redirects.map((h) => [h.status, h.method, new URL(h.url).pathname, h.location])).toEqual([
        [status, method, `/r${status}/2`, `/r${status}/1`],
        [status, expectedMethod, `/r${status}/1`, '/final'],
      ]);
      for (const hop of r.redirects) expectConsistent(hop.timings);
      const e = await echoed(r);
      expect(e.method).toBe(expectedMethod);
      expect(e.url).toBe('/final');
      expect(Buffer.from(e.body, 'base64').toString()).toBe(keepsBody ? '{"k":1}' : '');
      expect(header(e, 'content-type')).toBe(keepsBody ? 'application/json' : undefined);
      expect(r.url).toBe(`${s.url}/final`);
    });
  }

  it('keeps HEAD on 303', async () => {
    const { s } = await redirector();
    const r = await send({ method: 'HEAD', url: `${s.url}/r303` });
    expect(r.redirects[0]?.status).toBe(303);
    expect(r.method).toBe('HEAD');
  });

  it('drops Authorization and Cookie when the origin changes, keeps them on the same origin', async () => {
    const { s } = await redirector();
    const headers = [
      { name: 'Authorization', value: 'Bearer secret', enabled: true },
      { name: 'Cookie', value: 'sid=1', enabled: true },
      { name: 'X-Other', value: 'stays', enabled: true },
    ];
    const same = await echoed(await send({ method: 'GET', url: `${s.url}/r302`, headers }));
    expect(header(same, 'authorization')).toBe('Bearer secret');
    expect(header(same, 'cookie')).toBe('sid=1');
    const crossR = await send({ method: 'GET', url: `${s.url}/cross`, headers, auth: { kind: 'basic', username: 'u', password: 'p' } });
    const cross = await echoed(crossR);
    expect(cross.url).toBe('/landed');
    expect(header(cross, 'authorization')).toBeUndefined();
    expect(header(cross, 'cookie')).toBeUndefined();
    expect(header(cross, 'x-other')).toBe('stays');
    expect(header(cross, 'host')).toBe(new URL(crossR.url).host);
  });

  it('stops at the maximum, and hands back the 3xx when following is off', async () => {
    const { s } = await redirector();
    const err = await failure(send({ method: 'GET', url: `${s.url}/loop`, settings: { maxRedirects: 3 } }));
    expect(err.code).toBe('HTTP_TOO_MANY_REDIRECTS');
    const r = await send({ method: 'GET', url: `${s.url}/r301`, settings: { followRedirects: false } });
    expect(r.status).toBe(301);
    expect(r.redirects).toEqual([]);
    expect(r.headers.find(([n]) => n.toLowerCase() === 'location')?.[1]).toBe('/final');
    expect((await body(r)).toString()).toBe('moving');
  });
});

describe('response bodies', () => {
  const text = 'The quick brown fox jumps over the lazy dog. '.repeat(2000);
  const encoders: Record<string, (b: Buffer) => Buffer> = {
    gzip: (b) => zlib.gzipSync(b),
    deflate: (b) => zlib.deflateSync(b),
    br: (b) => zlib.brotliCompressSync(b),
  };

  for (const [encoding, encode] of Object.entries(encoders)) {
    it(`decodes ${encoding}, keeping the wire bytes and both sizes`, async () => {
      const wire = encode(Buffer.from(text));
      const s = await server((req, res) => {
        res.writeHead(200, { 'Content-Encoding': encoding, 'Content-Type': 'text/plain' });
        res.end(wire);
      });
      const r = await send({ method: 'GET', url: s.url });
      expect(r.contentEncoding).toBe(encoding);
      expect(r.bodySize).toBe(Buffer.byteLength(text));
      expect(r.wireBodySize).toBe(wire.length);
      expect(r.decodeError).toBeNull();
      expect((await body(r)).toString()).toBe(text);
      expect(sha256(await body(r, false))).toBe(sha256(wire));
      expect(r.contentType).toBe('text/plain');
    });
  }

  it('keeps the raw bytes and says so when a body cannot be decoded', async () => {
    const s = await server((req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end('this is not gzip at all');
    });
    const r = await send({ method: 'GET', url: s.url });
    expect(r.decodeError).toMatch(/gzip/);
    expect(r.contentEncoding).toBeNull();
    expect((await body(r)).toString()).toBe('this is not gzip at all');
  });

  it('serves a large body in ranges from disk, saves it, and forgets it on discard', async () => {
    const big = randomBytes(6 * 1024 * 1024);
    const s = await server((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': big.length });
      res.end(big);
    });
    const r = await send({ method: 'GET', url: s.url }, { requestId: 'big-1' });
    expect(r.bodySize).toBe(big.length);
    const first = await engine.invoke('http.responseBody', { id: r.id, offset: 1000, length: 10 });
    expect(Buffer.from(first.base64, 'base64')).toEqual(big.subarray(1000, 1010));
    expect(first.total).toBe(big.length);
    expect(sha256(await body(r))).toBe(sha256(big));
    const target = path.join(dataDir, 'saved.bin');
    const saved = await engine.invoke('http.saveBody', { id: r.id, path: target });
    expect(saved.bytes).toBe(big.length);
    expect(sha256(readFileSync(target))).toBe(sha256(big));
    await engine.invoke('http.discardBody', { id: r.id });
    expect((await failure(engine.invoke('http.responseBody', { id: r.id }))).code).toBe('NOT_FOUND');
  });

  it('handles HEAD, 204 and 304 without a body', async () => {
    const s = await server((req, res) => {
      if (req.url === '/204') res.writeHead(204);
      else if (req.url === '/304') res.writeHead(304);
      else res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': '100' });
      res.end();
    });
    for (const [method, p, status] of [['HEAD', '/', 200], ['GET', '/204', 204], ['GET', '/304', 304]] as const) {
      const r = await send({ method, url: `${s.url}${p}` });
      expect(r.status).toBe(status);
      expect(r.bodySize).toBe(0);
      expect(r.decodeError).toBeNull();
    }
  });
});

describe('failures', () => {
  it('names a refused connection, a reset and a DNS failure', async () => {
    const s = await startHttp(echo);
    await s.close();
    const refused = await failure(send({ method: 'GET', url: s.url }));
    expect(refused.code).toBe('HTTP_CONNECTION_REFUSED');
    expect(refused.message).toContain(String(s.port));

    const reset = await server((req) => req.socket.destroy());
    expect((await failure(send({ method: 'GET', url: reset.url }))).code).toBe('HTTP_CONNECTION_RESET');

    const dns = await failure(send({ method: 'GET', url: 'http://no-such-host.invalid/', settings: { timeoutMs: 8000 } }));
    expect(['HTTP_DNS_FAILED', 'HTTP_TIMEOUT']).toContain(dns.code);
  });

  it('times out a slow response, before the head and during the body', async () => {
    const s = await server((req, res) => {
      if (req.url === '/trickle') {
        res.writeHead(200);
        res.write('start');
        return; // never ends
      }
      // never answers
    });
    const head = await failure(send({ method: 'GET', url: s.url, settings: { timeoutMs: 200 } }));
    expect(head.code).toBe('HTTP_TIMEOUT');
    expect(head.message).toContain('200 ms');
    const trickle = await failure(send({ method: 'GET', url: `${s.url}/trickle`, settings: { timeoutMs: 300 } }));
    expect(trickle.code).toBe('HTTP_TIMEOUT');
  });

  it('cancels a request in flight by its id, and reports progress while downloading', async () => {
    const s = await server((req, res) => {
      res.writeHead(200, { 'Content-Length': String(100 * 1024 * 1024) });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const timer = setInterval(() => res.write(chunk), 5);
      res.on('close', () => clearInterval(timer));
    });
    const pending = send({ method: 'GET', url: s.url }, { requestId: 'cancel-me' });
    const deadline = Date.now() + 5000;
    while (!events.some((e) => e.type === 'http.progress' && e.requestId === 'cancel-me') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const progress = events.find((e) => e.type === 'http.progress' && e.requestId === 'cancel-me');
    expect(progress).toMatchObject({ total: 100 * 1024 * 1024 });
    expect(await engine.invoke('http.cancel', { requestId: 'cancel-me' })).toEqual({ cancelled: true });
    const err = await failure(pending);
    expect(err.code).toBe('HTTP_CANCELLED');
    expect(await engine.invoke('http.cancel', { requestId: 'cancel-me' })).toEqual({ cancelled: false });

    const silent = await server(() => undefined);
    const before = send({ method: 'GET', url: silent.url }, { requestId: 'cancel-early' });
    await new Promise((r) => setTimeout(r, 50));
    await engine.invoke('http.cancel', { requestId: 'cancel-early' });
    expect((await failure(before)).code).toBe('HTTP_CANCELLED');
  });
});
