import { Cookie } from 'tough-cookie';
import type { HeaderPairs } from '../../shared/model/common';
import type { ResponseCookie } from '../../shared/model/http';

export function setCookieValues(headers: HeaderPairs): string[] {
  const out: string[] = [];
  for (const [n, v] of headers) if (n.length === 10 && n.toLowerCase() === 'set-cookie') out.push(v);
  return out;
}

/** Set-Cookie headers parsed with tough-cookie (RFC 6265, loose like browsers); unparsable ones are skipped. */
export function parseSetCookies(headers: HeaderPairs): ResponseCookie[] {
  const out: ResponseCookie[] = [];
  for (const raw of setCookieValues(headers)) {
    const c = Cookie.parse(raw, { loose: true });
    if (!c) continue;
    const cookie: ResponseCookie = { name: c.key, value: c.value };
    if (c.domain) cookie.domain = c.domain;
    if (c.path) cookie.path = c.path;
    if (c.expires instanceof Date) cookie.expires = c.expires.toISOString();
    if (typeof c.maxAge === 'number') cookie.maxAge = c.maxAge;
    if (c.secure) cookie.secure = true;
    if (c.httpOnly) cookie.httpOnly = true;
    if (c.sameSite) cookie.sameSite = c.sameSite;
    out.push(cookie);
  }
  return out;
}
