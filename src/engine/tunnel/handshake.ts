import http from 'node:http';
import https from 'node:https';
import { SwitchboardError } from '../../shared/errors';
import { describeNetworkError, seconds } from './reasons';

/** What a localtunnel server answers to `GET /?new` or `GET /<subdomain>`. */
export interface TunnelAssignment {
  id: string;
  /** TCP port on the server the client opens `maxConnections` connections to. */
  port: number;
  maxConnections: number;
  url: string;
  /** Address to connect to instead of the server's hostname, when the server says so. */
  ip: string | null;
  /** The server's own hostname (what the TCP connections go to without `ip`). */
  hostname: string;
}

const MAX_BODY = 64 * 1024;

interface JsonReply {
  status: number;
  body: unknown;
  text: string;
}

/**
 * One bounded GET to the tunnel server. Errors come back as TUNNEL_UNREACHABLE (with the cause in
 * words), TUNNEL_TIMEOUT, or TUNNEL_CLOSED when `signal` aborts. Never retries by itself.
 */
export function getJson(url: URL, options: { timeoutMs: number; signal?: AbortSignal }): Promise<JsonReply> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<JsonReply>((resolve, reject) => {
    let settled = false;
    const finish = (err: SwitchboardError | null, value?: JsonReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      if (err) reject(err);
      else resolve(value as JsonReply);
    };
    const onAbort = () => finish(new SwitchboardError('TUNNEL_CLOSED', 'the tunnel was closed'));
    const timer = setTimeout(
      () => finish(new SwitchboardError('TUNNEL_TIMEOUT', `tunnel server ${url.host} did not answer within ${seconds(options.timeoutMs)}`)),
      options.timeoutMs,
    );
    const req = transport.get(url, {
      headers: { Accept: 'application/json', 'User-Agent': 'switchboard-tunnel' },
      agent: false,
    });
    req.on('error', (err) => finish(describeNetworkError(err, { hostname, port })));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('error', (err) => finish(describeNetworkError(err, { hostname, port })));
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          finish(new SwitchboardError('TUNNEL_REJECTED', `tunnel server ${url.host} answered with an oversized body; is it a localtunnel server?`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = null;
        }
        finish(null, { status: res.statusCode ?? 0, body, text });
      });
    });
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function endpoint(host: string, path: string): URL {
  const base = new URL(host);
  return new URL(base.href.replace(/\/?$/, '/') + path);
}

/**
 * Asks the tunnel server for a tunnel. This replaces localtunnel's own request (axios, retried every
 * second forever, errors swallowed): ours is bounded by `timeoutMs`/`signal`, and reports why it failed
 * with a stable code and plain words.
 */
export async function requestTunnel(
  host: string,
  subdomain: string | null,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<TunnelAssignment> {
  const url = endpoint(host, subdomain ?? '?new');
  const reply = await getJson(url, options);
  if (reply.status !== 200) {
    const said = serverMessage(reply.body) ?? reply.text.trim().slice(0, 200);
    throw new SwitchboardError(
      'TUNNEL_REJECTED',
      `tunnel server ${url.host} refused the tunnel (HTTP ${reply.status})${said ? `: ${said}` : ''}`,
      { status: reply.status },
    );
  }
  const assignment = parseAssignment(reply.body, url.hostname.replace(/^\[|\]$/g, ''));
  if (!assignment) {
    throw new SwitchboardError(
      'TUNNEL_REJECTED',
      `tunnel server ${url.host} answered, but not like a localtunnel server (expected {id, port, url})`,
    );
  }
  return assignment;
}

/**
 * Asks the server whether it still holds our tunnel (`GET /api/tunnels/<id>/status`, part of the
 * localtunnel server). 'gone' on 404 or no connected sockets; 'unknown' when it cannot be asked.
 * Callers only trust 'gone' from a server that first answered 'alive' (the endpoint exists there).
 */
export async function probeTunnel(
  host: string,
  id: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<'alive' | 'gone' | 'unknown'> {
  try {
    const reply = await getJson(endpoint(host, `api/tunnels/${encodeURIComponent(id)}/status`), options);
    if (reply.status === 404) return 'gone';
    if (reply.status !== 200) return 'unknown';
    const sockets = (reply.body as { connected_sockets?: unknown } | null)?.connected_sockets;
    if (typeof sockets !== 'number') return 'unknown';
    return sockets > 0 ? 'alive' : 'gone';
  } catch {
    return 'unknown';
  }
}

function serverMessage(body: unknown): string | null {
  if (typeof body === 'object' && body !== null) {
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string' && message) return message.slice(0, 300);
  }
  return null;
}

/** Pure: validates the server's JSON. */
export function parseAssignment(body: unknown, hostname: string): TunnelAssignment | null {
  if (typeof body !== 'object' || body === null) return null;
  const { id, port, max_conn_count: maxConn, url, ip } = body as Record<string, unknown>;
  if (typeof id !== 'string' || !id) return null;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return null;
  const maxConnections =
    typeof maxConn === 'number' && Number.isInteger(maxConn) && maxConn > 0 ? Math.min(maxConn, 50) : 1;
  return { id, port, maxConnections, url, ip: typeof ip === 'string' && ip ? ip : null, hostname };
}
