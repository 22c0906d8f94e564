import http from 'node:http';
import https from 'node:https';
import type { HeaderPairs } from '../../shared/model/common';
import { SwitchboardError, toErrorShape, type EngineErrorShape, type ErrorCode } from '../../shared/errors';

// A small raw HTTP client for relaying captures: exact body bytes, headers in order with their
// case, no redirects, no decompression (the target's bytes are recorded as sent).

export interface RawRequest {
  method: string;
  url: string;
  headers: HeaderPairs;
  body: Buffer;
  timeoutMs: number;
  /** Response body bytes kept; the rest is read and dropped. */
  maxBody: number;
}

export type RawOutcome =
  | { ok: true; status: number; statusText: string; headers: HeaderPairs; body: Buffer; bodyTruncated: boolean; durationMs: number }
  | { ok: false; error: EngineErrorShape; durationMs: number };

const CODE_BY_ERRNO: Record<string, ErrorCode> = {
  ECONNREFUSED: 'HTTP_CONNECTION_REFUSED',
  ENOTFOUND: 'HTTP_DNS_FAILED',
  EAI_AGAIN: 'HTTP_DNS_FAILED',
  ECONNRESET: 'HTTP_CONNECTION_RESET',
  EPIPE: 'HTTP_CONNECTION_RESET',
  ETIMEDOUT: 'HTTP_TIMEOUT',
};

export function transportError(err: unknown, url: string): EngineErrorShape {
  if (err instanceof SwitchboardError) return toErrorShape(err);
  const e = err as NodeJS.ErrnoException;
  const code = (e.code && CODE_BY_ERRNO[e.code]) || (e.code?.startsWith('ERR_TLS') || e.code?.includes('CERT') ? 'HTTP_TLS_FAILED' : 'HTTP_FAILED');
  const what: Record<string, string> = {
    HTTP_CONNECTION_REFUSED: `Nothing is listening at ${url} (connection refused).`,
    HTTP_DNS_FAILED: `The host of ${url} could not be resolved.`,
    HTTP_CONNECTION_RESET: `${url} reset the connection.`,
    HTTP_TIMEOUT: `${url} did not answer in time.`,
  };
  return { code, message: what[code] ?? `${url}: ${e.message ?? String(err)}`, ...(e.code ? { detail: { errno: e.code } } : {}) };
}

export function parseTargetUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new SwitchboardError('HTTP_INVALID_URL', `Not a valid URL: ${raw}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new SwitchboardError('HTTP_INVALID_URL', `Only http:// and https:// targets are supported: ${raw}`);
  }
  return u;
}

export function rawSend(r: RawRequest): Promise<RawOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: RawOutcome) => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    let url: URL;
    try {
      url = parseTargetUrl(r.url);
    } catch (err) {
      done({ ok: false, error: toErrorShape(err), durationMs: 0 });
      return;
    }
    const lib = url.protocol === 'https:' ? https : http;
    let req: http.ClientRequest;
    try {
      req = lib.request(url, { method: r.method, agent: false, setHost: false });
      // Group same-named headers (first spelling wins) so duplicates go out as separate lines.
      const grouped = new Map<string, { name: string; values: string[] }>();
      for (const [name, value] of r.headers) {
        const key = name.toLowerCase();
        const g = grouped.get(key);
        if (g) g.values.push(value);
        else grouped.set(key, { name, values: [value] });
      }
      for (const { name, values } of grouped.values()) req.setHeader(name, values.length === 1 ? values[0]! : values);
    } catch (err) {
      done({ ok: false, error: { code: 'HTTP_FAILED', message: `Could not build the request: ${err instanceof Error ? err.message : String(err)}` }, durationMs: elapsed() });
      return;
    }
    req.setTimeout(r.timeoutMs, () => {
      req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    });
    req.on('error', (err) => done({ ok: false, error: transportError(err, r.url), durationMs: elapsed() }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      res.on('data', (chunk: Buffer) => {
        if (kept >= r.maxBody) {
          truncated = true;
          return;
        }
        const take = chunk.subarray(0, r.maxBody - kept);
        if (take.length < chunk.length) truncated = true;
        chunks.push(take);
        kept += take.length;
      });
      res.on('error', (err) => done({ ok: false, error: transportError(err, r.url), durationMs: elapsed() }));
      res.on('end', () => {
        const headers: HeaderPairs = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        done({
          ok: true,
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers,
          body: Buffer.concat(chunks),
          bodyTruncated: truncated,
          durationMs: elapsed(),
        });
      });
    });
    req.end(r.body);
  });
}
