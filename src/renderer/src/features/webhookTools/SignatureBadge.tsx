import type { SignatureResult, SignatureStatus } from '../../../../shared/model/webhookTools';
import { SIGNATURE_SCHEME_LABELS } from '../../../../shared/model/webhookTools';
import './webhookTools.css';

const TEXT: Record<SignatureStatus, string> = {
  valid: '✓ signed',
  invalid: '✗ bad sig',
  expired: '⏱ expired',
  'no-secret': '? no secret',
  unsigned: '',
};

const LONG: Record<SignatureStatus, string> = {
  valid: 'Signature valid',
  invalid: 'Signature invalid',
  expired: 'Signature expired',
  'no-secret': 'Signed, no secret configured',
  unsigned: 'Not signed',
};

/** Compact badge for the list; nothing for unsigned requests (most traffic), so the list stays calm. */
export function SignatureBadge({ status, result, long = false }: { status: SignatureStatus | null | undefined; result?: SignatureResult | null; long?: boolean }) {
  if (!status || (status === 'unsigned' && !long)) return null;
  const scheme = result?.scheme ? SIGNATURE_SCHEME_LABELS[result.scheme] : null;
  const title = [scheme, LONG[status], result?.reason].filter(Boolean).join(' — ');
  return (
    <span className={`sig-badge sig-${status}`} title={title} data-testid="signature-badge" data-status={status}>
      {long ? `${LONG[status]}${scheme ? ` · ${scheme}` : ''}` : TEXT[status]}
    </span>
  );
}
