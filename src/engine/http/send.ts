import { randomBytes } from 'node:crypto';
import type { HeaderPairs } from '../../shared/model/common';
import type { RedirectHop, RequestSpec, ResponseRecord } from '../../shared/model/http';
import { SwitchboardError } from '../../shared/errors';
import { bodySource, EMPTY_BODY, type BodySource } from './body';
import type { BodyStore } from './bodyStore';
import { parseSetCookies, setCookieValues } from './cookies';
import { digestAuthorization, pickDigestChallenge, type Challenge } from './digest';
import { collect, collectNow, drain, exchange, headerValue, staleSocketErrors, type Agents, type ExchangeHead } from './exchange';
import { BODY_HEADERS, REDIRECT_STATUSES, redirectMethod, sameOrigin } from './redirects';
import { computeTimings, isoTime } from './timings';
import { resolveSpec } from './variables';
import type { Abort } from './abort';

/** The workspace's cookie jar, used on every hop when given (issue 7). */
export interface SendCookieJar {
  /** The Cookie header value for this URL, or null. */
  cookieHeader(url: URL): Promise<string | null> | string | null;
  /** Called with every hop's Set-Cookie values. */
  store(url: string, setCookies: string[]): Promise<void> | void;
}

export interface SendOptions {
  variables?: Record<string, string>;
  /** Lets `cancel(requestId)` stop this send; tags progress events. */
  requestId?: string;
  /** Extra cancellation (aborting rejects with HTTP_CANCELLED). */
  signal?: AbortSignal;
  cookieJar?: SendCookieJar;
  /** Who sent it ('composer', 'cli', 'replay', 'runner', …); passed to onSent listeners. */
  source?: string;
}

export interface SendDeps {
  agents: Agents;
  store: BodyStore;
  onProgress?: (requestId: string, received: number, total: number | null) => void;
}

// Response ids only need to be unique within this engine's life (bodies are per process): a random
// prefix and a counter are much cheaper than a UUID per request.
const ID_PREFIX = randomBytes(6).toString('hex');
let idCounter = 0;
const nextResponseId = (): string => `${ID_PREFIX}-${(idCounter++).toString(36)}`;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const USER_AGENT = 'Switchboard/0.1';

export function normalizeMethod(raw: string): string {
  const m = raw.trim();
  if (!TOKEN.test(m)) throw new SwitchboardError('VALIDATION_FAILED', `"${raw}" is not a valid HTTP method name.`);
  // node:http upper-cases every method on the wire; say so in the record instead of pretending.
  return m.toUpperCase();
}

// Parsed URLs by the text as typed: new URL() was a tenth of a send, and most sends repeat a URL.
// Cached URLs are shared, so nothing may modify a URL parseUrl returned (see withQuery).
const urlCache = new Map<string, URL>();
const URL_CACHE_MAX = 256;

/** Parses the URL as typed; a missing scheme means http:// (as in Postman and curl). */
export function parseUrl(raw: string, unresolved: Set<string>): URL {
  if (unresolved.size === 0) {
    const hit = urlCache.get(raw);
    if (hit) return hit;
  }
  const url = parseUrlText(raw, unresolved);
  if (unresolved.size === 0) {
    if (urlCache.size >= URL_CACHE_MAX) urlCache.clear();
    urlCache.set(raw, url);
  }
  return url;
}

function parseUrlText(raw: string, unresolved: Set<string>): URL {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  const hint = unresolved.size > 0 ? ` Unresolved variables: ${[...unresolved].map((v) => `{{${v}}}`).join(', ')}.` : '';
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new SwitchboardError('HTTP_INVALID_URL', `"${text}" is not a valid URL.${hint}`, { unresolved: [...unresolved] });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SwitchboardError('HTTP_INVALID_URL', `Only http:// and https:// URLs can be sent (got ${url.protocol}).`);
  }
  if (!url.hostname) throw new SwitchboardError('HTTP_INVALID_URL', `"${text}" has no host.${hint}`);
  if (unresolved.size > 0 && /%7B%7B|\{\{/i.test(url.host)) {
    throw new SwitchboardError('HTTP_INVALID_URL', `The host of "${text}" still holds a variable.${hint}`, {
      unresolved: [...unresolved],
    });
  }
  return url;
}

function parseProxy(raw: string): URL | null {
  const text = raw.trim();
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new SwitchboardError('HTTP_PROXY_FAILED', `The proxy "${text}" is not a valid URL.`);
  }
  if (url.protocol !== 'http:') {
    throw new SwitchboardError('HTTP_PROXY_FAILED', `Only HTTP proxies are supported (got ${url.protocol}).`);
  }
  return url;
}

/** A new URL with `name=value` added to the query (the given one may be shared: parseUrl's cache). */
function withQuery(shared: URL, name: string, value: string): URL {
  const url = new URL(shared.href);
  const pair = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
  url.search = url.search && url.search !== '?' ? `${url.search}&${pair}` : `?${pair}`;
  return url;
}

function hasHeader(headers: HeaderPairs, name: string): boolean {
  const lower = name.toLowerCase();
  return headers.some(([n]) => n.toLowerCase() === lower);
}

