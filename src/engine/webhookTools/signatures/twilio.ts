import { createHash } from 'node:crypto';
import type { HeaderPairs } from '../../../shared/model/common';
import type { SignatureResult } from '../../../shared/model/webhookTools';
import type { SchemeModule, SignedRequest } from './types';
import { bytesWord, findHeader, hmac, safeEqual } from './util';

// X-Twilio-Signature: base64 HMAC (SHA1 with the auth token; SHA256 when
// X-Twilio-Webhooks-Signature-Settings says algorithm=HMAC_SHA256) over the full public URL
// followed, for form posts, by every parameter name+value sorted by name. JSON posts carry
// bodySHA256=<hex sha256 of body> in the URL instead, and only the URL is signed.
const SIG = 'X-Twilio-Signature';
const SETTINGS = 'X-Twilio-Webhooks-Signature-Settings';

function algorithmOf(headers: HeaderPairs): 'sha1' | 'sha256' | null {
  const value = findHeader(headers, SETTINGS)?.value ?? '';
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === 'algorithm') {
      const alg = part.slice(eq + 1).trim().toUpperCase();
      if (!alg || alg === 'HMAC_SHA1') return 'sha1';
      if (alg === 'HMAC_SHA256') return 'sha256';
      return null;
    }
  }
  return 'sha1';
}

function isForm(headers: HeaderPairs): boolean {
  return (findHeader(headers, 'content-type')?.value ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** Name+value per parameter, names sorted; repeated names contribute each distinct value, sorted. */
export function twilioParamString(body: Buffer): string {
  const grouped = new Map<string, Set<string>>();
  for (const [k, v] of new URLSearchParams(body.toString('utf8'))) {
    if (!grouped.has(k)) grouped.set(k, new Set());
    grouped.get(k)!.add(v);
  }
  let out = '';
  for (const key of [...grouped.keys()].sort()) for (const v of [...grouped.get(key)!].sort()) out += key + v;
  return out;
}

function withPortVariants(url: string): string[] {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (!m) return [url];
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const portStart = authority.indexOf(':', authority.lastIndexOf(']') + 1);
  const host = portStart === -1 ? authority : authority.slice(0, portStart);
  const withoutPort = scheme + host + rest;
  const withPort = portStart === -1 ? scheme + host + (scheme.toLowerCase() === 'https://' ? ':443' : ':80') + rest : url;
  return [...new Set([url, withoutPort, withPort])];
}

/** Full URLs the sender may have signed: configured public bases, then what the Host header says. */
export function twilioCandidateUrls(req: Pick<SignedRequest, 'url' | 'headers' | 'publicBaseUrls'>): string[] {
  const bases = [...(req.publicBaseUrls ?? [])];
  const host = findHeader(req.headers, 'x-forwarded-host')?.value ?? findHeader(req.headers, 'host')?.value;
  if (host) {
    const proto = (findHeader(req.headers, 'x-forwarded-proto')?.value ?? '').split(',')[0]?.trim() || 'http';
    bases.push(`${proto}://${host.split(',')[0]!.trim()}`);
  }
  const urls: string[] = [];
  for (const base of bases) urls.push(...withPortVariants(base.replace(/\/+$/, '') + req.url));
  return [...new Set(urls)];
}

export const twilio: SchemeModule = {
  id: 'twilio',
  detect: (headers) => findHeader(headers, SIG) !== null,
  verify(req, secrets) {
    const h = findHeader(req.headers, SIG)!;
    const received = h.value.trim();
    const algorithm = algorithmOf(req.headers);
    const base: SignatureResult = { scheme: 'twilio', status: 'invalid', reason: null, header: h.name, received: [received] };
    if (!algorithm) return { ...base, reason: `Unsupported algorithm in ${SETTINGS}.` };
    const urls = twilioCandidateUrls(req);
    if (urls.length === 0) {
      return { ...base, reason: 'Twilio signs the public URL it called; set the catcher\'s public URL (or use a tunnel) so it can be checked.' };
    }
    const jsonVariant = req.url.includes('bodySHA256');
    const params = jsonVariant ? '' : isForm(req.headers) ? twilioParamString(req.body) : '';
    let bodyHashProblem: string | null = null;
    if (jsonVariant) {
      const q = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1));
      const claimed = q.get('bodySHA256') ?? '';
      const actual = createHash('sha256').update(req.body).digest('hex');
      if (!safeEqual(claimed, actual)) bodyHashProblem = `bodySHA256 in the URL is ${claimed || '(empty)'} but the body hashes to ${actual}`;
    }
    const signedWords = jsonVariant
      ? `full URL only (body bound by bodySHA256, ${bytesWord(req.body.length)})`
      : params
        ? 'full URL + sorted form parameters (name+value)'
        : 'full URL';
    let match: { label: string; url: string; expected: string } | null = null;
    let firstExpected = '';
    for (const s of secrets) {
      for (const url of urls) {
        const expected = hmac(algorithm, s.secret, url, params).toString('base64');
        if (!firstExpected) firstExpected = expected;
        if (safeEqual(expected, received) && !match) match = { label: s.label, url, expected };
      }
    }
    const signedContent = `${signedWords}, HMAC-${algorithm.toUpperCase()} base64`;
    if (!match) {
      return {
        ...base,
        expected: firstExpected,
        url: urls[0]!,
        signedContent,
        reason:
          `Signature does not match: expected ${firstExpected} for ${urls[0]}, received ${received}. ` +
          `URLs tried: ${urls.join(', ')}. Twilio signs the exact public URL it called; set the catcher's public URL if it differs.` +
          (bodyHashProblem ? ` Also: ${bodyHashProblem}.` : ''),
      };
    }
    if (bodyHashProblem) {
      return { ...base, expected: match.expected, url: match.url, signedContent, secretLabel: match.label, reason: `URL signature matches, but ${bodyHashProblem}.` };
    }
    return {
      ...base,
      status: 'valid',
      expected: match.expected,
      url: match.url,
      signedContent,
      secretLabel: match.label,
      reason: `Signature matches secret "${match.label}" for ${match.url}.`,
    };
  },
  sign(input, secret) {
    const algorithm = algorithmOf(input.headers) ?? 'sha1';
    if (isForm(input.headers)) {
      return { headers: [[SIG, hmac(algorithm, secret, input.url, twilioParamString(input.body)).toString('base64')]] };
    }
    // JSON (or any non-form) body: bind it through bodySHA256 in the URL, then sign the URL.
    const u = new URL(input.url);
    u.searchParams.set('bodySHA256', createHash('sha256').update(input.body).digest('hex'));
    const url = u.toString();
    return { headers: [[SIG, hmac(algorithm, secret, url).toString('base64')]], url };
  },
};
