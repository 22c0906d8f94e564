import { describe, expect, test } from 'vitest';
import { describeNetworkError } from '../../../src/engine/tunnel/reasons';
import { parseAssignment } from '../../../src/engine/tunnel/handshake';
import { parseTunnelStore, stringifyTunnelStore } from '../../../src/engine/tunnel/store';

const where = { hostname: 'tunnels.example.com', port: 443 };
const err = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('network errors in plain words', () => {
  test.each([
    ['ENOTFOUND', 'tunnel server unreachable: DNS lookup failed for tunnels.example.com'],
    ['EAI_AGAIN', 'tunnel server unreachable: DNS lookup for tunnels.example.com failed temporarily (offline?)'],
    ['ECONNREFUSED', 'tunnel server unreachable: connection refused by tunnels.example.com:443'],
    ['ECONNRESET', 'tunnel server unreachable: connection reset by tunnels.example.com:443'],
    ['ENETUNREACH', 'tunnel server unreachable: no route to tunnels.example.com (network down?)'],
    ['CERT_HAS_EXPIRED', 'tunnel server unreachable: TLS handshake with tunnels.example.com failed (CERT_HAS_EXPIRED)'],
  ])('%s', (code, words) => {
    const e = describeNetworkError(err(code), where);
    expect(e.code).toBe('TUNNEL_UNREACHABLE');
    expect(e.message).toBe(words);
  });

  test('happy-eyeballs AggregateError takes the first cause', () => {
    const agg = Object.assign(new AggregateError([err('ECONNREFUSED')], 'x'), {});
    expect(describeNetworkError(agg, where).message).toMatch(/connection refused by/);
  });

  test('unknown errors keep their message and code', () => {
    expect(describeNetworkError(err('EWEIRD', 'odd thing'), where).message).toBe('tunnel server unreachable: odd thing (EWEIRD)');
  });
});

describe('server answers', () => {
  test('a localtunnel answer is accepted; max_conn_count defaults to 1 and is capped', () => {
    expect(parseAssignment({ id: 'abcd', port: 4000, url: 'https://abcd.loca.lt' }, 'loca.lt')).toEqual({
      id: 'abcd', port: 4000, maxConnections: 1, url: 'https://abcd.loca.lt', ip: null, hostname: 'loca.lt',
    });
    expect(parseAssignment({ id: 'abcd', port: 4000, url: 'https://abcd.loca.lt', max_conn_count: 1000, ip: '1.2.3.4' }, 'x')).toMatchObject({ maxConnections: 50, ip: '1.2.3.4' });
  });
  test.each([null, 'text', {}, { id: 'a', port: 0, url: 'https://x' }, { id: 'a', port: 80, url: 'ftp://x' }, { id: '', port: 80, url: 'http://x' }])(
    'rejects %j',
    (body) => expect(parseAssignment(body, 'x')).toBeNull(),
  );
});

describe('saved catcher tunnels', () => {
  test('round-trips', () => {
    const data = { version: 1 as const, catchers: { c1: { enabled: true, subdomain: 'my-hooks', host: null, localHost: null, lastSubdomain: 'my-hooks', lastUrl: 'https://my-hooks.loca.lt' } } };
    expect(parseTunnelStore(stringifyTunnelStore(data))).toEqual(data);
  });
  test('garbage or hand-edited files never throw', () => {
    expect(parseTunnelStore('{oops')).toEqual({ version: 1, catchers: {} });
    expect(parseTunnelStore('{"catchers":{"a":{"enabled":"yes","subdomain":42},"b":null}}')).toEqual({
      version: 1,
      catchers: { a: { enabled: false, subdomain: null, host: null, localHost: null, lastSubdomain: null, lastUrl: null } },
    });
  });
});
