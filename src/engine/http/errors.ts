import { SwitchboardError } from '../../shared/errors';

/** Names for OpenSSL's verification codes, in the words users search for. */
const TLS_PROBLEMS: Record<string, { reason: string; words: string }> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: { reason: 'self-signed', words: 'the certificate is self-signed' },
  SELF_SIGNED_CERT_IN_CHAIN: { reason: 'self-signed-chain', words: 'the chain ends in a self-signed root that is not trusted' },
  CERT_HAS_EXPIRED: { reason: 'expired', words: 'the certificate has expired' },
  CERT_NOT_YET_VALID: { reason: 'not-yet-valid', words: 'the certificate is not valid yet' },
  ERR_TLS_CERT_ALTNAME_INVALID: { reason: 'hostname-mismatch', words: 'the certificate does not match the host name' },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { reason: 'unknown-issuer', words: 'the certificate was issued by an unknown authority' },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { reason: 'unknown-issuer', words: 'the issuer certificate is not trusted locally' },
  UNABLE_TO_GET_ISSUER_CERT: { reason: 'unknown-issuer', words: 'the issuer certificate could not be found' },
  CERT_REVOKED: { reason: 'revoked', words: 'the certificate has been revoked' },
  CERT_SIGNATURE_FAILURE: { reason: 'bad-signature', words: 'the certificate signature is invalid' },
  CERT_UNTRUSTED: { reason: 'untrusted', words: 'the certificate is not trusted' },
  CERT_REJECTED: { reason: 'rejected', words: 'the certificate was rejected' },
  INVALID_CA: { reason: 'invalid-ca', words: 'a CA certificate in the chain is invalid' },
};

export function tlsProblem(code: string): { reason: string; words: string } | undefined {
  return TLS_PROBLEMS[code];
}

/** The error that stops a request on purpose (cancel, timeout) carries its final shape already. */
export function isSwitchboardError(err: unknown): err is SwitchboardError {
  return err instanceof SwitchboardError;
}

/** Turns a Node transport error into a stable code and a sentence for people. */
export function transportError(err: unknown, target: URL, viaProxy: boolean): SwitchboardError {
  if (err instanceof SwitchboardError) return err;
  const e = err as NodeJS.ErrnoException & { reason?: string; host?: string };
  const code = typeof e?.code === 'string' ? e.code : '';
  const msg = err instanceof Error ? err.message : String(err);
  const host = target.hostname;
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const detail = { cause: code || undefined, message: msg };
  const tls = TLS_PROBLEMS[code];
  if (tls) {
    return new SwitchboardError(
      'HTTP_TLS_FAILED',
      `TLS verification of ${host} failed: ${tls.words}. Turn "Verify TLS" off for this request to send it anyway.`,
      { ...detail, reason: tls.reason },
    );
  }
  if (/wrong version number|packet length too long|http request/i.test(msg)) {
    return new SwitchboardError(
      'HTTP_TLS_FAILED',
      `${host}:${port} does not speak TLS (it looks like plain HTTP). Try http:// instead of https://.`,
      { ...detail, reason: 'not-tls' },
    );
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /SSL|TLS|certificate/i.test(code)) {
    return new SwitchboardError('HTTP_TLS_FAILED', `The TLS handshake with ${host} failed: ${msg}`, {
      ...detail,
      reason: 'handshake',
    });
  }
  if (viaProxy && (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')) {
    return new SwitchboardError('HTTP_PROXY_FAILED', `The proxy could not be reached: ${msg}`, detail);
  }
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return new SwitchboardError('HTTP_DNS_FAILED', `The host name "${host}" could not be resolved (${code}).`, detail);
    case 'ECONNREFUSED':
      return new SwitchboardError(
        'HTTP_CONNECTION_REFUSED',
        `Nothing is listening on ${host}:${port} (connection refused). Is the server running?`,
        detail,
      );
    case 'ECONNRESET':
    case 'EPIPE':
      return new SwitchboardError('HTTP_CONNECTION_RESET', `The server at ${host}:${port} reset the connection.`, detail);
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new SwitchboardError('HTTP_FAILED', `${host}:${port} is unreachable (${code}).`, detail);
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_HEADER_OVERFLOW':
      return new SwitchboardError(
        'HTTP_FAILED',
        `The server at ${host}:${port} did not answer with valid HTTP/1.1 (${code}). Is it speaking TLS, or another protocol?`,
        detail,
      );
    default:
      if (/socket hang up/i.test(msg)) {
        return new SwitchboardError(
          'HTTP_CONNECTION_RESET',
          `The server at ${host}:${port} closed the connection without answering.`,
          detail,
        );
      }
      return new SwitchboardError('HTTP_FAILED', `The request to ${host}:${port} failed: ${msg}`, detail);
  }
}
