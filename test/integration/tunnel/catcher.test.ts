import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { createEngine, type Engine } from '../../../src/engine';
import type { EngineEvent } from '../../../src/shared/contract';
import type { TunnelState } from '../../../src/shared/model/tunnel';
import { startLocaltunnelServer, type LocaltunnelFixture } from '../../fixtures/localtunnelServer';
import { StateLog, viaTunnel } from './helpers';
import { bypassCurl } from '../../../src/shared/tunnelHints';

// A real catcher exposed through the real localtunnel client, via the engine's contract.

const run = promisify(execFile);
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-tunnel-catcher-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function engineAt(dataDir: string): Promise<{ engine: Engine; log: StateLog; events: EngineEvent[] }> {
  const engine = await createEngine({ dataDir });
  const log = new StateLog();
  const events: EngineEvent[] = [];
  engine.on((ev) => {
    events.push(ev);
    if (ev.type === 'tunnel.state') log.push(ev.tunnel);
  });
  cleanups.push(() => engine.close());
  return { engine, log, events };
}

async function fixture(opts: Parameters<typeof startLocaltunnelServer>[0] = {}): Promise<LocaltunnelFixture> {
  const fx = await startLocaltunnelServer(opts);
  cleanups.push(() => fx.kill());
  return fx;
}

async function waitCaptures(engine: Engine, n: number) {
  for (let i = 0; i < 200; i++) {
    const page = await engine.invoke('captures.list', {});
    if (page.items.length >= n) return page.items;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`expected ${n} captures`);
}

