import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { digestAuthorization, parseChallenges, pickDigestChallenge } from '../../src/engine/http/digest';
import { transportError } from '../../src/engine/http/errors';
import { redirectMethod, sameOrigin } from '../../src/engine/http/redirects';
import { computeTimings } from '../../src/engine/http/timings';
import { substitute } from '../../src/engine/http/variables';

describe('digest', () => {
  it('parses several challenges in one header, with quoted commas and escapes', () => {
    const cs = parseChallenges('Basic realm="a, b", Digest realm="x\\"y", nonce="n", qop="auth,auth-int", algorithm=SHA-256, Bearer');
    expect(cs.map((c) => c.scheme)).toEqual(['Basic', 'Digest', 'Bearer']);
    expect(cs[0]!.params).toEqual({ realm: 'a, b' });
    expect(cs[1]!.params).toEqual({ realm: 'x"y', nonce: 'n', qop: 'auth,auth-int', algorithm: 'SHA-256' });
  });

  it('prefers SHA-256 and skips auth-int-only challenges', () => {
    const c = pickDigestChallenge(['Digest realm="r", nonce="1", algorithm=MD5, qop="auth"', 'Digest realm="r", nonce="2", algorithm=SHA-256, qop="auth"']);
    expect(c?.params.nonce).toBe('2');
    expect(pickDigestChallenge(['Digest realm="r", nonce="1", qop="auth-int"'])).toBeNull();
  });

  it('matches the RFC 7616 §3.9.1 example (SHA-256)', () => {
    const [challenge] = parseChallenges(
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    );
    const header = digestAuthorization(challenge!, { username: 'Mufasa', password: 'Circle of Life', method: 'GET', uri: '/dir/index.html', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', nc: 1 });
    expect(header).toContain('response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"');
    expect(header).toContain('opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"');
  });

  it('matches the RFC 7616 §3.9.1 example (MD5)', () => {
    const [challenge] = parseChallenges(
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    );
    const header = digestAuthorization(challenge!, { username: 'Mufasa', password: 'Circle of Life', method: 'GET', uri: '/dir/index.html', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', nc: 1 });
    expect(header).toContain('response="8ca523f5e9506fed4657c9700eebdbec"');
  });

  it('never throws on arbitrary headers', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      parseChallenges(s);
      pickDigestChallenge([s]);
    }));
  });
});

describe('timings', () => {
  it('phases are never negative and sum to the total, whatever order events came in', () => {
    const mark = fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: undefined });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), mark, mark, mark, mark, mark, mark, mark, (start, socket, lookup, connect, secure, sent, head, end) => {
        const t = computeTimings({ start, socket, lookup, connect, secure, sent, head, end });
        const phases = [t.socketWait, t.dns, t.tcp, t.tls, t.send, t.ttfb, t.download];
        for (const p of phases) expect(p).toBeGreaterThanOrEqual(0);
        expect(Math.abs(phases.reduce((a, b) => a + b, 0) - t.total)).toBeLessThan(0.01);
      }),
    );
  });
});

describe('redirect rules', () => {
  it('follows RFC 9110 / Fetch for method changes', () => {
    expect(redirectMethod(301, 'POST')).toEqual({ method: 'GET', keepBody: false });
    expect(redirectMethod(302, 'POST')).toEqual({ method: 'GET', keepBody: false });
    expect(redirectMethod(303, 'DELETE')).toEqual({ method: 'GET', keepBody: false });
    expect(redirectMethod(303, 'HEAD')).toEqual({ method: 'HEAD', keepBody: true });
    expect(redirectMethod(307, 'POST')).toEqual({ method: 'POST', keepBody: true });
    expect(redirectMethod(308, 'PATCH')).toEqual({ method: 'PATCH', keepBody: true });
  });
  it('compares origins with default ports', () => {
    expect(sameOrigin(new URL('http://a.test/x'), new URL('http://a.test:80/y'))).toBe(true);
    expect(sameOrigin(new URL('http://a.test/'), new URL('https://a.test/'))).toBe(false);
    expect(sameOrigin(new URL('http://a.test:81/'), new URL('http://a.test/'))).toBe(false);
  });
});

describe('error words', () => {
  const url = new URL('https://api.example.test/');
  for (const [code, reason] of [
    ['CERT_HAS_EXPIRED', 'expired'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'hostname-mismatch'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unknown-issuer'],
  ] as const) {
    it(`names ${code}`, () => {
      const err = Object.assign(new Error('x'), { code });
      const e = transportError(err, url, false);
      expect(e.code).toBe('HTTP_TLS_FAILED');
      expect((e.detail as { reason: string }).reason).toBe(reason);
    });
  }
});

describe('variables', () => {
  it('substitutes known names, keeps unknown ones and reports them', () => {
    const unresolved = new Set<string>();
    expect(substitute('{{a}}/{{ b }}/{{c}}', { a: '1', b: '2' }, unresolved)).toBe('1/2/{{c}}');
    expect([...unresolved]).toEqual(['c']);
    expect(substitute('{{$timestamp}}', {})).toMatch(/^\d{10}$/);
  });
});
