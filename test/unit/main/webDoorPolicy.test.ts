import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkToken,
  generateToken,
  isAllowedHost,
  isLoopbackHostname,
  isSameOrigin,
  isSimpleRequestContentType,
  parseHostHeader,
  readCookie,
  stripTokenFromUrl,
  tokenMatches,
} from '../../../src/main/serve/policy';
import { parseRequest } from '../../../src/main/serve/wsEndpoint';
import { resolveStaticPath } from '../../../src/main/serve/staticFiles';

describe('web door policy', () => {
  it('generates distinct URL-safe tokens of 256 bits', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });

  it('matches tokens exactly', () => {
    const t = generateToken();
    expect(tokenMatches(t, t)).toBe(true);
    expect(tokenMatches(`${t}x`, t)).toBe(false);
    expect(tokenMatches(t.slice(1), t)).toBe(false);
    expect(tokenMatches('', t)).toBe(false);
    expect(tokenMatches(null, t)).toBe(false);
  });

  it('parses Host headers, IPv6 included', () => {
    expect(parseHostHeader('127.0.0.1:8080')).toEqual({ hostname: '127.0.0.1', port: 8080 });
    expect(parseHostHeader('[::1]:80')).toEqual({ hostname: '::1', port: 80 });
    expect(parseHostHeader('LocalHost')).toEqual({ hostname: 'localhost', port: null });
    expect(parseHostHeader('a:b:c')).toBeNull();
    expect(parseHostHeader('x:99999')).toBeNull();
    expect(parseHostHeader(undefined)).toBeNull();
  });

  it('accepts only loopback names unless a bound address was added', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', 'localhost.']) expect(isLoopbackHostname(h), h).toBe(true);
    for (const h of ['localhost.evil.com', '127.0.0.1.nip.io', '0.0.0.0', '10.0.0.1', '::', 'evil.com', '128.0.0.1']) expect(isLoopbackHostname(h), h).toBe(false);
    expect(isAllowedHost('192.168.1.5:80')).toBe(false);
    expect(isAllowedHost('192.168.1.5:80', ['192.168.1.5'])).toBe(true);
    expect(isAllowedHost(undefined)).toBe(false);
  });

  it('treats any non-loopback name as foreign (property)', () => {
    fc.assert(
      fc.property(fc.domain(), fc.integer({ min: 1, max: 65535 }), (domain, port) => {
        fc.pre(!/^localhost\.?$/i.test(domain));
        expect(isAllowedHost(`${domain}:${port}`)).toBe(false);
      }),
    );
  });

  it('compares Origin to the door itself: scheme, host and port', () => {
    expect(isSameOrigin('http://127.0.0.1:5000', '127.0.0.1:5000')).toBe(true);
    expect(isSameOrigin('http://localhost:5000', 'localhost:5000')).toBe(true);
    expect(isSameOrigin('http://localhost:5000', '127.0.0.1:5000')).toBe(false);
    expect(isSameOrigin('http://127.0.0.1:5001', '127.0.0.1:5000')).toBe(false);
    expect(isSameOrigin('https://127.0.0.1:5000', '127.0.0.1:5000')).toBe(false);
    expect(isSameOrigin('null', '127.0.0.1:5000')).toBe(false);
    expect(isSameOrigin(undefined, '127.0.0.1:5000')).toBe(false);
  });

  it('finds the token in the query, the Authorization header or our cookie, and says where', () => {
    const t = generateToken();
    const base = { queryToken: null, authorization: undefined, cookieHeader: undefined, port: 4000 };
    expect(checkToken({ ...base, queryToken: t }, t)).toEqual({ ok: true, source: 'query' });
    expect(checkToken({ ...base, authorization: `Bearer ${t}` }, t)).toEqual({ ok: true, source: 'header' });
    expect(checkToken({ ...base, authorization: `token ${t}` }, t)).toEqual({ ok: true, source: 'header' });
    expect(checkToken({ ...base, cookieHeader: `a=b; switchboard-token-4000=${t}` }, t)).toEqual({ ok: true, source: 'cookie' });
    expect(checkToken({ ...base, cookieHeader: `switchboard-token-4001=${t}` }, t).ok).toBe(false);
    expect(checkToken(base, t).ok).toBe(false);
  });

  it('reads cookies by exact name', () => {
    expect(readCookie('a=1; ab=2; b = 3', 'b')).toBe('3');
    expect(readCookie('a=1', 'b')).toBeNull();
  });

  it('recognises the content types of cross-site "simple" requests', () => {
    for (const t of ['text/plain', 'Text/Plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      expect(isSimpleRequestContentType(t), t).toBe(true);
    }
    for (const t of ['application/json', undefined, '']) expect(isSimpleRequestContentType(t)).toBe(false);
  });

  it('strips the token but keeps the rest of the URL', () => {
    expect(stripTokenFromUrl('/?token=abc')).toBe('/');
    expect(stripTokenFromUrl('/a/b?x=1&token=abc&y=2')).toBe('/a/b?x=1&y=2');
  });

  it('keeps static paths inside the root', () => {
    expect(resolveStaticPath('/srv/r', '/index.html')).toBe('/srv/r/index.html');
    expect(resolveStaticPath('/srv/r', '/../etc/passwd')).toBe('/srv/r/etc/passwd');
    expect(resolveStaticPath('/srv/r', '/%2e%2e/%2e%2e/etc/passwd')).toBe('/srv/r/etc/passwd');
    expect(resolveStaticPath('/srv/r', '/a%00b')).toBeNull();
    expect(resolveStaticPath('/srv/r', '/%E0%A4%A')).toBeNull();
    fc.assert(
      fc.property(fc.string(), (s) => {
        const p = resolveStaticPath('/srv/r', `/${s}`);
        if (p !== null) expect(p === '/srv/r' || p.startsWith('/srv/r/')).toBe(true);
      }),
    );
  });

  it('parses protocol requests and turns anything else into an error reply (property)', () => {
    expect(parseRequest('{"id":3,"command":"engine.info","params":{}}')).toEqual({ ok: true, id: 3, command: 'engine.info', params: {} });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const r = parseRequest(text);
        if (!r.ok) {
          expect(r.error.code).toBe('VALIDATION_FAILED');
          expect(Number.isSafeInteger(r.id)).toBe(true);
        }
      }),
    );
  });
});

describe('bound host names', () => {
  it('adds nothing for loopback, the literal for an address, every local address for a wildcard', async () => {
    const { boundHostnames } = await import('../../../src/main/serve/webDoor');
    const os = await import('node:os');
    expect(boundHostnames('127.0.0.1')).toEqual([]);
    expect(boundHostnames('localhost')).toEqual([]);
    expect(boundHostnames('192.168.1.5')).toEqual(['192.168.1.5']);
    const v4 = Object.values(os.networkInterfaces()).flat().filter((a) => a?.family === 'IPv4').map((a) => a!.address);
    expect(boundHostnames('0.0.0.0').sort()).toEqual(v4.sort());
    const { isIP } = await import('node:net');
    for (const name of boundHostnames('::')) expect(isIP(name), name).not.toBe(0);
  });
});
