import { mkdtempSync } from 'node:fs';
import type http from 'node:http';
import type https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../src/engine';
import { createHttpService, type HttpService } from '../../../src/engine/http/service';
import type { EngineEvent } from '../../../src/shared/contract';
import type { RequestSpec, ResponseRecord, SendOutcome, Timings } from '../../../src/shared/model/http';
import { DEFAULT_REQUEST_SETTINGS } from '../../../src/shared/model/http';
import { DEFAULT_LIMITS } from '../../../src/engine/service';
import { echo, header, selfSignedCert, startHttp, startHttps, startProxy, type Echoed, type Started } from './servers';

let engine: Engine;
let tlsServer: Started<https.Server>;
let plain: Started<http.Server>;
let proxy: Awaited<ReturnType<typeof startProxy>>;

beforeAll(async () => {
  engine = await createEngine({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'sb-tls-')) });
  const cert = await selfSignedCert('localhost');
  tlsServer = await startHttps(cert, echo);
  plain = await startHttp(echo);
  proxy = await startProxy();
});
afterAll(async () => {
  await engine.close();
  await Promise.all([tlsServer.close(), plain.close(), proxy.close()]);
});

async function echoed(r: ResponseRecord): Promise<Echoed> {
  const part = await engine.invoke('http.responseBody', { id: r.id, length: 1024 * 1024 });
  return JSON.parse(Buffer.from(part.base64, 'base64').toString()) as Echoed;
}

function consistent(t: Timings): number {
  const phases = [t.socketWait, t.dns, t.tcp, t.tls, t.send, t.ttfb, t.download];
  for (const p of phases) expect(p).toBeGreaterThanOrEqual(0);
  return Math.abs(phases.reduce((a, b) => a + b, 0) - t.total);
}

