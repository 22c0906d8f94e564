import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * The web door's access rules, as pure functions so each can be unit-tested without a socket.
 * The door answers only requests that (1) name a loopback host, defeating DNS rebinding,
 * (2) carry the token (query, Authorization header or the cookie), and (3) when a browser may
 * have been tricked into sending them (WebSocket upgrade, non-GET), come from our own origin.
 */

/** 32 random bytes, URL-safe: unguessable, and short enough to paste. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares without leaking, through timing, how much of the token a guess got right. */
export function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  if (!candidate) return false;
  const a = createHash('sha256').update(candidate).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/**
 * Cookies ignore ports, so two doors on one machine would overwrite each other's cookie if they
 * shared a name; the port keeps them apart.
 */
export function tokenCookieName(port: number): string {
  return `switchboard-token-${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** Splits a Host header into hostname (brackets removed for IPv6) and port. */
export function parseHostHeader(host: string | undefined): { hostname: string; port: number | null } | null {
  if (!host || host.length > 300) return null;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(host.trim());
  if (!m) return null;
  const hostname = (m[1] ?? m[2] ?? '').toLowerCase();
  const port = m[3] === undefined ? null : Number(m[3]);
  if (port !== null && port > 65535) return null;
  return { hostname, port };
}

export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/**
 * A rebinding attack reaches us under the attacker's own domain name, so only names that cannot
 * be rebound are accepted: loopback, plus any address the user explicitly bound with --host.
 */
export function isAllowedHost(hostHeader: string | undefined, extraHostnames: readonly string[] = []): boolean {
  const parsed = parseHostHeader(hostHeader);
  if (!parsed) return false;
  if (isLoopbackHostname(parsed.hostname)) return true;
  return extraHostnames.some((h) => h.toLowerCase() === parsed.hostname);
}

/** Our own origin, as the browser computes it for a page loaded through this Host header. */
export function ownOrigin(hostHeader: string): string {
  return `http://${hostHeader.trim().toLowerCase()}`;
}

/** The Origin header names this door itself (scheme, host and port all equal). */
export function isSameOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (!origin || !hostHeader) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:') return false;
  return parsed.origin === new URL(ownOrigin(hostHeader)).origin;
}

export type TokenSource = 'query' | 'header' | 'cookie';

export interface TokenCheck {
  ok: boolean;
  /** Where a valid token came from; null when none matched. */
  source: TokenSource | null;
}

/**
 * Checks every place a token may come from. The cookie is an ambient credential (a browser adds
 * it by itself), which is why callers demand a same-origin Origin when it is the only proof.
 */
export function checkToken(
  input: { queryToken: string | null; authorization: string | undefined; cookieHeader: string | undefined; port: number },
  token: string,
): TokenCheck {
  if (tokenMatches(input.queryToken, token)) return { ok: true, source: 'query' };
  const auth = input.authorization?.match(/^(?:Bearer|token)\s+(\S+)$/i)?.[1];
  if (tokenMatches(auth, token)) return { ok: true, source: 'header' };
  if (tokenMatches(readCookie(input.cookieHeader, tokenCookieName(input.port)), token)) return { ok: true, source: 'cookie' };
  return { ok: false, source: null };
}

/**
 * The content types a cross-site page can POST without a preflight ("simple requests"). The door
 * takes none of them: a request in one of these types is a form or a text/plain forgery.
 */
export function isSimpleRequestContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return essence === 'text/plain' || essence === 'application/x-www-form-urlencoded' || essence === 'multipart/form-data';
}

/** GET and HEAD only read; everything else changes state and needs a same-origin Origin. */
export function isSafeMethod(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** Removes the token from a path+query so it can be redirected to or logged. */
export function stripTokenFromUrl(pathAndQuery: string): string {
  const url = new URL(pathAndQuery, 'http://door.invalid');
  url.searchParams.delete('token');
  const search = url.searchParams.toString();
  return `${url.pathname}${search ? `?${search}` : ''}${url.hash}`;
}

/**
 * Fetch Metadata (Sec-Fetch-*): a request another site's page caused — an <img>, <script> or
 * fetch pointing at the door — is refused even though it carries the cookie (a page on another
 * port of 127.0.0.1 is the same *site*, so SameSite=Strict does not stop it). Only a top-level
 * navigation to a page may come from elsewhere (a link pasted in a chat); the API never may.
 * Clients that send no Sec-Fetch-Site (curl, scripts, old browsers) are judged by the other rules.
 */
export function isForeignFetch(
  headers: { 'sec-fetch-site'?: string | string[]; 'sec-fetch-mode'?: string | string[]; 'sec-fetch-dest'?: string | string[] },
  pathname: string,
): boolean {
  const site = headers['sec-fetch-site'];
  if (site === undefined || site === 'same-origin' || site === 'none') return false;
  const topLevelPage = headers['sec-fetch-mode'] === 'navigate' && headers['sec-fetch-dest'] === 'document';
  return !(topLevelPage && !pathname.startsWith('/api/'));
}
