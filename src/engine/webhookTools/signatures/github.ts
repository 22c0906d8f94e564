import type { SchemeModule } from './types';
import { bytesWord, findHeader, hmac, judge, malformed } from './util';

// X-Hub-Signature-256: sha256=<hex hmac of body>. Older hooks also (or only) send X-Hub-Signature
// with sha1; we verify sha256 when present and fall back to sha1. No timestamp is signed.
const H256 = 'X-Hub-Signature-256';
const H1 = 'X-Hub-Signature';

export const github: SchemeModule = {
  id: 'github',
  detect: (headers) => findHeader(headers, H256) !== null || findHeader(headers, H1) !== null,
  verify(req, secrets) {
    const h256 = findHeader(req.headers, H256);
    const h = h256 ?? findHeader(req.headers, H1)!;
    const algorithm = h256 ? 'sha256' : 'sha1';
    const prefix = `${algorithm}=`;
    if (!h.value.startsWith(prefix)) return malformed('github', h.name, h.value, `expected "${prefix}<hex>"`);
    return judge({
      scheme: 'github',
      header: h.name,
      received: [h.value],
      expected: secrets.map((s) => prefix + hmac(algorithm, s.secret, req.body).toString('hex')),
      labels: secrets.map((s) => s.label),
      signedContent: `raw body (${bytesWord(req.body.length)}), HMAC-${algorithm.toUpperCase()} hex`,
    });
  },
  sign(input, secret) {
    return {
      headers: [
        [H256, 'sha256=' + hmac('sha256', secret, input.body).toString('hex')],
        // Keep the legacy header consistent when the original delivery carried it.
        ...(findHeader(input.headers, H1) ? [[H1, 'sha1=' + hmac('sha1', secret, input.body).toString('hex')] as [string, string]] : []),
      ],
    };
  },
};
