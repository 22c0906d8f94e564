import { SwitchboardError } from '../../shared/errors';

/**
 * Turns a socket or TLS error into plain words for people ("DNS lookup failed for x"), with the
 * stable code that goes with it. Kept separate (and pure) so the wording is unit-tested.
 */
export function describeNetworkError(err: unknown, where: { hostname: string; port: number }): SwitchboardError {
  const code = errorCode(err);
  const target = `${where.hostname}:${where.port}`;
  const unreachable = (message: string) => new SwitchboardError('TUNNEL_UNREACHABLE', message, { cause: code });
  switch (code) {
    case 'ENOTFOUND':
      return unreachable(`tunnel server unreachable: DNS lookup failed for ${where.hostname}`);
    case 'EAI_AGAIN':
      return unreachable(`tunnel server unreachable: DNS lookup for ${where.hostname} failed temporarily (offline?)`);
    case 'ECONNREFUSED':
      return unreachable(`tunnel server unreachable: connection refused by ${target}`);
    case 'ECONNRESET':
      return unreachable(`tunnel server unreachable: connection reset by ${target}`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return unreachable(`tunnel server unreachable: no route to ${where.hostname} (network down?)`);
    case 'ETIMEDOUT':
      return unreachable(`tunnel server unreachable: connection to ${target} timed out`);
    case 'EPIPE':
      return unreachable(`tunnel server unreachable: ${target} closed the connection`);
    default:
      break;
  }
  if (code && (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))) {
    return unreachable(`tunnel server unreachable: TLS handshake with ${where.hostname} failed (${code})`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return unreachable(`tunnel server unreachable: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`);
}

export function errorCode(err: unknown): string | null {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // AggregateError from happy-eyeballs connects: the first inner error names the cause.
    const errors = (err as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) return errorCode(errors[0]);
  }
  return null;
}

export function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s === 1 ? '1 s' : `${s} s`;
}

/** The localtunnel client's own error texts, reworded to match ours. */
export function libraryReason(message: string): string {
  const refused = /^connection refused: (\S+) \(check your firewall settings\)$/.exec(message);
  if (refused) return `connection refused by ${refused[1]}`;
  return message;
}
