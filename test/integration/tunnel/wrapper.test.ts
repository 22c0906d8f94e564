import http from 'node:http';
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startLocaltunnelServer, type LocaltunnelFixture } from '../../fixtures/localtunnelServer';
import { ManagedTunnel, type ManagedTunnelOptions } from '../../../src/engine/tunnel/tunnel';
import { SwitchboardError } from '../../../src/shared/errors';
import { StateLog, deadPort, silentServer, viaTunnel } from './helpers';

// The real localtunnel client (through our wrapper) against a loopback server speaking its protocol.

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A local server that records what arrived: method, url, raw headers, body hash. */
async function recorder() {
  const seen: Array<{ method: string; url: string; rawHeaders: string[]; sha: string; size: number }> = [];
  const server = http.createServer((req, res) => {
    const hash = createHash('sha256');
    let size = 0;
    req.on('data', (c: Buffer) => {
      hash.update(c);
      size += c.length;
    });
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, sha: hash.digest('hex'), size };
      seen.push(entry);
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-Recorder': 'yes' });
      res.end(JSON.stringify({ sha: entry.sha, size }));
    });
  });
  server.on('upgrade', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });
  return { server, port, seen };
}

function makeTunnel(fixtureUrl: string, localPort: number, extra: Partial<ManagedTunnelOptions> = {}) {
  const log = new StateLog();
  const tunnel = new ManagedTunnel(
    { id: `port:${localPort}`, target: { kind: 'port', port: localPort }, options: { subdomain: extra.subdomain ?? null, host: fixtureUrl, localHost: null } },
    {
      host: fixtureUrl,
      subdomain: null,
      local: { host: '127.0.0.1', port: localPort },
      rewriteHost: false,
      openTimeoutMs: 5_000,
      backoffMs: [200, 400, 800],
      graceMs: 300,
      ...extra,
    },
    log.push,
  );
  cleanups.push(() => tunnel.close());
  return { tunnel, log };
}

async function fixture(opts: Parameters<typeof startLocaltunnelServer>[0] = {}): Promise<LocaltunnelFixture> {
  const fx = await startLocaltunnelServer(opts);
  cleanups.push(() => fx.kill());
  return fx;
}

