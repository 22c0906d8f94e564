import type { SchemeModule } from './types';
import { bytesWord, findHeader, hmac, judge, malformed } from './util';

// X-Slack-Signature: v0=<hex hmac-sha256 of "v0:<ts>:<body>">, ts from X-Slack-Request-Timestamp.
const SIG = 'X-Slack-Signature';
const TS = 'X-Slack-Request-Timestamp';

export const slack: SchemeModule = {
  id: 'slack',
  detect: (headers) => findHeader(headers, SIG) !== null,
  verify(req, secrets, opts) {
    const h = findHeader(req.headers, SIG)!;
    const tsHeader = findHeader(req.headers, TS);
    if (!tsHeader || !/^\d+$/.test(tsHeader.value.trim())) {
      return malformed('slack', h.name, h.value, `${TS} header missing or not a number`);
    }
    if (!h.value.startsWith('v0=')) return malformed('slack', h.name, h.value, 'expected "v0=<hex>"');
    const ts = tsHeader.value.trim();
    return judge({
      scheme: 'slack',
      header: h.name,
      received: [h.value],
      expected: secrets.map((s) => 'v0=' + hmac('sha256', s.secret, `v0:${ts}:`, req.body).toString('hex')),
      labels: secrets.map((s) => s.label),
      signedContent: `"v0:${ts}:" + raw body (${bytesWord(req.body.length)}), HMAC-SHA256 hex`,
      timestamp: { value: Number(ts), receivedAtMs: req.receivedAtMs, toleranceSeconds: opts.toleranceSeconds },
    });
  },
  sign(input, secret) {
    const ts = String(input.timestamp);
    return {
      headers: [
        [TS, ts],
        [SIG, 'v0=' + hmac('sha256', secret, `v0:${ts}:`, input.body).toString('hex')],
      ],
    };
  },
};
