import { createHash, randomBytes } from 'node:crypto';

// HTTP Digest access authentication (RFC 7616): MD5 and SHA-256 (and their -sess variants),
// qop=auth or the legacy RFC 2069 form when the server offers no qop.

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses one WWW-Authenticate value, which may hold several challenges (`Digest …, Basic …`). */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const n = header.length;
  const skipWs = (): void => {
    while (i < n && /[\s,]/.test(header[i] ?? '')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(header[i] ?? '')) i++;
    return header.slice(start, i);
  };
  while (i < n) {
    skipWs();
    const scheme = token();
    if (!scheme) {
      i++;
      continue;
    }
    const challenge: Challenge = { scheme, params: {} };
    out.push(challenge);
    for (;;) {
      skipWs();
      if (i >= n) break;
      const save = i;
      const name = token();
      let j = i;
      while (j < n && (header[j] === ' ' || header[j] === '\t')) j++;
      if (!name || header[j] !== '=') {
        i = save; // a new scheme starts here
        break;
      }
      i = j + 1;
      while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++;
      } else {
        const start = i;
        while (i < n && header[i] !== ',') i++;
        value = header.slice(start, i).trim();
      }
      challenge.params[name.toLowerCase()] = value;
      if (i >= n) break;
    }
  }
  return out;
}

const ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'MD5-SESS': 'md5',
  'SHA-256': 'sha256',
  'SHA-256-SESS': 'sha256',
};

/** Picks the strongest Digest challenge we support from all WWW-Authenticate values. */
export function pickDigestChallenge(headers: string[]): Challenge | null {
  let best: Challenge | null = null;
  let bestRank = -1;
  for (const h of headers) {
    for (const c of parseChallenges(h)) {
      if (c.scheme.toLowerCase() !== 'digest' || !c.params.nonce) continue;
      const alg = (c.params.algorithm ?? 'MD5').toUpperCase();
      if (!ALGORITHMS[alg]) continue;
      const qop = c.params.qop;
      if (qop && !qop.split(',').map((q) => q.trim().toLowerCase()).includes('auth')) continue;
      const rank = alg.startsWith('SHA-256') ? 2 : 1;
      if (rank > bestRank) {
        best = c;
        bestRank = rank;
      }
    }
  }
  return best;
}

function quote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The Authorization header value answering `challenge` for this method and request-target. */
export function digestAuthorization(
  challenge: Challenge,
  opts: { username: string; password: string; method: string; uri: string; nc?: number; cnonce?: string },
): string {
  const p = challenge.params;
  const algName = (p.algorithm ?? 'MD5').toUpperCase();
  const alg = ALGORITHMS[algName] ?? 'md5';
  const h = (s: string): string => createHash(alg).update(s, 'utf8').digest('hex');
  const realm = p.realm ?? '';
  const nonce = p.nonce ?? '';
  const cnonce = opts.cnonce ?? randomBytes(16).toString('hex');
  const nc = (opts.nc ?? 1).toString(16).padStart(8, '0');
  let ha1 = h(`${opts.username}:${realm}:${opts.password}`);
  if (algName.endsWith('-SESS')) ha1 = h(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = h(`${opts.method}:${opts.uri}`);
  const useQop = p.qop !== undefined;
  const response = useQop ? h(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`) : h(`${ha1}:${nonce}:${ha2}`);
  const parts = [
    `username=${quote(opts.username)}`,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(opts.uri)}`,
    `algorithm=${p.algorithm ?? 'MD5'}`,
  ];
  if (useQop) parts.push('qop=auth', `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  parts.push(`response=${quote(response)}`);
  if (p.opaque !== undefined) parts.push(`opaque=${quote(p.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}
