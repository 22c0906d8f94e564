import { createPublicKey, verify as edVerify, type KeyObject } from 'node:crypto';
import { SwitchboardError } from '../../../shared/errors';
import type { SchemeModule } from './types';
import { bytesWord, checkTimestamp, findHeader, malformed } from './util';

// Discord interactions / webhook events: Ed25519 over timestamp + body. The configured "secret" is
// the application's public key (hex), so we can verify but never sign.
const SIG = 'X-Signature-Ed25519';
const TS = 'X-Signature-Timestamp';

export function discordPublicKey(hex: string): KeyObject {
  const clean = hex.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(clean)) {
    throw new SwitchboardError('SECRET_INVALID', 'A Discord public key is 64 hex characters (32 bytes).');
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(clean, 'hex').toString('base64url') }, format: 'jwk' });
}

export const discord: SchemeModule = {
  id: 'discord',
  detect: (headers) => findHeader(headers, SIG) !== null,
  verify(req, secrets, opts) {
    const h = findHeader(req.headers, SIG)!;
    const tsHeader = findHeader(req.headers, TS);
    if (!tsHeader) return malformed('discord', h.name, h.value, `${TS} header missing`);
    const sigHex = h.value.trim();
    if (!/^[0-9a-fA-F]{128}$/.test(sigHex)) return malformed('discord', h.name, h.value, 'expected 128 hex characters');
    const message = Buffer.concat([Buffer.from(tsHeader.value, 'utf8'), req.body]);
    const signature = Buffer.from(sigHex, 'hex');
    let matched: string | null = null;
    const problems: string[] = [];
    for (const s of secrets) {
      try {
        if (edVerify(null, message, discordPublicKey(s.secret), signature) && matched === null) matched = s.label;
      } catch (err) {
        problems.push(`${s.label}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const signedContent = `"${tsHeader.value}" + raw body (${bytesWord(req.body.length)}), Ed25519`;
    const base = { scheme: 'discord' as const, header: h.name, received: [sigHex], signedContent };
    const tsNum = Number(tsHeader.value);
    const time = Number.isFinite(tsNum) ? checkTimestamp(tsNum, req.receivedAtMs, opts.toleranceSeconds) : null;
    const timeFields = time ? { timestamp: tsNum, skewSeconds: time.skewSeconds, ...(opts.toleranceSeconds ? { toleranceSeconds: opts.toleranceSeconds } : {}) } : {};
    if (matched === null) {
      return {
        ...base,
        ...timeFields,
        status: 'invalid',
        reason:
          `Ed25519 signature does not verify with ${secrets.length === 1 ? 'the configured public key' : `any of ${secrets.length} public keys`} ` +
          `over ${signedContent}${problems.length ? ` (${problems.join('; ')})` : ''}.`,
      };
    }
    if (time?.expired) {
      return { ...base, ...timeFields, secretLabel: matched, status: 'expired', reason: `Signature verifies, but ${time.words} (tolerance ${opts.toleranceSeconds} s).` };
    }
    return { ...base, ...timeFields, secretLabel: matched, status: 'valid', reason: `Ed25519 signature verifies with public key "${matched}".` };
  },
  sign() {
    throw new SwitchboardError(
      'RESIGN_UNSUPPORTED',
      'Discord signs with its private Ed25519 key; only the public key is known here, so a Discord request cannot be re-signed.',
    );
  },
};
