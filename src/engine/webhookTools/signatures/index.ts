import type { HeaderPairs } from '../../../shared/model/common';
import {
  DEFAULT_TOLERANCES,
  SIGNATURE_SCHEME_LABELS,
  type SignatureResult,
  type SignatureScheme,
} from '../../../shared/model/webhookTools';
import { SwitchboardError } from '../../../shared/errors';
import type { SchemeModule, SchemeSecret, SignedRequest, SignInput, SignOutput } from './types';
import { stripe } from './stripe';
import { github } from './github';
import { slack } from './slack';
import { shopify } from './shopify';
import { standard, standardKey } from './standard';
import { twilio } from './twilio';
import { paddle } from './paddle';
import { discord, discordPublicKey } from './discord';
import { setHeaders } from './util';

export type { SignedRequest, SchemeSecret } from './types';
export { setHeaders } from './util';

/** Detection order: the most specific headers first (Discord/Slack never carry the others). */
export const SCHEMES: readonly SchemeModule[] = [stripe, github, slack, shopify, standard, twilio, paddle, discord];

export function schemeModule(id: SignatureScheme): SchemeModule {
  const m = SCHEMES.find((s) => s.id === id);
  if (!m) throw new SwitchboardError('VALIDATION_FAILED', `Unknown signature scheme: ${id}`);
  return m;
}

export function detectScheme(headers: HeaderPairs): SignatureScheme | null {
  if (!hasSignatureHeader(headers)) return null;
  return SCHEMES.find((s) => s.detect(headers))?.id ?? null;
}

// Header name as sent → whether some scheme detects on it. Every scheme detects on the presence of
// one header, so a request is unsigned unless one of its names says otherwise; this runs on every
// capture, and asking each scheme in turn costs a case-folded scan of the headers per scheme.
const signatureNames = new Map<string, boolean>();

/** Whether a header of this name (any case) could make a signature scheme detect. Cached per name. */
export function isSignatureName(name: string): boolean {
  let known = signatureNames.get(name);
  if (known === undefined) {
    known = SCHEMES.some((s) => s.detect([[name, '']]));
    if (signatureNames.size >= 4096) signatureNames.clear();
    signatureNames.set(name, known);
  }
  return known;
}

/** Whether any header could make a scheme detect: false means the request is unsigned. */
export function hasSignatureHeader(headers: HeaderPairs): boolean {
  for (const [name] of headers) if (isSignatureName(name)) return true;
  return false;
}

/** Check that a secret has the shape its scheme needs; throws SECRET_INVALID with a clear message. */
export function validateSecret(scheme: SignatureScheme, secret: string): void {
  if (!secret) throw new SwitchboardError('SECRET_INVALID', `The ${SIGNATURE_SCHEME_LABELS[scheme]} secret is empty.`);
  if (scheme === 'standard') standardKey(secret);
  if (scheme === 'discord') discordPublicKey(secret);
}

export interface VerifyConfig {
  secrets: Array<SchemeSecret & { scheme: SignatureScheme }>;
  tolerances?: Partial<Record<SignatureScheme, number>>;
}

/** Detect the scheme from the headers and verify over the exact bytes with the configured secrets. */
export function verifySignature(req: SignedRequest, config: VerifyConfig): SignatureResult {
  const mod = hasSignatureHeader(req.headers) ? SCHEMES.find((s) => s.detect(req.headers)) : undefined;
  if (!mod) return { scheme: null, status: 'unsigned', reason: 'No known signature header.' };
  const secrets = config.secrets.filter((s) => s.scheme === mod.id);
  if (secrets.length === 0) {
    return {
      scheme: mod.id,
      status: 'no-secret',
      reason: `Signed with ${SIGNATURE_SCHEME_LABELS[mod.id]}, but no ${mod.id} secret is configured for this catcher.`,
    };
  }
  const tolerance = config.tolerances?.[mod.id] ?? DEFAULT_TOLERANCES[mod.id];
  try {
    return mod.verify(req, secrets, { toleranceSeconds: tolerance });
  } catch (err) {
    return { scheme: mod.id, status: 'invalid', reason: `Could not verify: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Re-sign a request with a fresh timestamp; returns the new headers (and URL for Twilio JSON). */
export function resign(scheme: SignatureScheme, input: SignInput, secret: string): SignOutput & { headersOut: HeaderPairs } {
  const out = schemeModule(scheme).sign(input, secret);
  return { ...out, headersOut: setHeaders(input.headers, out.headers) };
}
