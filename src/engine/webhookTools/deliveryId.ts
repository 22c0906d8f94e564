import type { HeaderPairs } from '../../shared/model/common';
import { PLAIN_BODY_HEAD } from '../catcher/hooks';

// Providers retry a delivery with the same id; this finds it so a retry can point at the first.
const HEADER_IDS: Array<[string, string]> = [
  ['X-GitHub-Delivery', 'github'],
  ['webhook-id', 'standard'],
  ['svix-id', 'standard'],
  ['X-Shopify-Webhook-Id', 'shopify'],
  ['X-Twilio-Idempotency-Token', 'twilio'],
];

// Lower-cased names this looks at → their slot in `found` below (ids first, in HEADER_IDS order).
const SLOTS = new Map<string, number>([
  ...HEADER_IDS.map(([name], i): [string, number] => [name.toLowerCase(), i]),
  ['stripe-signature', HEADER_IDS.length],
  ['paddle-signature', HEADER_IDS.length + 1],
  ['x-slack-signature', HEADER_IDS.length + 2],
]);

// The catcher's cheap first look gives at least this much of a body (see plainAnnotations).
const STRIPE_ID_WINDOW = PLAIN_BODY_HEAD;

/** Whether deliveryIdOf looks at a header of this name (any case). */
export function isDeliveryHeaderName(name: string): boolean {
  return SLOTS.has(name.toLowerCase());
}

/** What deliveryIdOf checks of a body when no header it knows is there. */
export function mayHoldStripeId(body: Buffer, contentType: string | null): boolean {
  if (!looksJson(body, contentType)) return false;
  // A Buffer needle skips includes()'s string encoding on every call (this runs for every capture).
  return (body.length <= STRIPE_ID_WINDOW ? body : body.subarray(0, STRIPE_ID_WINDOW)).includes(STRIPE_ID_NEEDLE);
}

const STRIPE_ID_NEEDLE = Buffer.from('"evt_');

function looksJson(body: Buffer, contentType: string | null): boolean {
  return (contentType ?? '').toLowerCase().includes('json') || (body.length > 0 && body[0] === 0x7b);
}

/** Provider-qualified delivery id, e.g. "github:72d3162e-…", or null. */
export function deliveryIdOf(headers: HeaderPairs, body: Buffer, contentType: string | null): string | null {
  // One case-folded pass over the headers (this runs for every capture); the first of each name counts.
  let found: Array<string | undefined> | null = null;
  for (const [name, value] of headers) {
    const slot = SLOTS.get(name.toLowerCase());
    if (slot === undefined) continue;
    found ??= [];
    if (found[slot] === undefined) found[slot] = value;
  }
  if (found) {
    for (let i = 0; i < HEADER_IDS.length; i++) {
      const v = found[i]?.trim();
      if (v) return `${(HEADER_IDS[i] as [string, string])[1]}:${v}`;
    }
  }
  const stripe = found?.[HEADER_IDS.length] !== undefined;
  const paddle = found?.[HEADER_IDS.length + 1] !== undefined;
  const isJson = looksJson(body, contentType);
  // Parse only bodies that can hold such an id: this runs for every capture.
  const slack = found?.[HEADER_IDS.length + 2] !== undefined;
  // Stripe writes an event's id first: without its signature header, only the start is searched
  // (searching every large JSON body cost tens of µs per capture at 64 KiB).
  const candidate = (stripe ? body.includes(STRIPE_ID_NEEDLE) : mayHoldStripeId(body, contentType)) || (paddle && body.includes('"notification_id"')) || (slack && body.includes('"event_id"'));
  if (isJson && candidate && body.length <= 8 * 1024 * 1024) {
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
