import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { isIP } from 'node:net';
import os from 'node:os';
import type { ErrorCode } from '../../shared/errors';
import { ERROR_CODES } from '../../shared/errors';
import { downloadCaptureBody, downloadHar, downloadResponseBody } from './downloads';
import { applySecurityHeaders, sendJsonError, sendText } from './headers';
import {
  checkToken,
  generateToken,
  isAllowedHost,
  isForeignFetch,
  isLoopbackHostname,
  isSafeMethod,
  isSameOrigin,
  isSimpleRequestContentType,
  stripTokenFromUrl,
  tokenCookie,
} from './policy';
import { serveStatic } from './staticFiles';
import { createWsEndpoint, type DoorEngine, type WsEndpointOptions } from './wsEndpoint';

export interface WebDoorOptions {
  engine: DoorEngine;
  /** Interface to bind; loopback by default. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests, scripts); a fresh random one otherwise. */
  token?: string;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  ws?: WsEndpointOptions;
}

export interface WebDoor {
  /** Open this in a browser: carries the token once, which the door trades for a cookie. */
  url: string;
  /** The URL without the token, safe to log. */
  baseUrl: string;
  token: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

const WS_PATH = '/api/ws';

function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

function parseUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://door.invalid');
  } catch {
    return null;
  }
}

/**
 * Binding a non-loopback address is a deliberate choice: that address (or, for a wildcard bind,
 * every address of this machine) then counts as ours too. Only IP literals and the name given
 * with --host qualify, never an arbitrary name, so DNS rebinding stays impossible.
 */
export function boundHostnames(host: string): string[] {
  if (isLoopbackHostname(host)) return [];
  if (host === '0.0.0.0' || host === '::') {
    return Object.values(os.networkInterfaces())
      .flat()
      .filter((a): a is os.NetworkInterfaceInfo => a !== undefined && (host === '::' || a.family === 'IPv4'))
      .map((a) => a.address.toLowerCase());
  }
  return [host.toLowerCase()];
}

function decodeSegment(segment: string | undefined): string | null {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return null;
  }
}

