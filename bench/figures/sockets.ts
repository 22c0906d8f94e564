import path from 'node:path';
import { WebSocket } from 'ws';
import { startChild } from '../lib/child';
import { defineFigure, type FigureContext, type FigureResult } from '../lib/types';
import { cpuSeconds } from '../lib/cpu';

// WebSocket figures (issue 4): our server logging every frame vs a bare `ws` echo server, and our
// client logging a flood vs a bare `ws` client. Same load generator, same run, separate processes.

const MSG = 'x'.repeat(32);

interface EchoLoad {
  rate: number;
  sent: number;
  received: number;
}

/** Pipelined echo load: each connection keeps `window` messages in flight for `durationSec`. */
async function pipelinedEcho(url: string, durationSec: number, connections = 2, window = 1000): Promise<EchoLoad> {
  const sockets = await Promise.all(
    Array.from({ length: connections }, () => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.on('error', () => undefined);
      return new Promise<WebSocket>((resolve, reject) => {
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    }),
  );
  let sent = 0;
  let received = 0;
  let stop = false;
  const inFlight = new Map<WebSocket, number>();
  const pump = (ws: WebSocket) => {
    let n = inFlight.get(ws) ?? 0;
    while (!stop && n < window) {
      ws.send(MSG);
      n++;
      sent++;
    }
    inFlight.set(ws, n);
  };
  for (const ws of sockets) {
    ws.on('message', () => {
      received++;
      const n = (inFlight.get(ws) ?? 1) - 1;
      inFlight.set(ws, n);
      if (n < window / 2) pump(ws);
    });
    pump(ws);
  }
  // One second of warm-up (JIT), then the measured window.
  await new Promise((r) => setTimeout(r, 1000));
  const countedFrom = received;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, durationSec * 1000));
  const rate = (received - countedFrom) / ((performance.now() - t0) / 1000);
  stop = true;
  // Drain: every message sent must come back (bounded wait).
  const deadline = Date.now() + 10_000;
  while (received < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const ws of sockets) ws.terminate();
  return { rate, sent, received };
}

async function echoSide(ctx: FigureContext, which: 'bare' | 'engine', durationSec: number) {
  const script = which === 'bare' ? 'ws-echo-bare.ts' : 'ws-echo-engine.ts';
  const server = await startChild(script, which === 'engine' ? [path.join(ctx.tmp, 'echo-engine')] : []);
  try {
    const cpu0 = cpuSeconds(server.child.pid);
    const load = await pipelinedEcho(`ws://127.0.0.1:${String(server.ready.port)}/`, durationSec);
    const cpu1 = cpuSeconds(server.child.pid);
    // Over the whole load (warm-up and drain included), per message echoed.
    const cpuUsPerMsg = cpu0 !== null && cpu1 !== null && load.received > 0 ? ((cpu1 - cpu0) * 1e6) / load.received : null;
    const stats = which === 'engine' ? await server.ask('stats') : null;
    return { load, stats, cpuUsPerMsg };
  } finally {
    await server.stop();
  }
}

