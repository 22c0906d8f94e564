import type { SchemeModule } from './types';
import { bytesWord, findHeader, hmac, judge } from './util';

// X-Shopify-Hmac-Sha256: base64 hmac-sha256 of the body, keyed with the app's client secret.
const HEADER = 'X-Shopify-Hmac-Sha256';

export const shopify: SchemeModule = {
  id: 'shopify',
  detect: (headers) => findHeader(headers, HEADER) !== null,
  verify(req, secrets) {
    const h = findHeader(req.headers, HEADER)!;
    return judge({
      scheme: 'shopify',
      header: h.name,
      received: [h.value.trim()],
      expected: secrets.map((s) => hmac('sha256', s.secret, req.body).toString('base64')),
      labels: secrets.map((s) => s.label),
      signedContent: `raw body (${bytesWord(req.body.length)}), HMAC-SHA256 base64`,
    });
  },
  sign(input, secret) {
    return { headers: [[HEADER, hmac('sha256', secret, input.body).toString('base64')]] };
  },
};
