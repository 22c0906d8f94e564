import type { EngineErrorShape } from '../../shared/errors';

/** ws puts the close code it sent on protocol errors under this symbol (lib/constants.js). */
export function wsStatusCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  for (const sym of Object.getOwnPropertySymbols(err)) {
    if (sym.description === 'status-code') {
      const v = (err as Record<symbol, unknown>)[sym];
      if (typeof v === 'number') return v;
    }
  }
  return undefined;
}

const NET_WORDS: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (connection refused)',
  ECONNRESET: 'the peer reset the connection',
  ENOTFOUND: 'the host name could not be resolved',
  EAI_AGAIN: 'the host name could not be resolved (DNS not answering)',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the peer closed the connection while we were writing',
};

/** Turns what ws or node:net threw into an error with a stable code and words a person can act on. */
export function classifyWsError(err: unknown, opened: boolean): EngineErrorShape {
  const e = err as NodeJS.ErrnoException;
  const message = e instanceof Error ? e.message : String(err);
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.startsWith('WS_ERR_')) {
    const status = wsStatusCode(err);
    return {
      code: 'WS_PROTOCOL_ERROR',
      message: `${message}${status ? ` — closed with ${status}` : ''}`,
      detail: { wsCode: code, closeCode: status ?? null },
    };
  }
  if (NET_WORDS[code]) {
    return { code: 'WS_CONNECT_FAILED', message: `${opened ? 'Connection lost' : 'Could not connect'}: ${NET_WORDS[code]} (${code}).`, detail: { errno: code } };
  }
  if (message.includes('handshake has timed out')) {
    return { code: 'WS_HANDSHAKE_TIMEOUT', message: 'The server did not finish the WebSocket handshake in time.' };
  }
  if (/certificate|SSL|TLS|self[- ]signed/i.test(message) || code.startsWith('ERR_TLS') || code.includes('CERT')) {
    return { code: 'WS_CONNECT_FAILED', message: `TLS failed: ${message}. Turn on "skip certificate checks" for self-signed servers.`, detail: { errno: code } };
  }
  if (!opened) return { code: 'WS_HANDSHAKE_FAILED', message: `The WebSocket handshake failed: ${message}` };
  return { code: 'WS_CONNECT_FAILED', message, detail: code ? { errno: code } : undefined };
}
