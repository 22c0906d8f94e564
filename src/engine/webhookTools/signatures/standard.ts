import { randomUUID } from 'node:crypto';
import { SwitchboardError } from '../../../shared/errors';
import type { SchemeModule } from './types';
import { bytesWord, findHeader, hmac, judge, malformed } from './util';

// Standard Webhooks (webhook-id / webhook-timestamp / webhook-signature) and Svix (the same scheme
// under svix-* names). Signature: space-separated "v1,<base64 hmac-sha256 of "id.ts.body">"; the
// key is the base64 part of a whsec_… secret, decoded.

function family(headers: Parameters<SchemeModule['detect']>[0]): 'webhook' | 'svix' | null {
  if (findHeader(headers, 'webhook-signature')) return 'webhook';
  if (findHeader(headers, 'svix-signature')) return 'svix';
  return null;
}

export function standardKey(secret: string): Buffer {
  const b64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    throw new SwitchboardError('SECRET_INVALID', 'A Standard Webhooks / Svix secret is "whsec_" followed by base64.');
  }
  const key = Buffer.from(b64, 'base64');
  if (key.length === 0) throw new SwitchboardError('SECRET_INVALID', 'The whsec_ secret decodes to no bytes.');
  return key;
}

export const standard: SchemeModule = {
  id: 'standard',
  detect: (headers) => family(headers) !== null,
  verify(req, secrets, opts) {
    const fam = family(req.headers)!;
    const sig = findHeader(req.headers, `${fam}-signature`)!;
    const id = findHeader(req.headers, `${fam}-id`);
    const ts = findHeader(req.headers, `${fam}-timestamp`);
    if (!id) return malformed('standard', sig.name, sig.value, `${fam}-id header missing`);
    if (!ts || !/^\d+$/.test(ts.value.trim())) return malformed('standard', sig.name, sig.value, `${fam}-timestamp missing or not a number`);
    const received = sig.value
      .split(' ')
      .filter((part) => part.startsWith('v1,'))
      .map((part) => part.slice(3));
    if (received.length === 0) return malformed('standard', sig.name, sig.value, 'no "v1,<base64>" signature');
    const t = ts.value.trim();
    const expected = secrets.map((s) => {
      try {
        return hmac('sha256', standardKey(s.secret), `${id.value}.${t}.`, req.body).toString('base64');
      } catch {
        return '(secret is not whsec_ + base64)';
      }
    });
    return judge({
      scheme: 'standard',
      header: sig.name,
      received,
      expected,
      labels: secrets.map((s) => s.label),
      signedContent: `"${id.value}.${t}." + raw body (${bytesWord(req.body.length)}), HMAC-SHA256 base64 (${fam}-* headers)`,
      timestamp: { value: Number(t), receivedAtMs: req.receivedAtMs, toleranceSeconds: opts.toleranceSeconds },
    });
  },
  sign(input, secret) {
    const fam = family(input.headers) ?? 'webhook';
    const id = findHeader(input.headers, `${fam}-id`)?.value ?? `msg_${randomUUID().replace(/-/g, '')}`;
    const t = String(input.timestamp);
    const sig = hmac('sha256', standardKey(secret), `${id}.${t}.`, input.body).toString('base64');
    return {
      headers: [
        [`${fam}-id`, id],
        [`${fam}-timestamp`, t],
        [`${fam}-signature`, `v1,${sig}`],
      ],
    };
  },
};