describe('TLS', () => {
  it('refuses a self-signed certificate and names the problem', async () => {
    try {
      await engine.invoke('http.send', { spec: { method: 'GET', url: `https://localhost:${tlsServer.port}/` } });
      expect.unreachable();
    } catch (err) {
      const e = err as { code: string; message: string; detail: { reason: string } };
      expect(e.code).toBe('HTTP_TLS_FAILED');
      expect(e.detail.reason).toBe('self-signed');
      expect(e.message).toMatch(/self-signed/);
    }
  });

  it('sends with verification off, and the response says so with the certificate details', async () => {
    const r = await engine.invoke('http.send', {
      spec: { method: 'GET', url: `https://localhost:${tlsServer.port}/secure`, settings: { verifyTls: false } },
    });
    expect(r.status).toBe(200);
    expect(r.tlsVerified).toBe(false);
    expect(r.tls).toMatchObject({ authorized: false, subject: 'localhost', issuer: 'localhost' });
    expect(r.tls?.authorizationError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(r.tls?.protocol).toMatch(/TLS/);
    expect(r.timings.tls).toBeGreaterThan(0);
    expect(consistent(r.timings)).toBeLessThan(0.05);
    expect((await echoed(r)).url).toBe('/secure');
  });

  it('reports a plain-HTTP server answered over https as a TLS failure', async () => {
    try {
      await engine.invoke('http.send', { spec: { method: 'GET', url: `https://127.0.0.1:${plain.port}/` } });
      expect.unreachable();
    } catch (err) {
      expect((err as { code: string }).code).toBe('HTTP_TLS_FAILED');
    }
  });
});

describe('proxy', () => {
  it('sends http requests in absolute form through the proxy, with proxy credentials', async () => {
    const r = await engine.invoke('http.send', {
      spec: { method: 'POST', url: `${plain.url}/via?x=1`, body: { kind: 'text', text: 'hi' }, settings: { proxy: `http://user:pa%20ss@127.0.0.1:${proxy.port}` } },
    });
    expect(r.status).toBe(200);
    const seen = proxy.log.requests.at(-1)!;
    expect(seen.url).toBe(`${plain.url}/via?x=1`);
    expect(seen.headers['proxy-authorization']).toBe(`Basic ${Buffer.from('user:pa ss').toString('base64')}`);
    const e = await echoed(r);
    expect(e.url).toBe('/via?x=1');
    expect(header(e, 'proxy-authorization')).toBeUndefined();
  });

  it('tunnels https with CONNECT', async () => {
    const r = await engine.invoke('http.send', {
      spec: { method: 'GET', url: `https://localhost:${tlsServer.port}/tunnel`, settings: { proxy: `127.0.0.1:${proxy.port}`, verifyTls: false } },
    });
    expect(r.status).toBe(200);
    expect(proxy.log.connects.at(-1)).toBe(`localhost:${tlsServer.port}`);
    expect(r.tls?.subject).toBe('localhost');
    expect((await echoed(r)).url).toBe('/tunnel');
    expect(consistent(r.timings)).toBeLessThan(0.05);
  });

  it('fails clearly when the proxy is down or refuses the tunnel', async () => {
    const dead = await startHttp(echo);
    await dead.close();
    for (const url of [`${plain.url}/`, `https://localhost:${tlsServer.port}/`]) {
      try {
        await engine.invoke('http.send', { spec: { method: 'GET', url, settings: { proxy: `http://127.0.0.1:${dead.port}` } } });
        expect.unreachable();
      } catch (err) {
        expect((err as { code: string }).code).toBe('HTTP_PROXY_FAILED');
      }
    }
    // The echo server is not a proxy: it answers CONNECT with a 400-ish error.
    try {
      await engine.invoke('http.send', { spec: { method: 'GET', url: `https://localhost:${tlsServer.port}/`, settings: { proxy: plain.url } } });
      expect.unreachable();
    } catch (err) {
      expect((err as { code: string }).code).toBe('HTTP_PROXY_FAILED');
    }
  });
});

describe('service api', () => {
  it('lets other services send with a cookie jar and hear about every send', async () => {
    const events: EngineEvent[] = [];
    const svc: HttpService = await createHttpService({
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'sb-api-')),
      limits: DEFAULT_LIMITS,
      door: 'test',
      emit: (e) => events.push(e),
    });
    const server = await startHttp((req, res) => {
      if (req.url === '/login') {
        res.writeHead(302, { 'Set-Cookie': 'sid=42; Path=/', Location: '/me' });
        res.end();
        return;
      }
      echo(req, res);
    });
    try {
      const sent: Array<{ spec: RequestSpec; outcome: SendOutcome; source: string | null }> = [];
      const off = svc.api.onSent((spec, outcome, info) => sent.push({ spec, outcome, source: info.source }));
      const jar = new Map<string, string>();
      const cookieJar = {
        cookieHeader: () => (jar.size ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : null),
        store: (_url: string, values: string[]) => {
          for (const v of values) {
            const [pair] = v.split(';');
            const [k, val] = pair!.split('=');
            jar.set(k!, val!);
          }
        },
      };
      const spec: RequestSpec = { method: 'GET', url: `${server.url}/login`, headers: [], body: { kind: 'none' }, auth: { kind: 'none' }, settings: DEFAULT_REQUEST_SETTINGS };
      const r = await svc.api.send(spec, { cookieJar, source: 'runner' });
      const e = JSON.parse((await svc.api.readBody(r.id)).toString()) as Echoed;
      expect(e.url).toBe('/me');
      expect(header(e, 'cookie')).toBe('sid=42');
      await expect(svc.api.send({ ...spec, url: 'http://127.0.0.1:1/' })).rejects.toMatchObject({ code: 'HTTP_CONNECTION_REFUSED' });
      expect(sent.map((s) => [s.outcome.ok, s.source])).toEqual([[true, 'runner'], [false, null]]);
      off();
      await svc.api.send(spec);
      expect(sent).toHaveLength(2);
    } finally {
      await svc.close();
      await server.close();
    }
  });
});
