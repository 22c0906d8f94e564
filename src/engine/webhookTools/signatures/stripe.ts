import type { SchemeModule } from './types';
import { bytesWord, findHeader, hmac, judge, malformed, parseKeyValueList } from './util';

// Stripe-Signature: t=<unix>,v1=<hex hmac-sha256 of "t.body">[,v1=…][,v0=…]. The key is the whole
// whsec_… string as UTF-8 (not base64-decoded, unlike Standard Webhooks).
const HEADER = 'Stripe-Signature';

export const stripe: SchemeModule = {
  id: 'stripe',
  detect: (headers) => findHeader(headers, HEADER) !== null,
  verify(req, secrets, opts) {
    const h = findHeader(req.headers, HEADER)!;
    const pairs = parseKeyValueList(h.value, ',');
    const t = pairs.find(([k]) => k === 't')?.[1];
    const v1 = pairs.filter(([k]) => k === 'v1').map(([, v]) => v);
    if (!t || !/^\d+$/.test(t)) return malformed('stripe', h.name, h.value, 'no t= timestamp');
    if (v1.length === 0) return malformed('stripe', h.name, h.value, 'no v1= signature');
    const ts = Number(t);
    return judge({
      scheme: 'stripe',
      header: h.name,
      received: v1,
      expected: secrets.map((s) => hmac('sha256', s.secret, `${t}.`, req.body).toString('hex')),
      labels: secrets.map((s) => s.label),
      signedContent: `"${t}." + raw body (${bytesWord(req.body.length)}), HMAC-SHA256 hex`,
      timestamp: { value: ts, receivedAtMs: req.receivedAtMs, toleranceSeconds: opts.toleranceSeconds },
    });
  },
  sign(input, secret) {
    const t = String(input.timestamp);
    const sig = hmac('sha256', secret, `${t}.`, input.body).toString('hex');
    return { headers: [[HEADER, `t=${t},v1=${sig}`]] };
  },
};