function refuseUpgrade(socket: Duplex, status: number, reason: string, code: ErrorCode | null): void {
  const body = code ? JSON.stringify({ error: { code, message: reason } }) : reason;
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      `Content-Type: ${code ? 'application/json' : 'text/plain'}; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** A page navigation (not a script's fetch, not an API call): the token may be traded for a cookie. */
function isPageNavigation(req: IncomingMessage, pathname: string): boolean {
  if (pathname.startsWith('/api/')) return false;
  const dest = req.headers['sec-fetch-dest'];
  return dest === undefined || dest === 'document';
}

/**
 * Starts the web door: the built renderer and a WebSocket endpoint speaking the contract of
 * src/shared/client.ts, behind a token (query, Authorization header or HttpOnly cookie), a
 * loopback-only Host check and, for anything a browser could be tricked into sending, an Origin
 * check. The caller owns the engine; close() stops only the door.
 */
export async function startWebDoor(options: WebDoorOptions): Promise<WebDoor> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? generateToken();
  const rendererDir = options.rendererDir;
  const extraHosts = boundHostnames(host);
  const { engine } = options;
  const endpoint = createWsEndpoint(engine, options.ws);
  let port = 0;

  const forbidden = (res: ServerResponse, code: ErrorCode, message: string) => sendJsonError(res, 403, { code, message });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hostHeader = req.headers.host;
    applySecurityHeaders(res, isAllowedHost(hostHeader, extraHosts) ? hostHeader : undefined);
    if (!isAllowedHost(hostHeader, extraHosts)) {
      forbidden(res, 'WEB_FORBIDDEN_HOST', `${ERROR_CODES.WEB_FORBIDDEN_HOST} Open the door through 127.0.0.1 or localhost.`);
      return;
    }
    const url = parseUrl(req.url);
    if (!url) {
      sendText(res, 400, 'Bad request URL.');
      return;
    }
    const origin = req.headers.origin;
    const safe = isSafeMethod(req.method);
    // A cross-origin fetch carries an Origin even for GET; nothing cross-origin is ever served.
    if (origin !== undefined && !isSameOrigin(origin, hostHeader)) {
      forbidden(res, 'WEB_FORBIDDEN_ORIGIN', ERROR_CODES.WEB_FORBIDDEN_ORIGIN);
      return;
    }
    if (isForeignFetch(req.headers, url.pathname)) {
      forbidden(res, 'WEB_FORBIDDEN_ORIGIN', 'Another site may not use the door (Sec-Fetch-Site); open it from its own URL.');
      return;
    }
    if (!safe) {
      if (origin === undefined && req.headers.authorization === undefined) {
        forbidden(res, 'WEB_FORBIDDEN_ORIGIN', 'Requests that change state need an Origin header naming the door (or an Authorization header).');
        return;
      }
      if (isSimpleRequestContentType(req.headers['content-type'])) {
        sendJsonError(res, 415, { code: 'VALIDATION_FAILED', message: 'Form and text/plain bodies are not accepted; send application/json.' });
        return;
      }
    }
    const auth = checkToken(
      {
        queryToken: url.searchParams.get('token'),
        authorization: req.headers.authorization,
        cookieHeader: req.headers.cookie,
        port,
      },
      token,
    );
    if (!auth.ok) {
      if (url.pathname.startsWith('/api/')) {
        sendJsonError(res, 401, { code: 'WEB_UNAUTHORIZED', message: ERROR_CODES.WEB_UNAUTHORIZED });
      } else {
        sendText(
          res,
          401,
          'Switchboard: missing or wrong token.\nOpen the URL that `switchboard serve` printed (it ends in ?token=…).\n',
        );
      }
      return;
    }

    if (auth.source === 'query' && safe && isPageNavigation(req, url.pathname)) {
      res.setHeader('Set-Cookie', tokenCookie(port, token));
      const target = stripTokenFromUrl(`${url.pathname}${url.search}`);
      const site = req.headers['sec-fetch-site'];
      if (site === undefined || site === 'none' || site === 'same-origin') {
        res.statusCode = 303;
        res.setHeader('Location', target);
        res.setHeader('Cache-Control', 'no-store');
        res.end();
      } else {
        // After a navigation from another site, a SameSite=Strict cookie is withheld across a
        // redirect; a refresh started by our own page is same-site, so the cookie goes along.
        const html = `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=${target.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}"><title>Switchboard</title><p>Opening Switchboard…</p>`;
        res.statusCode = 200;
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        res.end(html);
      }
      return;
    }

    const path = url.pathname;
    if (path.startsWith('/api/')) {
      if (!safe) {
        sendJsonError(res, 405, { code: 'VALIDATION_FAILED', message: `${req.method} is not supported here; use the WebSocket at ${WS_PATH}.` });
        return;
      }
      const head = req.method === 'HEAD';
      let m: RegExpExecArray | null;
      const badId = () => sendJsonError(res, 400, { code: 'VALIDATION_FAILED', message: 'The id in the path is not valid percent-encoding.' });
      if ((m = /^\/api\/captures\/([^/]+)\/body$/.exec(path))) {
        const id = decodeSegment(m[1]);
        if (id === null) return badId();
        await downloadCaptureBody(engine, res, id, head);
        return;
      }
      if (path === '/api/captures/export.har') {
        await downloadHar(engine, res, url.searchParams, head);
        return;
      }
      if ((m = /^\/api\/http\/responses\/([^/]+)\/body$/.exec(path))) {
        const id = decodeSegment(m[1]);
        if (id === null) return badId();
        await downloadResponseBody(
          engine,
          res,
          id,
          { decoded: url.searchParams.get('decoded') !== '0', filename: url.searchParams.get('filename') },
          head,
        );
        return;
      }
      sendJsonError(res, 404, { code: 'NOT_FOUND', message: `No such endpoint: ${path}` });
      return;
    }
    if (!safe) {
      sendText(res, 405, 'Method not allowed.');
      return;
    }
    await serveStatic(req, res, rendererDir, path);
  };

  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 10_000 }, (req, res) => {
    req.on('error', () => res.destroy());
    res.on('error', () => undefined);
    handle(req, res).catch((err: unknown) => {
      // The request URL may hold the token: never log it; the error alone is enough.
      sendJsonError(res, 500, { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) });
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const hostHeader = req.headers.host;
    if (!isAllowedHost(hostHeader, extraHosts)) {
      refuseUpgrade(socket, 403, ERROR_CODES.WEB_FORBIDDEN_HOST, 'WEB_FORBIDDEN_HOST');
      return;
    }
    const url = parseUrl(req.url);
    if (!url || url.pathname !== WS_PATH) {
      refuseUpgrade(socket, 404, 'Not found.', null);
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !isSameOrigin(origin, hostHeader)) {
      refuseUpgrade(socket, 403, ERROR_CODES.WEB_FORBIDDEN_ORIGIN, 'WEB_FORBIDDEN_ORIGIN');
      return;
    }
    const auth = checkToken(
      { queryToken: url.searchParams.get('token'), authorization: req.headers.authorization, cookieHeader: req.headers.cookie, port },
      token,
    );
    if (!auth.ok) {
      refuseUpgrade(socket, 401, ERROR_CODES.WEB_UNAUTHORIZED, 'WEB_UNAUTHORIZED');
      return;
    }
    // The cookie is ambient: a browser adds it to any page's WebSocket, so alone it needs our Origin.
    if (auth.source === 'cookie' && origin === undefined) {
      refuseUpgrade(socket, 403, ERROR_CODES.WEB_FORBIDDEN_ORIGIN, 'WEB_FORBIDDEN_ORIGIN');
      return;
    }
    endpoint.server.handleUpgrade(req, socket, head, (ws) => endpoint.server.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', () => undefined);
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const baseUrl = `http://${urlHost(shownHost)}:${port}/`;

  let closing: Promise<void> | null = null;
  return {
    url: `${baseUrl}?token=${token}`,
    baseUrl,
    token,
    port,
    host,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await endpoint.close();
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), 2000);
        await stopped;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