const serverFigure = defineFigure({
  name: 'ws-server-echo',
  area: 'sockets',
  description: 'WebSocket server logging every frame (32-byte text, pipelined echo) vs bare ws echo server',
  async run(ctx): Promise<FigureResult> {
    const durationSec = ctx.quick ? 3 : 6;
    // Alternate sides twice and keep each side's best, so a burst of noise on a shared machine
    // does not decide the ratio.
    const bare1 = await echoSide(ctx, 'bare', durationSec);
    const ours1 = await echoSide(ctx, 'engine', durationSec);
    const bare2 = ctx.quick ? bare1 : await echoSide(ctx, 'bare', durationSec);
    const ours2 = ctx.quick ? ours1 : await echoSide(ctx, 'engine', durationSec);
    const base = bare1.load.rate >= bare2.load.rate ? bare1 : bare2;
    const ours = ours1.load.rate >= ours2.load.rate ? ours1 : ours2;
    const lost = Math.max(0, ours.load.sent - ours.load.received) + Math.max(0, bare1.load.sent - bare1.load.received);
    const logged = Number(ours.stats?.messagesIn ?? 0);
    const unlogged = Math.max(0, ours.load.sent - logged);
    const ratio = ours.load.rate / base.load.rate;
    const us = (r: { cpuUsPerMsg: number | null }) => (r.cpuUsPerMsg === null ? '?' : r.cpuUsPerMsg.toFixed(1));
    return {
      baseline: { value: Math.round(base.load.rate), unit: 'msg/s', extra: { serverCpuUsPerMsg: us(base) } },
      ours: { value: Math.round(ours.load.rate), unit: 'msg/s', extra: { serverCpuUsPerMsg: us(ours), sent: ours.load.sent, echoed: ours.load.received, loggedIn: logged, lost, unlogged, rssMB: Math.round(Number(ours.stats?.rss ?? 0) / 2 ** 20) } },
      ratio,
      target: '≥ 0.85× msg/s, 0 lost',
      pass: ratio >= 0.85 && lost === 0 && unlogged === 0,
      notes: `runs bare ${Math.round(bare1.load.rate)}/${Math.round(bare2.load.rate)}, ours ${Math.round(ours1.load.rate)}/${Math.round(ours2.load.rate)}; server CPU per message bare ${us(bare1)}/${us(bare2)} µs, ours ${us(ours1)}/${us(ours2)} µs; ${ours.load.sent} sent, ${ours.load.received} echoed, ${logged} logged`,
    };
  },
});

async function floodSide(ctx: FigureContext, which: 'bare' | 'engine', count: number): Promise<{ rate: number; count: number; logged: number | null }> {
  const server = await startChild('ws-flood-server.ts', [String(count)]);
  const url = `ws://127.0.0.1:${String(server.ready.port)}/`;
  const client = await startChild(which === 'bare' ? 'ws-client-bare.ts' : 'ws-client-engine.ts', which === 'bare' ? [url, String(count)] : [url, String(count), path.join(ctx.tmp, `client-${Date.now()}`)]);
  try {
    const r = await Promise.race([
      client.ask('go'),
      new Promise<Record<string, unknown>>((_, reject) => setTimeout(() => reject(new Error('flood did not finish in 120 s')), 120_000)),
    ]);
    if (r.error) throw new Error(String(r.error));
    return { rate: (Number(r.count) / Number(r.ms)) * 1000, count: Number(r.count), logged: r.logged === undefined ? null : Number(r.logged) };
  } finally {
    await client.stop();
    await server.stop();
  }
}

const clientFigure = defineFigure({
  name: 'ws-client-flood',
  area: 'sockets',
  description: 'WebSocket client receiving a flood (32-byte text), logging every frame, vs bare ws client',
  async run(ctx): Promise<FigureResult> {
    const count = ctx.quick ? 200_000 : 500_000;
    const bare1 = await floodSide(ctx, 'bare', count);
    const ours1 = await floodSide(ctx, 'engine', count);
    const bare2 = ctx.quick ? bare1 : await floodSide(ctx, 'bare', count);
    const ours2 = ctx.quick ? ours1 : await floodSide(ctx, 'engine', count);
    const base = bare1.rate >= bare2.rate ? bare1 : bare2;
    const ours = ours1.rate >= ours2.rate ? ours1 : ours2;
    const ratio = ours.rate / base.rate;
    const complete = ours.count >= count && (ours.logged ?? 0) >= count;
    return {
      baseline: { value: Math.round(base.rate), unit: 'msg/s' },
      ours: { value: Math.round(ours.rate), unit: 'msg/s', extra: { received: ours.count, logged: ours.logged ?? 0 } },
      ratio,
      target: '≥ 0.85× msg/s, every frame logged',
      pass: ratio >= 0.85 && complete,
      notes: `runs bare ${Math.round(bare1.rate)}/${Math.round(bare2.rate)}, ours ${Math.round(ours1.rate)}/${Math.round(ours2.rate)}; ${count} messages, ${ours.logged} log entries`,
    };
  },
});

export default [serverFigure, clientFigure];
