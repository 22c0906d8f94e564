import http from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** node:http rather than fetch: fetch forbids setting Host and Origin, which these tests forge. */
export function request(
  port: number,
  pathAndQuery: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: pathAndQuery, method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export type WsOutcome = { open: true; ws: WebSocket } | { open: false; status: number; body: string };

/** Opens a WebSocket with forged headers; resolves with the socket or the refusal's status. */
export function connectWs(port: number, pathAndQuery: string, headers: Record<string, string> = {}): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const { Host, Origin, ...rest } = headers;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${pathAndQuery}`, {
      headers: { ...rest, ...(Host ? { Host } : {}) },
      ...(Origin ? { origin: Origin } : {}),
    });
    ws.once('open', () => resolve({ open: true, ws }));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ open: false, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        ws.terminate();
      });
    });
    ws.once('error', (err) => reject(err));
  });
}

/** Collects every message of a socket, parsed, and lets a test wait for one that matches. */
export function messageLog(ws: WebSocket) {
  const messages: unknown[] = [];
  const waiters: Array<{ test: (m: unknown) => boolean; resolve: (m: unknown) => void }> = [];
  ws.on('message', (data) => {
    const msg: unknown = JSON.parse(String(data));
    messages.push(msg);
    for (const w of [...waiters]) {
      if (w.test(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
  });
  return {
    messages,
    waitFor<T = Record<string, unknown>>(test: (m: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<T> {
      const found = messages.find((m) => test(m as Record<string, unknown>));
      if (found) return Promise.resolve(found as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages).slice(0, 2000)}`)), timeoutMs);
        waiters.push({
          test: (m) => test(m as Record<string, unknown>),
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m as T);
          },
        });
      });
    },
  };
}

/** A stand-in build of the renderer so these tests do not depend on `npm run build`. */
export function fakeRendererDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-door-renderer-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Switchboard</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("switchboard");');
  return dir;
}