describe('tunnel through a localtunnel server', () => {
  test('opens, and requests arrive byte for byte (random binary bodies, sha256)', async () => {
    const fx = await fixture();
    const local = await recorder();
    const { tunnel, log } = makeTunnel(fx.url, local.port, { subdomain: 'switchboard-test' });
    const state = await tunnel.open();
    expect(state.status).toBe('online');
    expect(state.url).toBe(fx.publicUrl('switchboard-test'));
    expect(state.assignedSubdomain).toBe('switchboard-test');
    expect(fx.handshakes()).toEqual(['switchboard-test']);
    expect(log.statuses()).toEqual(['connecting', 'online']);

    for (const size of [0, 1, 70_000, 3 * 1024 * 1024]) {
      const body = randomBytes(size);
      const res = await viaTunnel(fx.port, state.url ?? '', {
        method: 'POST',
        path: `/hook/${size}?q=1&b=%20x`,
        headers: { 'Content-Type': 'application/octet-stream', 'X-Case-Kept': 'Yes' },
        body,
      });
      expect(res.status).toBe(201);
      expect(res.headers['x-recorder']).toBe('yes');
      expect(JSON.parse(res.body.toString())).toEqual({ sha: sha(body), size });
    }
    const last = local.seen.at(-1);
    expect(last?.url).toBe(`/hook/${3 * 1024 * 1024}?q=1&b=%20x`);
    expect(last?.rawHeaders).toContain('X-Case-Kept');
    // The relay adds the original client address, as the public server's proxy does.
    expect(last?.rawHeaders).toContain('X-Forwarded-For');
  });

  test('a chosen local host rewrites Host without corrupting binary bodies in the first chunk', async () => {
    const fx = await fixture();
    const local = await recorder();
    const { tunnel } = makeTunnel(fx.url, local.port, { rewriteHost: true, local: { host: '127.0.0.1', port: local.port } });
    const state = await tunnel.open();
    // Small enough to share a TCP chunk with the headers; invalid UTF-8 on purpose.
    const body = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x90, 0x28, 0xbc]);
    const res = await viaTunnel(fx.port, state.url ?? '', { method: 'PUT', path: '/bin', body, headers: { 'Content-Length': String(body.length) } });
    expect(JSON.parse(res.body.toString())).toEqual({ sha: sha(body), size: body.length });
    const headers = local.seen[0]?.rawHeaders ?? [];
    expect(headers[headers.findIndex((h) => h.toLowerCase() === 'host') + 1]).toBe('127.0.0.1');
  });

  test('a WebSocket upgrade passes through', async () => {
    const fx = await fixture();
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    wss.on('connection', (ws, req) => {
      ws.send(`hello ${req.headers['x-forwarded-for'] ? 'forwarded' : 'direct'}`);
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
    cleanups.push(() => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r(undefined)); }));
    const { tunnel } = makeTunnel(fx.url, (wss.address() as net.AddressInfo).port);
    const state = await tunnel.open();
    const ws = new WebSocket(`ws://127.0.0.1:${fx.port}/socket?x=1`, { headers: { Host: new URL(state.url ?? '').host } });
    cleanups.push(() => ws.terminate());
    const messages: Array<Buffer | string> = [];
    const binary = randomBytes(100_000);
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data: Buffer, isBinary) => {
        messages.push(isBinary ? data : data.toString());
        if (messages.length === 1) ws.send(binary);
        if (messages.length === 2) resolve();
      });
    });
    expect(messages[0]).toBe('hello forwarded');
    expect(sha(messages[1] as Buffer)).toBe(sha(binary));
  });

  test('server killed → reconnecting with attempts; back on the same port → online with the same subdomain', async () => {
    let fx = await startLocaltunnelServer();
    const port = fx.port;
    cleanups.push(() => fx.kill());
    const local = await recorder();
    const { tunnel, log } = makeTunnel(fx.url, local.port);
    const first = await tunnel.open();
    const id = first.assignedSubdomain ?? '';
    expect(id).not.toBe('');

    await fx.kill();
    const reconnecting = await log.waitFor((s) => s.status === 'reconnecting' && s.nextRetryAt !== null, 10_000, 'reconnecting');
    expect(reconnecting.attempt).toBe(1);
    expect(reconnecting.reason).toMatch(/tunnel server/);
    expect(reconnecting.url).toBe(first.url); // shown greyed while down
    await log.waitFor((s) => s.status === 'reconnecting' && s.attempt >= 2, 10_000, 'second attempt');
    const failedAttempt = log.states.find((s) => s.status === 'reconnecting' && s.attempt === 2);
    expect(failedAttempt?.reason).toMatch(/connection refused by 127\.0\.0\.1:\d+/);

    fx = await startLocaltunnelServer({ port });
    const back = await log.waitFor((s) => s.status === 'online' && log.states.indexOf(s) > log.states.indexOf(reconnecting), 15_000, 'online again');
    expect(back.assignedSubdomain).toBe(id);
    expect(back.url).toBe(first.url);
    expect(back.urlChange).toBeNull();
    expect(fx.handshakes()).toEqual([id]);
    const body = randomBytes(5000);
    const res = await viaTunnel(fx.port, back.url ?? '', { method: 'POST', body });
    expect(JSON.parse(res.body.toString()).sha).toBe(sha(body));
  });

  test('retryNow starts the waiting reconnect attempt at once', async () => {
    let fx = await startLocaltunnelServer();
    const port = fx.port;
    cleanups.push(() => fx.kill());
    const local = await recorder();
    const { tunnel, log } = makeTunnel(fx.url, local.port, { backoffMs: [60_000] });
    await tunnel.open();
    await fx.kill();
    await log.waitFor((s) => s.status === 'reconnecting' && s.nextRetryAt !== null, 10_000, 'waiting a minute');
    fx = await startLocaltunnelServer({ port });
    expect(tunnel.retryNow()).toBe(true);
    const back = await log.waitFor((s) => s.status === 'online' && s.attempt === 0 && log.states.some((x) => x.status === 'reconnecting'), 10_000, 'online');
    expect(back.status).toBe('online');
    expect(tunnel.retryNow()).toBe(false);
  });

  test('a different URL after a reconnect is flagged until acknowledged', async () => {
    let fx = await startLocaltunnelServer();
    const port = fx.port;
    cleanups.push(() => fx.kill());
    const local = await recorder();
    const { tunnel, log } = makeTunnel(fx.url, local.port);
    const first = await tunnel.open();
    await fx.kill();
    await log.waitFor((s) => s.status === 'reconnecting', 10_000, 'reconnecting');
    fx = await startLocaltunnelServer({ port, forceRandomIds: true });
    const back = await log.waitFor((s) => s.status === 'online' && s.url !== first.url, 15_000, 'online with new URL');
    expect(back.urlChange).toMatchObject({ previous: first.url, current: back.url });
    expect(tunnel.acknowledgeUrlChange().urlChange).toBeNull();
  });

  test('a server that forgot the tunnel while its sockets stay open is noticed by the status probe', async () => {
    const fx = await fixture();
    const local = await recorder();
    const { tunnel, log } = makeTunnel(fx.url, local.port, { probeMs: 300 });
    const first = await tunnel.open();
    // Let the first probe find the endpoint (and trust it).
    await new Promise((r) => setTimeout(r, 1_300));
    fx.forget(first.assignedSubdomain ?? '');
    const lost = await log.waitFor((s) => s.status === 'reconnecting', 10_000, 'reconnecting');
    expect(lost.reason).toMatch(/no longer knows this tunnel/);
    const back = await log.waitFor((s) => s.status === 'online' && log.states.indexOf(s) > log.states.indexOf(lost), 10_000, 'online again');
    expect(back.url).toBe(first.url);
    const body = randomBytes(1000);
    const res = await viaTunnel(fx.port, back.url ?? '', { method: 'POST', body });
    expect(JSON.parse(res.body.toString()).sha).toBe(sha(body));
  });

  test('connection refused: fails within the timeout with TUNNEL_UNREACHABLE in plain words', async () => {
    const port = await deadPort();
    const { tunnel, log } = makeTunnel(`http://127.0.0.1:${port}`, 9, { openTimeoutMs: 2_500 });
    const started = Date.now();
    const err = await tunnel.open().then(() => null, (e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(err).toBeInstanceOf(SwitchboardError);
    expect((err as SwitchboardError).code).toBe('TUNNEL_UNREACHABLE');
    expect((err as SwitchboardError).message).toBe(`tunnel server unreachable: connection refused by 127.0.0.1:${port} (gave up after 3 s)`);
    expect(log.states.at(-1)).toMatchObject({ status: 'failed', error: { code: 'TUNNEL_UNREACHABLE' } });
  });

  test('DNS failure: TUNNEL_UNREACHABLE naming the host', async () => {
    const { tunnel } = makeTunnel('http://no-such-tunnel-server.invalid', 9, { openTimeoutMs: 3_000 });
    const err = (await tunnel.open().catch((e: unknown) => e)) as SwitchboardError;
    expect(err.code).toBe('TUNNEL_UNREACHABLE');
    expect(err.message).toMatch(/DNS lookup (failed )?for no-such-tunnel-server\.invalid/);
  });

  test('a server that never answers: TUNNEL_TIMEOUT within the timeout', async () => {
    const silent = await silentServer();
    cleanups.push(() => silent.close());
    const { tunnel } = makeTunnel(`http://127.0.0.1:${silent.port}`, 9, { openTimeoutMs: 1_200 });
    const started = Date.now();
    const err = (await tunnel.open().catch((e: unknown) => e)) as SwitchboardError;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err.code).toBe('TUNNEL_TIMEOUT');
    expect(err.message).toMatch(/did not answer within 1 s/);
  });

  test('the handshake works but the tunnel port is dead: TUNNEL_UNREACHABLE', async () => {
    const port = await deadPort();
    const fake = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: 'abcd', port, max_conn_count: 2, url: 'http://abcd.localhost' }));
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => fake.close(r)));
    const { tunnel } = makeTunnel(`http://127.0.0.1:${(fake.address() as net.AddressInfo).port}`, 9, { openTimeoutMs: 1_500 });
    const err = (await tunnel.open().catch((e: unknown) => e)) as SwitchboardError;
    expect(err.code).toBe('TUNNEL_UNREACHABLE');
    expect(err.message).toBe(`tunnel server unreachable: connection refused by 127.0.0.1:${port} (gave up after 2 s)`);
  });

  test('the server refuses (invalid subdomain): TUNNEL_REJECTED with its message, at once', async () => {
    const fx = await fixture();
    const { tunnel } = makeTunnel(fx.url, 9, { subdomain: 'A_B' });
    const err = (await tunnel.open().catch((e: unknown) => e)) as SwitchboardError;
    expect(err.code).toBe('TUNNEL_REJECTED');
    expect(err.message).toMatch(/refused the tunnel \(HTTP 403\): Invalid subdomain/);
  });

  test('close while reconnecting stops the retry loop: no more handshakes', async () => {
    const fx = await startLocaltunnelServer();
    const port = fx.port;
    const local = await recorder();
    const { tunnel, log } = makeTunnel(fx.url, local.port);
    await tunnel.open();
    await fx.kill();
    await log.waitFor((s) => s.status === 'reconnecting', 10_000, 'reconnecting');
    await tunnel.close();
    expect(tunnel.snapshot.status).toBe('closed');
    // Bring a server back: a stray retry would handshake with it.
    const again = await startLocaltunnelServer({ port });
    cleanups.push(() => again.kill());
    await new Promise((r) => setTimeout(r, 1_500));
    expect(again.handshakes()).toEqual([]);
    expect(log.states.at(-1)?.status).toBe('closed');
  });
});
