import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';

// Real servers on port 0 for the sender's tests.

export interface Started<S> {
  server: S;
  port: number;
  url: string;
  close(): Promise<void>;
}

async function listen<S extends net.Server>(server: S, scheme: string): Promise<Started<S>> {
  server.on('error', () => undefined);
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: net.Socket) => s.on('error', () => undefined));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function startHttp(handler: http.RequestListener): Promise<Started<http.Server>> {
  return listen(http.createServer(handler), 'http');
}

export interface Cert {
  key: string;
  cert: string;
}

/** A self-signed certificate for localhost/127.0.0.1 made by the real openssl binary. */
export async function selfSignedCert(cn = 'localhost'): Promise<Cert> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-cert-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn},IP:127.0.0.1`,
  ]);
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

export function startHttps(cert: Cert, handler: http.RequestListener): Promise<Started<https.Server>> {
  return listen(https.createServer({ key: cert.key, cert: cert.cert }, handler), 'https');
}

export interface ProxyLog {
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }>;
  connects: string[];
}

/** A minimal forward proxy: absolute-form requests for http, CONNECT tunnels for https. */
export async function startProxy(): Promise<Started<http.Server> & { log: ProxyLog }> {
  const log: ProxyLog = { requests: [], connects: [] };
  const server = http.createServer((req, res) => {
    log.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.rawHeaders);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    log.connects.push(req.url ?? '');
    socket.on('error', () => undefined);
    const [host, port] = (req.url ?? '').split(':');
    const up = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
  });
  const started = await listen(server, 'http');
  return { ...started, log };
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Echoes what arrived: method, url, raw headers, body as base64. */
export const echo: http.RequestListener = (req, res) => {
  void readBody(req).then((body) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.rawHeaders, body: body.toString('base64') }));
  });
};

export interface Echoed {
  method: string;
  url: string;
  headers: string[];
  body: string;
}

export function header(e: Echoed, name: string): string | undefined {
  for (let i = 0; i + 1 < e.headers.length; i += 2) if (e.headers[i]!.toLowerCase() === name.toLowerCase()) return e.headers[i + 1];
  return undefined;
}
