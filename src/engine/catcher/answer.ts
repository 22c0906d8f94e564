import type http from 'node:http';
import type { HeaderPairs } from '../../shared/model/common';
import type { CatcherState } from '../../shared/model/catcher';
import { headerValue } from './view';

// Writing a catcher's answers. The common one — the catcher's configured response, no CORS, no
// rule — is encoded once per settings object and written in one call with no promise (see answerPlain).

function flat(headers: HeaderPairs): string[] {
  const out: string[] = [];
  for (const [k, v] of headers) out.push(k, v);
  return out;
}

function hasHeader(headers: HeaderPairs, name: string): boolean {
  return headerValue(headers, name) !== null;
}

export function corsHeaders(req: http.IncomingMessage, preflight: boolean): HeaderPairs {
  const origin = req.headers.origin;
  const out: HeaderPairs = [['Access-Control-Allow-Origin', origin ?? '*']];
  if (origin) out.push(['Vary', 'Origin'], ['Access-Control-Allow-Credentials', 'true']);
  if (preflight) {
    out.push(['Access-Control-Allow-Methods', req.headers['access-control-request-method'] ?? 'GET, POST, PUT, PATCH, DELETE, OPTIONS']);
    const asked = req.headers['access-control-request-headers'];
    if (asked) out.push(['Access-Control-Allow-Headers', asked]);
    out.push(['Access-Control-Max-Age', '600']);
  } else {
    out.push(['Access-Control-Expose-Headers', '*']);
  }
  return out;
}

/** Headers as written (with Content-Length when the status has a body), flattened for writeHead. */
function wireHeaders(status: number, headers: HeaderPairs, body: Buffer): string[] {
  const all = headers.slice();
  if (!noBodyStatus(status) && !hasHeader(all, 'content-length') && !hasHeader(all, 'transfer-encoding')) {
    all.push(['Content-Length', String(body.length)]);
  }
  return flat(all);
}

export function noBodyStatus(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

export interface WireAnswer {
  headers: HeaderPairs;
  body: Buffer;
  /** The body as configured (a string): written together with the head in one socket write. */
  text: string;
  wire: string[];
}

// The catcher's configured answer, encoded once per settings object (the catcher's state object is
// replaced when its settings change), not once per request.
const configuredAnswers = new WeakMap<CatcherState['response'], WireAnswer>();

export function configuredAnswer(configured: CatcherState['response']): WireAnswer {
  let a = configuredAnswers.get(configured);
  if (!a) {
    const body = Buffer.from(configured.body);
    a = { headers: configured.headers, body, text: configured.body, wire: wireHeaders(configured.status, configured.headers, body) };
    configuredAnswers.set(configured, a);
  }
  return a;
}

export function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, headers: HeaderPairs, body: Buffer, wire?: string[]): Promise<void> {
  return new Promise((resolve) => {
    const noBody = noBodyStatus(status);
    res.on('close', () => resolve());
    try {
      res.writeHead(status, wire ?? wireHeaders(status, headers, body));
      res.end(noBody || req.method === 'HEAD' ? undefined : body);
    } catch {
      // Invalid user-configured headers: answer plainly rather than leave the sender hanging.
      answer500(res, 'Catcher response headers are invalid.\n');
    }
  });
}

/** A 500 while nothing is written yet, else the connection is cut: the sender must not hang. */
export function answer500(res: http.ServerResponse, text?: string): void {
  if (res.headersSent) res.destroy();
  else if (text) {
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end(text);
  } else {
    res.statusCode = 500;
    res.end();
  }
}

export const delay = (ms: number): Promise<void> => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/**
 * The configured answer, written straight away; `finished` runs once it is handed to the kernel (at
 * once, the usual case) or the response is done with. Node writes a string body in the same write
 * as the head; a Buffer body would take a corked writev.
 */
export function answerPlain(req: http.IncomingMessage, res: http.ServerResponse, configured: CatcherState['response'], finished: () => void): void {
  const a = configuredAnswer(configured);
  try {
    res.writeHead(configured.status, a.wire);
    res.end(noBodyStatus(configured.status) || req.method === 'HEAD' ? undefined : a.text);
  } catch {
    answer500(res, 'Catcher response headers are invalid.\n');
  }
  const socket = res.socket;
  if (!socket || socket.writableLength === 0) finished();
  else res.once('close', finished);
}
