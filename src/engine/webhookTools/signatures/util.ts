import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HeaderPairs } from '../../../shared/model/common';
import type { SignatureResult } from '../../../shared/model/webhookTools';

/** First header with this name (case-insensitive), with its name as sent. */
export function findHeader(headers: HeaderPairs, name: string): { name: string; value: string } | null {
  const lower = name.toLowerCase();
  for (const [n, v] of headers) if (n.toLowerCase() === lower) return { name: n, value: v };
  return null;
}

export function hasHeader(headers: HeaderPairs, name: string): boolean {
  return findHeader(headers, name) !== null;
}

export function hmac(algorithm: 'sha1' | 'sha256', key: string | Buffer, ...parts: Array<string | Buffer>): Buffer {
  const h = createHmac(algorithm, key);
  for (const part of parts) h.update(part);
  return h.digest();
}

/**
 * Constant-time comparison of two signature strings. Lengths are compared first because
 * timingSafeEqual throws on a mismatch; the length of a well-formed signature is public.
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  return x.length === y.length && timingSafeEqual(x, y);
}

export function bytesWord(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}

/** Parse "a=1,b=2,b=3" (or ';'-separated) into ordered pairs. */
export function parseKeyValueList(value: string, separator: ',' | ';'): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const part of value.split(separator)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  return out;
}

/** Judge a signed timestamp (unix seconds) against arrival time. */
export function checkTimestamp(
  timestamp: number,
  receivedAtMs: number,
  toleranceSeconds: number | null,
): { skewSeconds: number; expired: boolean; words: string } {
  const skewSeconds = Math.round(receivedAtMs / 1000 - timestamp);
  const expired = !!toleranceSeconds && Math.abs(skewSeconds) > toleranceSeconds;
  const words =
    skewSeconds >= 0
      ? `signed ${skewSeconds} s before arrival`
      : `timestamp is ${-skewSeconds} s in the future (clock skew)`;
  return { skewSeconds, expired, words };
}

/** Shared result assembly for "one HMAC, one or more received signatures, maybe a timestamp" schemes. */
export function judge(args: {
  scheme: SignatureResult['scheme'];
  header: string;
  received: string[];
  /** Expected value per secret, in the same order as `labels`. */
  expected: string[];
  labels: string[];
  signedContent: string;
  compare?: (expected: string, received: string) => boolean;
  timestamp?: { value: number; receivedAtMs: number; toleranceSeconds: number | null };
}): SignatureResult {
  const compare = args.compare ?? safeEqual;
  let matched = -1;
  for (let i = 0; i < args.expected.length && matched < 0; i++) {
    const exp = args.expected[i]!;
    // Compare against every received value: no early exit that would depend on secret bytes.
    let hit = false;
    for (const rec of args.received) if (compare(exp, rec)) hit = true;
    if (hit) matched = i;
  }
  const base: SignatureResult = {
    scheme: args.scheme,
    status: 'invalid',
    reason: null,
    header: args.header,
    received: args.received,
    expected: args.expected[matched >= 0 ? matched : 0],
    signedContent: args.signedContent,
  };
  let time: ReturnType<typeof checkTimestamp> | null = null;
  if (args.timestamp) {
    time = checkTimestamp(args.timestamp.value, args.timestamp.receivedAtMs, args.timestamp.toleranceSeconds);
    base.timestamp = args.timestamp.value;
    base.skewSeconds = time.skewSeconds;
    if (args.timestamp.toleranceSeconds) base.toleranceSeconds = args.timestamp.toleranceSeconds;
  }
  if (matched < 0) {
    const secrets = args.expected.length === 1 ? 'the configured secret' : `any of the ${args.expected.length} configured secrets`;
    base.reason =
      `Signature does not match ${secrets}: expected ${args.expected[0] ?? '?'}, received ${args.received.join(', ') || '(nothing)'}; ` +
      `signed bytes: ${args.signedContent}` +
      (time ? `; ${time.words}` : '') +
      '. Check the secret, and whether something re-encoded the body on the way.';
    return base;
  }
  base.secretLabel = args.labels[matched];
  if (time?.expired) {
    base.status = 'expired';
    base.reason = `Signature matches, but the timestamp is outside the ${args.timestamp!.toleranceSeconds} s tolerance: ${time.words}.`;
    return base;
  }
  base.status = 'valid';
  base.reason = `Signature matches secret "${base.secretLabel}"${time ? `; ${time.words}` : ''}.`;
  return base;
}

export function malformed(scheme: SignatureResult['scheme'], header: string, value: string, why: string): SignatureResult {
  return {
    scheme,
    status: 'invalid',
    reason: `Malformed ${header} header (${why}): ${value.slice(0, 200)}`,
    header,
    received: [value],
  };
}

/** Replace (case-insensitively) or append headers. */
export function setHeaders(headers: HeaderPairs, set: Array<[string, string]>): HeaderPairs {
  const out: HeaderPairs = headers.map(([n, v]) => [n, v]);
  for (const [name, value] of set) {
    const lower = name.toLowerCase();
    const idx = out.findIndex(([n]) => n.toLowerCase() === lower);
    if (idx >= 0) {
      out[idx] = [out[idx]![0], value];
      // Drop later duplicates of the same header so the receiver sees one value.
      for (let i = out.length - 1; i > idx; i--) if (out[i]![0].toLowerCase() === lower) out.splice(i, 1);
    } else out.push([name, value]);
  }
  return out;
}
