import type { HeaderPairs } from '../../shared/model/common';
import { parseTargetUrl } from './rawSend';

// Turning a captured request into one for another server, the way a reverse proxy would.

/** RFC 9110 §7.6.1 connection-specific headers, plus the ones Node sets from the body we send. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'host',
]);

/** Target URL for a capture: the target's path joined with the capture's path suffix and query. */
export function joinTarget(target: string, captureUrl: string): string {
  const t = parseTargetUrl(target);
  const q = captureUrl.indexOf('?');
  const path = q === -1 ? captureUrl : captureUrl.slice(0, q);
  const query = q === -1 ? '' : captureUrl.slice(q + 1);
  const basePath = t.pathname.replace(/\/+$/, '');
  const suffix = path === '/' || path === '' ? '' : path.startsWith('/') ? path : `/${path}`;
  const joinedPath = basePath + suffix || '/';
  const queries = [t.search.replace(/^\?/, ''), query].filter(Boolean).join('&');
  return `${t.protocol}//${t.host}${joinedPath}${queries ? `?${queries}` : ''}`;
}

export interface RelayHeaderInput {
  headers: HeaderPairs;
  targetUrl: string;
  bodyLength: number;
  remoteAddress: string;
  /** 'http' for a direct hit; a tunnel may already have set X-Forwarded-Proto. */
  protocol: string;
}

/** Headers for the relayed request: hop-by-hop dropped, Host rewritten, X-Forwarded-* added. */
export function relayHeaders(input: RelayHeaderInput): HeaderPairs {
  const connectionListed = new Set<string>();
  for (const [n, v] of input.headers) {
    if (n.toLowerCase() === 'connection') for (const token of v.split(',')) connectionListed.add(token.trim().toLowerCase());
  }
  const out: HeaderPairs = [];
  let originalHost: string | null = null;
  let xff: string | null = null;
  let xfp: string | null = null;
  let xfh: string | null = null;
  for (const [n, v] of input.headers) {
    const lower = n.toLowerCase();
    if (lower === 'host') originalHost ??= v;
    if (lower === 'x-forwarded-for') {
      xff = xff ? `${xff}, ${v}` : v;
      continue;
    }
    if (lower === 'x-forwarded-proto') {
      xfp ??= v;
      continue;
    }
    if (lower === 'x-forwarded-host') {
      xfh ??= v;
      continue;
    }
    if (HOP_BY_HOP.has(lower) || connectionListed.has(lower)) continue;
    out.push([n, v]);
  }
  const target = new URL(input.targetUrl);
  const remote = input.remoteAddress.replace(/^::ffff:/, '');
  out.unshift(['Host', target.host]);
  out.push(['Content-Length', String(input.bodyLength)]);
  out.push(['X-Forwarded-For', xff ? `${xff}, ${remote}` : remote]);
  out.push(['X-Forwarded-Proto', xfp ?? input.protocol]);
  if (xfh ?? originalHost) out.push(['X-Forwarded-Host', (xfh ?? originalHost)!]);
  return out;
}

/** Headers of the target's response that may be passed back to the original sender. */
export function passThroughHeaders(headers: HeaderPairs): HeaderPairs {
  const connectionListed = new Set<string>();
  for (const [n, v] of headers) {
    if (n.toLowerCase() === 'connection') for (const token of v.split(',')) connectionListed.add(token.trim().toLowerCase());
  }
  return headers.filter(([n]) => {
    const lower = n.toLowerCase();
    return !HOP_BY_HOP.has(lower) && !connectionListed.has(lower) && lower !== 'date';
  });
}
