import type { HeaderPairs } from '../../shared/model/common';
import { findHeader } from './signatures/util';

// Providers retry a delivery with the same id; this finds it so a retry can point at the first.
const HEADER_IDS: Array<[string, string]> = [
  ['X-GitHub-Delivery', 'github'],
  ['webhook-id', 'standard'],
  ['svix-id', 'standard'],
  ['X-Shopify-Webhook-Id', 'shopify'],
  ['X-Twilio-Idempotency-Token', 'twilio'],
];

/** Provider-qualified delivery id, e.g. "github:72d3162e-…", or null. */
export function deliveryIdOf(headers: HeaderPairs, body: Buffer, contentType: string | null): string | null {
  for (const [name, provider] of HEADER_IDS) {
    const h = findHeader(headers, name);
    if (h && h.value.trim()) return `${provider}:${h.value.trim()}`;
  }
  const stripe = findHeader(headers, 'Stripe-Signature');
  const paddle = findHeader(headers, 'Paddle-Signature');
  const looksJson = (contentType ?? '').toLowerCase().includes('json') || (body.length > 0 && body[0] === 0x7b);
  // Parse only bodies that can hold such an id: this runs for every capture.
  const slack = findHeader(headers, 'X-Slack-Signature');
  const candidate = body.includes('"evt_') || (paddle !== null && body.includes('"notification_id"')) || (slack !== null && body.includes('"event_id"'));
  if (looksJson && candidate && body.length <= 8 * 1024 * 1024) {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      if (typeof parsed.id === 'string' && parsed.id.startsWith('evt_') && (stripe || parsed.object === 'event')) return `stripe:${parsed.id}`;
      if (paddle && typeof parsed.notification_id === 'string') return `paddle:${parsed.notification_id}`;
      // Slack Events API retries (X-Slack-Retry-Num) repeat the envelope's event_id.
      if (slack && typeof parsed.event_id === 'string') return `slack:${parsed.event_id}`;
    } catch {
      // Not JSON after all: no id.
    }
  }
  return null;
}