describe('exposing a catcher', () => {
  test('requests reach the catcher byte for byte (curl --data-binary, sha256), X-Forwarded-For recorded', async () => {
    const fx = await fixture();
    const { engine } = await engineAt(tempDir());
    const catcher = await engine.invoke('catchers.create', { name: 'public' });
    const tunnel = await engine.invoke('tunnels.open', { target: { kind: 'catcher', id: catcher.id }, host: fx.url, subdomain: 'public-hooks' });
    expect(tunnel).toMatchObject({ id: `catcher:${catcher.id}`, status: 'online', url: fx.publicUrl('public-hooks'), local: { port: catcher.boundPort } });

    const body = randomBytes(2 * 1024 * 1024 + 17);
    const file = path.join(tempDir(), 'body.bin');
    writeFileSync(file, body);
    // curl resolves *.localhost to loopback itself: the URL the server handed out works as is.
    const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'Content-Type: application/octet-stream', '-H', 'X-Forwarded-For: 203.0.113.7', '--data-binary', `@${file}`, `${tunnel.url}/stripe/events?live=1`]);
    expect(stdout).toBe('200');
    const plain = await viaTunnel(fx.port, tunnel.url ?? '', { method: 'PATCH', path: '/second', body: Buffer.from('{"a":1}'), headers: { 'Content-Type': 'application/json' } });
    expect(plain.status).toBe(200);

    const [first, second] = await waitCaptures(engine, 2);
    const detail = await engine.invoke('captures.get', { id: first?.id ?? '' });
    expect(detail).toMatchObject({ method: 'POST', url: '/stripe/events?live=1', bodySize: body.length, forwardedFor: '203.0.113.7' });
    let got = Buffer.alloc(0);
    while (got.length < body.length) {
      const part = await engine.invoke('captures.body', { id: detail.id, offset: got.length });
      if (!part.base64) break;
      got = Buffer.concat([got, Buffer.from(part.base64, 'base64')]);
    }
    expect(sha(got)).toBe(sha(body));
    expect(detail.headers.find(([n]) => n.toLowerCase() === 'host')?.[1]).toBe(new URL(tunnel.url ?? '').host);
    const d2 = await engine.invoke('captures.get', { id: second?.id ?? '' });
    // Without a sender-supplied header the relay's own X-Forwarded-For names the client.
    expect(d2.forwardedFor).toBe('127.0.0.1');
  });

  test('a WebSocket upgrade to an exposed catcher passes through the tunnel (and is answered by it)', async () => {
    const fx = await fixture();
    const { engine } = await engineAt(tempDir());
    const catcher = await engine.invoke('catchers.create', { name: 'ws-probe' });
    const tunnel = await engine.invoke('tunnels.open', { target: { kind: 'catcher', id: catcher.id }, host: fx.url });
    const ws = new WebSocket(`ws://127.0.0.1:${fx.port}/socket`, { headers: { Host: new URL(tunnel.url ?? '').host } });
    cleanups.push(() => ws.terminate());
    // A catcher is not a WebSocket server: what matters is that the upgrade reached it and its
    // answer came back through the tunnel (rather than the relay failing).
    const outcome = await new Promise<string>((resolve) => {
      ws.on('open', () => resolve('open'));
      ws.on('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
      ws.on('error', (err) => resolve(`error ${err.message}`));
    });
    expect(outcome).not.toMatch(/^error/);
    const items = await waitCaptures(engine, 1);
    expect(items[0]).toMatchObject({ method: 'GET', url: '/socket' });
  });

  test('the curl command the UI offers gets past the browser interstitial', async () => {
    const fx = await fixture({ interstitial: true });
    const { engine } = await engineAt(tempDir());
    const catcher = await engine.invoke('catchers.create', { name: 'interstitial' });
    const tunnel = await engine.invoke('tunnels.open', { target: { kind: 'catcher', id: catcher.id }, host: fx.url });
    const browserLike = await viaTunnel(fx.port, tunnel.url ?? '', { headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130' } });
    expect(browserLike.status).toBe(511);
    // Exactly the text the UI puts on the clipboard, run by a shell.
    const { stdout } = await run('sh', ['-c', bypassCurl(tunnel.url ?? '').replace(/^curl /, 'curl -sS -A "Mozilla/5.0 (X11)" ')]);
    expect(stdout).toMatch(/^HTTP\/1\.1 200/);
    const [item] = await waitCaptures(engine, 1);
    const detail = await engine.invoke('captures.get', { id: item?.id ?? '' });
    expect(detail.headers).toContainEqual(['Bypass-Tunnel-Reminder', 'true']);
  });

  test('options are remembered per catcher: stop closes, start reopens with the same subdomain; restart of the engine too', async () => {
    const fx = await fixture();
    const dataDir = tempDir();
    const first = await engineAt(dataDir);
    const catcher = await first.engine.invoke('catchers.create', { name: 'remembered' });
    const opened = await first.engine.invoke('tunnels.open', { target: { kind: 'catcher', id: catcher.id }, host: fx.url });
    const assigned = opened.assignedSubdomain;

    await first.engine.invoke('catchers.stop', { id: catcher.id });
    const closed = await first.log.waitFor((s) => s.status === 'closed', 5_000, 'closed on stop');
    expect(closed.reason).toMatch(/catcher stopped/);
    await first.engine.invoke('catchers.start', { id: catcher.id });
    const back = await first.log.waitFor((s) => s.status === 'online' && first.log.states.indexOf(s) > first.log.states.indexOf(closed), 10_000, 'reopened');
    expect(back.url).toBe(opened.url);
    expect(back.options.host).toBe(fx.url);

    await first.engine.close();
    const second = await engineAt(dataDir);
    // The catcher restarts with the engine (it was running) and its tunnel follows, same subdomain.
    const again = await second.log.waitFor((s) => s.status === 'online', 10_000, 'reopened after engine restart');
    expect(again.assignedSubdomain).toBe(assigned);
    expect(again.url).toBe(opened.url);

    // Closing by hand turns it off: a restart does not bring it back, but the options stay listed.
    await second.engine.invoke('tunnels.close', { id: again.id });
    await second.engine.close();
    const third = await engineAt(dataDir);
    const listed = await third.engine.invoke('tunnels.list', {});
    expect(listed).toEqual([expect.objectContaining({ id: again.id, status: 'closed', options: expect.objectContaining({ host: fx.url }) })]);
    await new Promise((r) => setTimeout(r, 500));
    expect(third.log.states.filter((s: TunnelState) => s.status !== 'closed')).toEqual([]);

    // Reopened automatically but the server hands out another name: flagged, senders must be updated.
    await third.engine.invoke('tunnels.open', { target: { kind: 'catcher', id: catcher.id }, host: fx.url });
    await third.engine.close();
    await fx.kill();
    const fx2 = await fixture({ port: new URL(fx.url).port ? Number(new URL(fx.url).port) : 0, forceRandomIds: true });
    const fourth = await engineAt(dataDir);
    const changed = await fourth.log.waitFor((s) => s.status === 'online', 15_000, 'reopened with another URL');
    expect(changed.urlChange).toMatchObject({ previous: opened.url, current: changed.url });
    expect(changed.url).not.toBe(opened.url);
    expect(fx2.port).toBe(fx.port);

    // Deleting the catcher forgets its tunnel.
    await fourth.engine.invoke('catchers.delete', { id: catcher.id });
    for (let i = 0; i < 50 && !fourth.events.some((e) => e.type === 'tunnel.removed'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(fourth.events).toContainEqual({ type: 'tunnel.removed', id: again.id });
    expect(await fourth.engine.invoke('tunnels.list', {})).toEqual([]);
  });

  test('a remembered tunnel whose server is down at start-up keeps reconnecting, then comes online', async () => {
    let fx = await startLocaltunnelServer();
    const port = fx.port;
    cleanups.push(() => fx.kill());
    const dataDir = tempDir();
    const first = await engineAt(dataDir);
    const catcher = await first.engine.invoke('catchers.create', { name: 'offline-start' });
    const opened = await first.engine.invoke('tunnels.open', { target: { kind: 'catcher', id: catcher.id }, host: fx.url });
    await first.engine.close();
    await fx.kill();

    const engine = await createEngine({ dataDir, limits: { tunnelOpenTimeoutMs: 1_000 } });
    cleanups.push(() => engine.close());
    const log = new StateLog();
    engine.on((ev) => ev.type === 'tunnel.state' && log.push(ev.tunnel));
    const waiting = await log.waitFor((s) => s.status === 'reconnecting' && s.nextRetryAt !== null, 10_000, 'reconnecting');
    expect(waiting.reason).toMatch(/connection refused/);
    expect(log.states.some((s) => s.status === 'failed')).toBe(false);
    fx = await startLocaltunnelServer({ port });
    const online = await log.waitFor((s) => s.status === 'online', 20_000, 'online');
    expect(online.url).toBe(opened.url);
  });

  test('the catcher keeps serving locally while the tunnel is down', async () => {
    let fx = await startLocaltunnelServer();
    const port = fx.port;
    cleanups.push(() => fx.kill());
    const { engine, log } = await engineAt(tempDir());
    const catcher = await engine.invoke('catchers.create', { name: 'local-still' });
    await engine.invoke('tunnels.open', { target: { kind: 'catcher', id: catcher.id }, host: fx.url });
    await fx.kill();
    await log.waitFor((s) => s.status === 'reconnecting', 10_000, 'reconnecting');
    const res = await fetch(`${catcher.url}/local`, { method: 'POST', body: 'still here' });
    expect(res.status).toBe(200);
    fx = await startLocaltunnelServer({ port });
    await log.waitFor((s) => s.status === 'online' && s.attempt === 0 && log.states.some((x) => x.status === 'reconnecting'), 15_000, 'online again');
  });
});
