import { describe, expect, it } from 'vitest';
import type { HeaderPairs } from '../../../src/shared/model/common';
import { deliveryIdOf } from '../../../src/engine/webhookTools/deliveryId';
import { isPlainRequest } from '../../../src/engine/webhookTools/plainRequest';
import { hasSignatureHeader } from '../../../src/engine/webhookTools/signatures';

// isPlainRequest is a shortcut past annotate: whenever it says "plain", annotate's own checks must
// find no signature header and no delivery id (else a signed or retried delivery would go unseen).

const NAMES = [
  'Content-Type', 'User-Agent', 'X-Request-Id', 'Accept', 'Host', 'X-Forwarded-For',
  'Stripe-Signature', 'X-Hub-Signature-256', 'X-Hub-Signature', 'X-GitHub-Delivery', 'X-Shopify-Hmac-Sha256',
  'X-Shopify-Webhook-Id', 'X-Slack-Signature', 'X-Slack-Request-Timestamp', 'X-Twilio-Signature',
  'X-Twilio-Idempotency-Token', 'webhook-id', 'webhook-signature', 'webhook-timestamp', 'svix-id',
  'svix-signature', 'Paddle-Signature', 'X-Signature-Ed25519', 'X-Signature-Timestamp',
];
const BODIES = [
  '', '{"a":1}', 'not json', '{"id":"evt_1","object":"event"}', '{"id":"evt_2"}',
  '{"notification_id":"ntf_1"}', '{"type":"event_callback","event_id":"Ev1"}',
  JSON.stringify({ pad: 'x'.repeat(5000), id: 'evt_late', object: 'event' }),
];
const TYPES = ['application/json', 'text/plain', null, 'application/x-www-form-urlencoded'];

function rand(n: number, seed: { s: number }): number {
  seed.s = (seed.s * 1103515245 + 12345) % 2147483648;
  return seed.s % n;
}

function caseOf(name: string, k: number): string {
  return k === 0 ? name : k === 1 ? name.toLowerCase() : name.toUpperCase();
}

describe('plain requests', () => {
  it('never calls a request plain that annotate would find signed or carrying a delivery id', () => {
    const seed = { s: 7 };
    let plain = 0;
    let notPlain = 0;
    for (let n = 0; n < 20_000; n++) {
      const count = rand(5, seed);
      const raw: string[] = [];
      for (let i = 0; i < count; i++) {
        // Mostly ordinary headers, sometimes a provider's.
        const pick = rand(3, seed) === 0 ? rand(NAMES.length, seed) : rand(6, seed);
        raw.push(caseOf(NAMES[pick]!, rand(3, seed)), rand(4, seed) === 0 ? '' : `v${n}`);
      }
      const body = Buffer.from(BODIES[rand(BODIES.length, seed)]!);
      const type = TYPES[rand(TYPES.length, seed)]!;
      const pairs: HeaderPairs = [];
      for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
      if (isPlainRequest(raw, body, type)) {
        plain++;
        expect(hasSignatureHeader(pairs)).toBe(false);
        expect(deliveryIdOf(pairs, body, type)).toBeNull();
      } else notPlain++;
    }
    // Both sides were exercised.
    expect(plain).toBeGreaterThan(2000);
    expect(notPlain).toBeGreaterThan(2000);
  });

  it('an ordinary JSON POST is plain; a signature header, a delivery id header or a Stripe event id is not', () => {
    const raw = ['Host', 'x', 'Content-Type', 'application/json', 'User-Agent', 'curl/8'];
    expect(isPlainRequest(raw, Buffer.from('{"a":1}'), 'application/json')).toBe(true);
    expect(isPlainRequest([...raw, 'stripe-signature', 't=1'], Buffer.from('{"a":1}'), 'application/json')).toBe(false);
    expect(isPlainRequest([...raw, 'X-GITHUB-DELIVERY', 'd1'], Buffer.from('{}'), 'application/json')).toBe(false);
    expect(isPlainRequest(raw, Buffer.from('{"id":"evt_1","object":"event"}'), 'application/json')).toBe(false);
  });
});
