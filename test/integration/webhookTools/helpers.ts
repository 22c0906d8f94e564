import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../../../src/engine';
import type { EngineEvent } from '../../../src/shared/contract';
import type { Capture, CatcherState } from '../../../src/shared/model/catcher';

export async function withEngine(): Promise<{ engine: Engine; dir: string; done: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-wt-'));
  const engine = await createEngine({ dataDir: dir });
  return {
    engine,
    dir,
    done: async () => {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function newCatcher(engine: Engine, name = 'hooks'): Promise<CatcherState & { url: string }> {
  const c = await engine.invoke('catchers.create', { name, port: 0 });
  if (!c.url) throw new Error('catcher has no url');
  return c as CatcherState & { url: string };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A real HTTP request with exact bytes and headers in order. */
export function post(url: string, headers: Array<[string, string]>, body: Buffer | string, method = 'POST'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false });
    for (const [n, v] of headers) req.setHeader(n, v);
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.end(body);
  });
}

/** The newest capture of a catcher. */
export async function lastCapture(engine: Engine, catcherId: string): Promise<Capture> {
  const list = await engine.invoke('captures.list', { catcherId, newest: true, limit: 1 });
  const s = list.items[0];
  if (!s) throw new Error('no capture');
  return engine.invoke('captures.get', { id: s.id });
}

/** Wait (bounded) until `check` passes for an engine state, re-checking on each event. */
export async function eventually<T>(engine: Engine, probe: () => Promise<T | null | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 50);
      const off = engine.on((_e: EngineEvent) => {
        clearTimeout(t);
        off();
        resolve();
      });
    });
  }
}

export interface TestServer {
  url: string;
  requests: Array<{ method: string; url: string; headers: Array<[string, string]>; body: Buffer }>;
  close: () => Promise<void>;
}

/** A local app server; `answer` decides each response. */
export function startServer(answer: (req: { method: string; url: string; headers: Array<[string, string]>; body: Buffer }) => { status: number; headers?: Record<string, string>; body?: string | Buffer }): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Array<[string, string]> = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const r = { method: req.method ?? '', url: req.url ?? '', headers, body: Buffer.concat(chunks) };
      requests.push(r);
      const a = answer(r);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  server.on('error', () => undefined);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