function checkHeaders(headers: HeaderPairs): void {
  for (const [n, v] of headers) {
    if (!TOKEN.test(n)) throw new SwitchboardError('VALIDATION_FAILED', `Header name "${n}" is not valid (letters, digits and !#$%&'*+-.^_\`|~ only).`);
    if (/[\r\n\0]/.test(v)) throw new SwitchboardError('VALIDATION_FAILED', `Header "${n}" holds a line break or NUL, which HTTP does not allow.`);
  }
}

function hostHeader(url: URL): string {
  return url.host; // URL.host omits the default port, as Host should
}

interface HopState {
  method: string;
  url: URL;
  /** The user's enabled headers (Host, Cookie, Authorization possibly among them). */
  userHeaders: HeaderPairs;
  body: BodySource;
  /** Auth tab header (Basic, Bearer, API key, Digest answer) or null. */
  authHeader: [string, string] | null;
  hasBody: boolean;
}

/** The hop's headers with the jar's cookies; synchronous when the jar answers synchronously. */
function wireHeaders(hop: HopState, jar: SendCookieJar): HeaderPairs | Promise<HeaderPairs> {
  const cookie = jar.cookieHeader(hop.url);
  return cookie instanceof Promise ? cookie.then((c) => wireHeadersSync(hop, c)) : wireHeadersSync(hop, cookie);
}

function wireHeadersSync(hop: HopState, jarCookie: string | null): HeaderPairs {
  const out: HeaderPairs = [];
  const user = hop.userHeaders;
  if (!hasHeader(user, 'host')) out.push(['Host', hostHeader(hop.url)]);
  out.push(...user);
  if (!hasHeader(user, 'user-agent')) out.push(['User-Agent', USER_AGENT]);
  if (!hasHeader(user, 'accept')) out.push(['Accept', '*/*']);
  if (!hasHeader(user, 'accept-encoding')) out.push(['Accept-Encoding', 'gzip, deflate, br']);
  if (hop.authHeader && !hasHeader(user, hop.authHeader[0])) out.push(hop.authHeader);
  if (jarCookie) {
    const i = out.findIndex(([n]) => n.toLowerCase() === 'cookie');
    if (i >= 0) out[i] = [out[i]![0], `${out[i]![1]}; ${jarCookie}`];
    else out.push(['Cookie', jarCookie]);
  }
  if (hop.hasBody) {
    if (hop.body.contentType && !hasHeader(user, 'content-type')) out.push(['Content-Type', hop.body.contentType]);
    if (!hasHeader(user, 'content-length') && !hasHeader(user, 'transfer-encoding')) {
      if (hop.body.length > 0 || ['POST', 'PUT', 'PATCH'].includes(hop.method)) {
        out.push(['Content-Length', String(hop.body.length)]);
      }
    }
  }
  return out;
}

function withoutHeaders(headers: HeaderPairs, names: Set<string>): HeaderPairs {
  return headers.filter(([n]) => !names.has(n.toLowerCase()));
}

export interface SendResult {
  record: ResponseRecord;
  resolved: RequestSpec;
}

