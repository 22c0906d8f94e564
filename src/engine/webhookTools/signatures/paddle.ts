import type { SchemeModule } from './types';
import { bytesWord, findHeader, hmac, judge, malformed, parseKeyValueList } from './util';

// Paddle-Signature: ts=<unix>;h1=<hex hmac-sha256 of "ts:body">[;h1=…] (several h1 during secret
// rotation). The key is the endpoint secret key string (pdl_ntfset_…) as UTF-8.
const HEADER = 'Paddle-Signature';

export const paddle: SchemeModule = {
  id: 'paddle',
  detect: (headers) => findHeader(headers, HEADER) !== null,
  verify(req, secrets, opts) {
    const h = findHeader(req.headers, HEADER)!;
    const pairs = parseKeyValueList(h.value, ';');
    const ts = pairs.find(([k]) => k === 'ts')?.[1];
    const h1 = pairs.filter(([k]) => k === 'h1').map(([, v]) => v);
    if (!ts || !/^\d+$/.test(ts)) return malformed('paddle', h.name, h.value, 'no ts= timestamp');
    if (h1.length === 0) return malformed('paddle', h.name, h.value, 'no h1= signature');
    return judge({
      scheme: 'paddle',
      header: h.name,
      received: h1,
      expected: secrets.map((s) => hmac('sha256', s.secret, `${ts}:`, req.body).toString('hex')),
      labels: secrets.map((s) => s.label),
      signedContent: `"${ts}:" + raw body (${bytesWord(req.body.length)}), HMAC-SHA256 hex`,
      timestamp: { value: Number(ts), receivedAtMs: req.receivedAtMs, toleranceSeconds: opts.toleranceSeconds },
    });
  },
  sign(input, secret) {
    const ts = String(input.timestamp);
    return { headers: [[HEADER, `ts=${ts};h1=${hmac('sha256', secret, `${ts}:`, input.body).toString('hex')}`]] };
  },
};
