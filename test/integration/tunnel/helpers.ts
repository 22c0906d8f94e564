import http from 'node:http';
import net from 'node:net';
import type { TunnelState } from '../../../src/shared/model/tunnel';

/** Sends a request to the fixture's public side for a tunnel id (Host-based routing, like *.loca.lt). */
export function viaTunnel(
  fixturePort: number,
  publicUrl: string,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const host = new URL(publicUrl).host;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: fixturePort, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: { Host: host, ...opts.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Collects tunnel states and waits for one that matches. */
export class StateLog {
  readonly states: TunnelState[] = [];
  private waiters: Array<{ pred: (s: TunnelState) => boolean; resolve: (s: TunnelState) => void }> = [];

  readonly push = (s: TunnelState): void => {
    this.states.push(s);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(s)) return true;
      w.resolve(s);
      return false;
    });
  };

  waitFor(pred: (s: TunnelState) => boolean, timeoutMs = 15_000, label = 'state'): Promise<TunnelState> {
    const found = this.states.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out waiting for ${label}; saw: ${this.states.map((s) => `${s.status}(${s.reason ?? ''})`).join(' → ')}`));
      }, timeoutMs);
      this.waiters.push({
        pred,
        resolve: (s) => {
          clearTimeout(timer);
          resolve(s);
        },
      });
    });
  }

  /** Only the status changes, in order (repeats collapsed). */
  statuses(): string[] {
    const out: string[] = [];
    for (const s of this.states) if (out[out.length - 1] !== s.status) out.push(s.status);
    return out;
  }
}

/** A TCP server that accepts and then says nothing: a server that hangs. */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on (bound then released). */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