/** Sends `spec` with redirects, digest retry, timings; keeps the body in `deps.store`. */
export async function sendRequest(spec: RequestSpec, opts: SendOptions, deps: SendDeps, signal: Abort): Promise<SendResult> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const unresolved = new Set<string>();
  const resolved = resolveSpec(spec, opts.variables, unresolved);
  const method = normalizeMethod(resolved.method);
  let url = parseUrl(resolved.url, unresolved);
  const settings = resolved.settings;
  const proxy = parseProxy(settings.proxy);
  const auth = resolved.auth;

  let authHeader: [string, string] | null = null;
  switch (auth.kind) {
    case 'basic':
      authHeader = ['Authorization', `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`];
      break;
    case 'bearer':
      authHeader = ['Authorization', `Bearer ${auth.token}`];
      break;
    case 'apikey':
      if (!auth.key) break;
      if (auth.in === 'header') authHeader = [auth.key, auth.value];
      else url = withQuery(url, auth.key, auth.value);
      break;
    default:
      break;
  }
  const userHeaders: HeaderPairs = resolved.headers.filter((h) => h.enabled && h.name.trim() !== '').map((h) => [h.name.trim(), h.value]);
  checkHeaders(userHeaders);
  if (authHeader) checkHeaders([authHeader]);
  const body = resolved.body.kind === 'none' ? EMPTY_BODY : await bodySource(resolved.body);

  const originalUrl = url;
  const hop: HopState = { method, url, userHeaders, body, authHeader, hasBody: resolved.body.kind !== 'none' };
  const redirects: RedirectHop[] = [];
  let digestChallenge: Challenge | null = null;
  let digestTried = false;
  let crossOrigin = false;

  for (;;) {
    if (auth.kind === 'digest' && digestChallenge && !crossOrigin) {
      const uri = `${hop.url.pathname || '/'}${hop.url.search}`;
      hop.authHeader = ['Authorization', digestAuthorization(digestChallenge, { username: auth.username, password: auth.password, method: hop.method, uri })];
    }
    let headers = opts.cookieJar ? wireHeaders(hop, opts.cookieJar) : wireHeadersSync(hop, null);
    if (headers instanceof Promise) headers = await headers;
    checkHeaders(headers);
    const req = { method: hop.method, url: hop.url, headers, body: hop.body, verifyTls: settings.verifyTls, proxy, signal };
    let head: ExchangeHead;
    try {
      head = await exchange(req, deps.agents);
    } catch (err) {
      if (err instanceof Error && staleSocketErrors.has(err)) head = await exchange(req, deps.agents);
      else throw err;
    }
    if (opts.cookieJar) {
      const sc = setCookieValues(head.headers);
      if (sc.length) await opts.cookieJar.store(hop.url.href, sc);
    }

    if (head.status === 401 && auth.kind === 'digest' && !digestTried && !crossOrigin) {
      const challenges = head.headers.filter(([n]) => n.toLowerCase() === 'www-authenticate').map(([, v]) => v);
      const challenge = pickDigestChallenge(challenges);
      if (challenge) {
        digestTried = true;
        digestChallenge = challenge;
        await drain(head, signal, hop.url);
        continue;
      }
    }

    const location = headerValue(head.headers, 'location');
    if (settings.followRedirects && REDIRECT_STATUSES.has(head.status) && location !== undefined) {
      let next: URL | null = null;
      try {
        next = new URL(location, hop.url);
      } catch {
        next = null; // an unusable Location: hand the 3xx to the user as is
      }
      if (next && (next.protocol === 'http:' || next.protocol === 'https:')) {
        if (redirects.length >= settings.maxRedirects) {
          head.res.destroy();
          throw new SwitchboardError(
            'HTTP_TOO_MANY_REDIRECTS',
            `Stopped after ${settings.maxRedirects} redirects (the last one pointed to ${next.href}). Raise the maximum or turn following off to see the chain.`,
            { redirects },
          );
        }
        await drain(head, signal, hop.url);
        redirects.push({ status: head.status, method: hop.method, url: hop.url.href, location, timings: computeTimings(head.marks) });
        const { method: nextMethod, keepBody } = redirectMethod(head.status, hop.method);
        if (!keepBody) {
          hop.body = EMPTY_BODY;
          hop.hasBody = false;
          hop.userHeaders = withoutHeaders(hop.userHeaders, BODY_HEADERS);
        }
        if (!sameOrigin(next, originalUrl) && !crossOrigin) {
          // Credentials meant for one origin must not leak to another (Fetch, curl --location).
          crossOrigin = true;
          hop.userHeaders = withoutHeaders(hop.userHeaders, new Set(['authorization', 'cookie', 'proxy-authorization']));
          if (hop.authHeader && hop.authHeader[0].toLowerCase() === 'authorization') hop.authHeader = null;
        }
        hop.userHeaders = hop.userHeaders.map(([n, v]) => (n.toLowerCase() === 'host' ? [n, hostHeader(next)] : [n, v]));
        hop.method = nextMethod;
        hop.url = next;
        continue;
      }
    }

    // The final response: keep its body.
    const id = nextResponseId();
    const wire = deps.store.writer(id, 'wire');
    const encoded = headerValue(head.headers, 'content-encoding') !== undefined;
    const decodedWriter = encoded ? deps.store.writer(id, 'body') : null;
    const lengthHeader = opts.requestId && deps.onProgress ? headerValue(head.headers, 'content-length') : undefined;
    const total = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
    const requestId = opts.requestId;
    const onProgress = requestId && deps.onProgress ? (received: number) => deps.onProgress?.(requestId, received, total) : null;
    const got = await (collectNow(head, wire, decodedWriter, signal, onProgress) ?? collect(head, wire, decodedWriter, signal, onProgress, hop.url));
    const wireBlob = wire.inMemory ? wire.finishInMemory() : await wire.finish();
    let decodedBlob = wireBlob;
    if (decodedWriter && got.contentEncoding) decodedBlob = await decodedWriter.finish();
    else decodedWriter?.abort();
    deps.store.add(id, wireBlob, decodedBlob);
    const contentType = headerValue(head.headers, 'content-type') ?? null;
    const record: ResponseRecord = {
      id,
      url: hop.url.href,
      method: hop.method,
      status: head.status,
      statusText: head.statusText,
      httpVersion: head.httpVersion,
      headers: head.headers,
      cookies: parseSetCookies(head.headers),
      redirects,
      timings: computeTimings(head.marks),
      elapsedMs: Math.round((performance.now() - t0) * 1000) / 1000,
      headersSize: head.headersSize,
      wireBodySize: got.wireSize,
      bodySize: got.decodedSize,
      contentEncoding: got.contentEncoding,
      decodeError: got.decodeError,
      contentType,
      tlsVerified: settings.verifyTls,
      tls: head.tls,
      remoteAddress: head.remoteAddress,
      startedAt: isoTime(startedAt),
      request: { method: hop.method, url: hop.url.href, headers, bodySize: hop.hasBody ? hop.body.length : 0 },
    };
    return { record, resolved };
  }
}
