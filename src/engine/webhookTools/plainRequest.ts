import { isDeliveryHeaderName, mayHoldStripeId } from './deliveryId';
import { isSignatureName } from './signatures';

// Most captures carry no signature and no delivery id; their annotations are one shared constant.
// This tells them apart from node's raw header list without building the view annotate needs
// (that view, two case-folding header passes and a capture object cost ~2-4 µs per request).

const MATTERS_MAX = 4096;
/** Raw header names (as sent, any case) → whether signature checks or delivery ids look at them. */
const matters = new Map<string, boolean>();

function nameMatters(name: string): boolean {
  let m = matters.get(name);
  if (m === undefined) {
    m = isSignatureName(name) || isDeliveryHeaderName(name);
    if (matters.size >= MATTERS_MAX) matters.clear();
    matters.set(name, m);
  }
  return m;
}

/** True when annotate would find no signature header and no delivery id (see deliveryIdOf). */
export function isPlainRequest(rawHeaders: readonly string[], body: Buffer, contentType: string | null): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) if (nameMatters(rawHeaders[i] as string)) return false;
  return !mayHoldStripeId(body, contentType);
}
