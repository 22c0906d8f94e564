import { describe, expect, it } from 'vitest';
import { mayHaveCookies } from '../../../src/engine/workspace/cookieJar';

describe('mayHaveCookies (the jar skips tough-cookie for hosts with no cookie)', () => {
  const domains = new Set(['example.com', 'api.other.org', '127.0.0.1']);

  it('matches the host itself and every parent domain', () => {
    expect(mayHaveCookies(domains, 'example.com')).toBe(true);
    expect(mayHaveCookies(domains, 'a.b.example.com')).toBe(true);
    expect(mayHaveCookies(domains, 'API.Other.org')).toBe(true);
    expect(mayHaveCookies(domains, 'v1.api.other.org')).toBe(true);
    expect(mayHaveCookies(domains, '127.0.0.1')).toBe(true);
  });

  it('skips hosts no stored domain can match', () => {
    expect(mayHaveCookies(domains, 'other.org')).toBe(false);
    expect(mayHaveCookies(domains, 'notexample.com')).toBe(false);
    expect(mayHaveCookies(domains, '27.0.0.1')).toBe(false);
    expect(mayHaveCookies(domains, 'localhost')).toBe(false);
    expect(mayHaveCookies(new Set(), 'example.com')).toBe(false);
  });

  it('leaves IPv6 literals and trailing-dot hosts to tough-cookie', () => {
    expect(mayHaveCookies(domains, '[::1]')).toBe(true);
    expect(mayHaveCookies(domains, 'example.org.')).toBe(true);
  });
});
