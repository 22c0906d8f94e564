import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocaltunnelServer, type LocaltunnelFixture } from '../../fixtures/localtunnelServer';
import { engineAt, tmpDir } from '../catcher/helpers';
import { StateLog, viaTunnel } from '../tunnel/helpers';

// The tunnel server misbehaves in every way we know while traffic flows: it forgets us without a
// FIN, crashes (drop), comes back as a server that accepts and never answers (stall), then is gone
// (refused). Throughout, a local sender keeps posting to the catcher and must get 2xx every time;
// after the server returns the tunnel comes back online, and the store holds every 2xx once.

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Accepts on `port` and never says a word: a hung tunnel server. */
async function stallAt(port: number): Promise<() => Promise<void>> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
}

describe('tunnel faults mid-traffic', () => {
  it('forget, drop, stall and refuse: the catcher keeps answering locally, the tunnel comes back, nothing is lost', async () => {
    let fx: LocaltunnelFixture = await startLocaltunnelServer();
    const port = fx.port;
    cleanups.push(() => fx.kill());
    const dir = tmpDir('sb-tunfault-');
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const { engine, events } = await engineAt(dir, { tunnelOpenTimeoutMs: 800 });
    cleanups.push(() => engine.close());
    const log = new StateLog();
    engine.on((ev) => ev.type === 'tunnel.state' && log.push(ev.tunnel));
    const catcher = await engine.invoke('catchers.create', { name: 'tunnel-faults', port: 0 });
    const tunnel = await engine.invoke('tunnels.open', { target: { kind: 'catcher', id: catcher.id }, host: fx.url });
    const online = await log.waitFor((s) => s.status === 'online', 15_000, 'online');
    const id = new URL(online.url!).hostname.split('.')[0]!;

    // Local sender: one request at a time, as fast as answers come, for the whole test.
    const agent = new http.Agent({ keepAlive: true });
    const local = new Map<number, number>();
    let remoteOk = 0;
    let stop = false;
    let n = 0;
    const localLoop = (async () => {
      while (!stop) {
        const status = await new Promise<number>((resolve) => {
          const req = http.request(`${catcher.url}/local/${n++}`, { method: 'POST', agent, headers: { 'Content-Length': '5' } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', () => resolve(0));
          req.end('hello');
        });
        local.set(status, (local.get(status) ?? 0) + 1);
        await sleep(5);
      }
    })();
    // Remote sender through the tunnel: failures expected during the faults, but no hang of the catcher.
    const remoteLoop = (async () => {
      let i = 0;
      while (!stop) {
        const r = await viaTunnel(port, online.url!, { method: 'POST', path: `/remote/${i++}`, body: Buffer.from('via tunnel') }).catch(() => null);
        if (r?.status === 200) remoteOk++;
        await sleep(20);
      }
    })();

    await sleep(300);
    fx.forget(id); // silent drop: sockets stay open, the server no longer knows us
    await sleep(500);
    await fx.kill(); // crash: every socket reset
    await log.waitFor((s) => s.status === 'reconnecting', 10_000, 'reconnecting after drop');
    const closeStall = await stallAt(port); // back as a server that never answers
    await sleep(2000);
    await closeStall(); // gone: connection refused
    await log.waitFor((s) => s.status === 'reconnecting' && /refused/.test(s.reason ?? ''), 15_000, 'refused');
    await sleep(500);
    fx = await startLocaltunnelServer({ port });
    const back = await log.waitFor((s) => s.status === 'online' && log.states.indexOf(s) > log.states.findIndex((x) => x.status === 'reconnecting'), 20_000, 'online again');
    const before = remoteOk;
    for (let i = 0; i < 50 && remoteOk === before; i++) await sleep(100);
    stop = true;
    await Promise.all([localLoop, remoteLoop]);
    agent.destroy();

    // Every local request was answered 2xx, through every fault.
    const localTotal = [...local.values()].reduce((a, b) => a + b, 0);
    expect(Object.fromEntries(local)).toEqual({ 200: localTotal });
    expect(localTotal).toBeGreaterThan(50);
    expect(remoteOk).toBeGreaterThan(before);
    expect(back.url).toBe(online.url);
    expect((await engine.invoke('tunnels.list', {})).find((t) => t.id === tunnel.id)?.status).toBe('online');
    // The store holds every 2xx once (remote ones were captured too; a relayed request whose answer
    // was lost on the way back may be stored without the sender seeing 2xx, so remote is a floor).
    const { total: localStored } = await engine.invoke('captures.list', { catcherId: catcher.id, text: '/local/', limit: 1 });
    expect(localStored).toBe(localTotal);
    const { total: remoteStored } = await engine.invoke('captures.list', { catcherId: catcher.id, text: '/remote/', limit: 1 });
    expect(remoteStored).toBeGreaterThanOrEqual(remoteOk);
    expect(events.some((e) => e.type === 'engine.storeError' && e.error)).toBe(false);
    console.log(`[hardening] tunnel faults: local 2xx ${localTotal}/${localTotal}, remote 2xx ${remoteOk}, stored local ${localStored}, remote ${remoteStored}; states ${log.statuses().join('→')}`);
  }, 60_000);
});
