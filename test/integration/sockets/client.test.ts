import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { allFrames, closePayload, frame, sha256, startEngine, summaries, waitFor, type TestEngine } from './helpers';
import type { WsConnectionState } from '../../../src/shared/model/sockets';

let t: TestEngine;
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  t = await startEngine();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await t.close();
});

async function wsServer(options: ConstructorParameters<typeof WebSocketServer>[0] = {}): Promise<{ wss: WebSocketServer; url: string; sockets: WebSocket[] }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('error', () => undefined);
  });
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.terminate();
        wss.close(() => r());
      }),
  );
  const port = (wss.address() as net.AddressInfo).port;
  return { wss, url: `ws://127.0.0.1:${port}/`, sockets };
}

async function rawServer(onSocket: (socket: net.Socket) => void): Promise<string> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const key = /Sec-WebSocket-Key: (.+)\r\n/i.exec(head)?.[1] ?? '';
      // RFC 6455 §4.2.2
      const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      onSocket(socket);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => sockets.add(s));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
  });
  return `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
}


async function connect(url: string, extra: Record<string, unknown> = {}): Promise<WsConnectionState> {
  return t.engine.invoke('ws.connect', { url, ...extra });
}

describe('WebSocket client against a ws server', () => {
  it('shows the handshake: headers sent with their case, status, subprotocol and extensions', async () => {
    const { wss, url } = await wsServer({ perMessageDeflate: true, handleProtocols: (p) => (p.has('chat.v2') ? 'chat.v2' : false) });
    let seenHeaders: string[] = [];
    wss.on('connection', (_ws, req) => {
      seenHeaders = req.rawHeaders;
    });
    const state = await connect(`${url}room?x=1`, {
      headers: [['X-Api-Key', 'secret'], ['X-Multi', 'a'], ['x-multi', 'b']],
      protocols: ['chat.v1', 'chat.v2'],
      perMessageDeflate: true,
    });
    expect(state.status).toBe('open');
    const hs = state.handshake!;
    expect(hs.requestLine).toBe('GET /room?x=1 HTTP/1.1');
    expect(hs.requestHeaders).toContainEqual(['X-Api-Key', 'secret']);
    expect(hs.requestHeaders.find(([n]) => n.toLowerCase() === 'sec-websocket-protocol')?.[1]).toBe('chat.v1,chat.v2');
    expect(hs.requestHeaders.some(([n]) => n.toLowerCase() === 'host')).toBe(true);
    expect(hs.status).toBe(101);
    expect(hs.responseHeaders.some(([n, v]) => n.toLowerCase() === 'upgrade' && v === 'websocket')).toBe(true);
    expect(hs.protocol).toBe('chat.v2');
    expect(hs.extensions).toContain('permessage-deflate');
    expect(seenHeaders).toContain('X-Api-Key');
    expect(seenHeaders.filter((h) => h === 'a' || h === 'b')).toEqual(['a', 'b']);
  });

  it('sends text, JSON, hex, base64 and files; binary round-trips by hash', async () => {
    const { wss, url } = await wsServer();
    wss.on('connection', (ws) => ws.on('message', (d, isBinary) => ws.send(d, { binary: isBinary })));
    const c = await connect(url);
    await t.engine.invoke('ws.send', { id: c.id, message: { format: 'text', data: 'héllo' } });
    await t.engine.invoke('ws.send', { id: c.id, message: { format: 'json', data: '{"a":1}' } });
    await expect(t.engine.invoke('ws.send', { id: c.id, message: { format: 'json', data: '{a:1}' } })).rejects.toMatchObject({ code: 'WS_INVALID_PAYLOAD' });
    await expect(t.engine.invoke('ws.send', { id: c.id, message: { format: 'hex', data: 'abc' } })).rejects.toMatchObject({ code: 'WS_INVALID_PAYLOAD' });
    await t.engine.invoke('ws.send', { id: c.id, message: { format: 'hex', data: 'de ad:be-ef' } });
    const big = randomBytes(1024 * 1024 + 7);
    await t.engine.invoke('ws.send', { id: c.id, message: { format: 'base64', data: big.toString('base64') } });
    const file = path.join(t.dataDir, 'blob.bin');
    const fileBytes = randomBytes(300_000);
    fs.writeFileSync(file, fileBytes);
    await t.engine.invoke('ws.send', { id: c.id, message: { format: 'file', path: file } });
    await expect(t.engine.invoke('ws.send', { id: c.id, message: { format: 'file', path: file + '.missing' } })).rejects.toMatchObject({ code: 'FILE_READ_FAILED' });

    await waitFor(async () => (await allFrames(t.engine, c.id, { directions: ['in'] })).length === 5, 'five echoes');
    const inFrames = await allFrames(t.engine, c.id, { directions: ['in'] });
    expect(inFrames.map((f) => f.kind)).toEqual(['text', 'text', 'binary', 'binary', 'binary']);
    expect(Buffer.from(inFrames[0]!.dataBase64, 'base64').toString()).toBe('héllo');
    expect(inFrames[1]!.preview).toBe('{"a":1}');
    expect(inFrames[2]!.preview).toBe('deadbeef');
    expect(sha256(Buffer.from(inFrames[3]!.dataBase64, 'base64'))).toBe(sha256(big));
    expect(inFrames[3]!.truncated).toBe(true);
    expect(inFrames[3]!.size).toBe(big.length);
    expect(sha256(Buffer.from(inFrames[4]!.dataBase64, 'base64'))).toBe(sha256(fileBytes));
    const one = await t.engine.invoke('ws.log.frame', { logId: c.id, seq: inFrames[3]!.seq });
    expect(sha256(Buffer.from(one.dataBase64, 'base64'))).toBe(sha256(big));
    const state = (await t.engine.invoke('ws.list', {})).find((x) => x.id === c.id)!;
    expect(state.stats.messagesOut).toBe(5);
    expect(state.stats.messagesIn).toBe(5);
  });

  it('pings with a measured round trip and shows pongs; answers server pings', async () => {
    const { wss, url } = await wsServer();
    const c = await connect(url);
    const { rttMs } = await t.engine.invoke('ws.ping', { id: c.id, data: 'hi' });
    expect(rttMs).toBeGreaterThanOrEqual(0);
    const serverSocket = [...wss.clients][0]!;
    const gotPong = new Promise<Buffer>((r) => serverSocket.once('pong', (d) => r(d)));
    serverSocket.ping(Buffer.from('srv'));
    expect((await gotPong).toString()).toBe('srv');
    await waitFor(async () => (await summaries(t.engine, c.id)).some((f) => f.kind === 'ping' && f.direction === 'in'), 'ping in');
    const log = await summaries(t.engine, c.id);
    const pong = log.find((f) => f.kind === 'pong' && f.direction === 'in')!;
    expect(pong.rttMs).toBe(rttMs);
    expect(pong.preview).toBe(Buffer.from('hi').toString('hex'));
    expect(log.some((f) => f.kind === 'pong' && f.direction === 'out')).toBe(true);
    expect((await t.engine.invoke('ws.list', {}))[0]!.lastRttMs).toBe(rttMs);
  });

  it('closes with a chosen code and reason, and shows the close the peer sent', async () => {
    const { wss, url } = await wsServer();
    const serverClose = new Promise<[number, string]>((r) => wss.on('connection', (ws) => ws.on('close', (code, reason) => r([code, reason.toString()]))));
    const c = await connect(url);
    await expect(t.engine.invoke('ws.close', { id: c.id, code: 1005 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(t.engine.invoke('ws.close', { id: c.id, code: 4000, reason: 'é'.repeat(62) })).rejects.toMatchObject({ code: 'WS_INVALID_CLOSE_CODE' });
    const closed = await t.engine.invoke('ws.close', { id: c.id, code: 4001, reason: 'bye now' });
    expect(await serverClose).toEqual([4001, 'bye now']);
    expect(closed.status).toBe('closed');
    expect(closed.close).toMatchObject({ code: 4001, reason: 'bye now', initiatedBy: 'us', wasClean: true, meaning: 'Application-defined (private use)' });
    await expect(t.engine.invoke('ws.send', { id: c.id, message: { format: 'text', data: 'x' } })).rejects.toMatchObject({ code: 'WS_NOT_OPEN' });

    const { wss: wss2, url: url2 } = await wsServer();
    wss2.on('connection', (ws) => setTimeout(() => ws.close(1013, 'busy'), 20));
    const c2 = await connect(url2);
    const s2 = await waitFor(async () => (await t.engine.invoke('ws.list', {})).find((x) => x.id === c2.id && x.status === 'closed'), 'peer close');
    expect(s2.close).toMatchObject({ code: 1013, reason: 'busy', meaning: 'Try again later', initiatedBy: 'peer' });
    const log = await summaries(t.engine, c2.id);
    expect(log.find((f) => f.kind === 'close' && f.direction === 'in')).toMatchObject({ closeCode: 1013, preview: 'busy' });
  });

  it('a refused upgrade shows the HTTP status and body', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(403, { 'Content-Type': 'application/json', 'X-Why': 'token' });
      res.end('{"error":"bad token"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const state = await connect(`ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/ws`);
    expect(state.status).toBe('closed');
    expect(state.error?.code).toBe('WS_HANDSHAKE_FAILED');
    expect(state.error?.message).toContain('403');
    expect(state.handshake?.status).toBe(403);
    expect(state.handshake?.responseHeaders).toContainEqual(['X-Why', 'token']);
    expect(state.handshake?.failedBody?.text).toBe('{"error":"bad token"}');
  });

  it('names connection failures: bad URL, refused, handshake timeout', async () => {
    await expect(connect('http//nope')).rejects.toMatchObject({ code: 'WS_INVALID_URL' });
    await expect(connect('ftp://example.com/')).rejects.toMatchObject({ code: 'WS_INVALID_URL' });
    const port = await (async () => {
      const s = net.createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
      const p = (s.address() as net.AddressInfo).port;
      await new Promise<void>((r) => s.close(() => r()));
      return p;
    })();
    const refused = await connect(`ws://127.0.0.1:${port}/`);
    expect(refused.error?.code).toBe('WS_CONNECT_FAILED');
    expect(refused.error?.message).toContain('refused');

    const silent = net.createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => { silent.close(() => r()); }));
    const sockets: net.Socket[] = [];
    silent.on('connection', (s) => sockets.push(s));
    cleanups.push(() => sockets.forEach((s) => s.destroy()));
    const timedOut = await connect(`ws://127.0.0.1:${(silent.address() as net.AddressInfo).port}/`, { handshakeTimeoutMs: 300 });
    expect(timedOut.error?.code).toBe('WS_HANDSHAKE_TIMEOUT');
  });

  it('reconnects with backoff after an unexpected drop, and stops when closed', async () => {
    const { wss, url } = await wsServer();
    let connections = 0;
    wss.on('connection', (ws) => {
      connections++;
      if (connections === 1) setTimeout(() => ws.terminate(), 20);
    });
    const c = await connect(url, { reconnect: { enabled: true, attempts: 3, intervalMs: 100 } });
    await waitFor(() => t.events.some((e) => e.type === 'ws.connection' && e.connection.id === c.id && e.connection.status === 'reconnecting'), 'reconnecting');
    await waitFor(() => connections === 2, 'second connection');
    const s = await waitFor(async () => (await t.engine.invoke('ws.list', {})).find((x) => x.status === 'open'), 'open again');
    expect(s.reconnect).toBeNull();
    await t.engine.invoke('ws.close', { id: c.id });
    await new Promise((r) => setTimeout(r, 300));
    expect(connections).toBe(2);
  });

  it('keeps 100,000 small messages, none lost or reordered, memory bounded by spilling', async () => {
    const { wss, url } = await wsServer();
    const N = 100_000;
    wss.on('connection', (ws) => {
      for (let i = 0; i < N; i++) ws.send(`m${i}`);
    });
    const c = await connect(url);
    await waitFor(async () => (await t.engine.invoke('ws.list', {}))[0]!.stats.messagesIn === N, 'all messages', 30_000);
    const frames = (await allFrames(t.engine, c.id, { kinds: ['text'] })).filter((f) => f.direction === 'in');
    expect(frames.length).toBe(N);
    for (let i = 0; i < N; i++) {
      if (frames[i]!.preview !== `m${i}`) throw new Error(`message ${i} is ${frames[i]!.preview}`);
    }
    // Newest page and a search both reach frames that live on disk by now.
    const newest = await t.engine.invoke('ws.log.page', { logId: c.id, newest: true, limit: 3 });
    expect(newest.items.map((f) => f.preview)).toEqual([`m${N - 3}`, `m${N - 2}`, `m${N - 1}`]);
    const found = await t.engine.invoke('ws.log.page', { logId: c.id, text: 'M17', limit: 5 });
    expect(found.items[0]!.preview).toBe('m17');
    expect(found.total).toBe(1111);
    const spillDir = path.join(t.dataDir, 'sockets', 'spill');
    expect(fs.readdirSync(spillDir).length).toBeGreaterThan(0);
  }, 60_000);

  it('log: filter, clear, export JSON lines', async () => {
    const { wss, url } = await wsServer();
    wss.on('connection', (ws) => ws.on('message', (d, b) => ws.send(d, { binary: b })));
    const c = await connect(url);
    await t.engine.invoke('ws.send', { id: c.id, message: { format: 'text', data: 'alpha' } });
    await t.engine.invoke('ws.send', { id: c.id, message: { format: 'hex', data: '00ff' } });
    await waitFor(async () => (await t.engine.invoke('ws.list', {}))[0]!.stats.messagesIn === 2, 'echoes');
    const byText = await t.engine.invoke('ws.log.page', { logId: c.id, text: 'ALPHA' });
    expect(byText.items.map((f) => f.direction)).toEqual(['out', 'in']);
    const byHex = await t.engine.invoke('ws.log.page', { logId: c.id, text: '00ff', kinds: ['binary'], directions: ['in'] });
    expect(byHex.items.length).toBe(1);
    const exp = await t.engine.invoke('ws.log.export', { logId: c.id, kinds: ['text', 'binary'] });
    const lines = exp.jsonl!.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(exp.count).toBe(4);
    expect(lines[0]).toMatchObject({ type: 'message', direction: 'out', opcode: 'text', data: 'alpha', size: 5 });
    expect(lines[3]).toMatchObject({ type: 'message', direction: 'in', opcode: 'binary', dataBase64: Buffer.from([0, 255]).toString('base64') });
    const file = path.join(t.dataDir, 'export.jsonl');
    await t.engine.invoke('ws.log.export', { logId: c.id, path: file });
    expect(fs.readFileSync(file, 'utf8').trim().split('\n').length).toBeGreaterThan(4);
    const cleared = await t.engine.invoke('ws.log.clear', { logId: c.id });
    expect(cleared.removed).toBeGreaterThan(4);
    expect((await t.engine.invoke('ws.log.page', { logId: c.id })).total).toBe(0);
    expect(t.events.some((e) => e.type === 'ws.log.cleared' && e.logId === c.id)).toBe(true);
  });

  it('frame events are batched and small', async () => {
    const { wss, url } = await wsServer();
    wss.on('connection', (ws) => {
      for (let i = 0; i < 1000; i++) ws.send('x'.repeat(10_000));
    });
    const c = await connect(url);
    await waitFor(async () => (await t.engine.invoke('ws.list', {}))[0]!.stats.messagesIn === 1000, 'flood');
    await waitFor(() => {
      const batches = t.events.filter((e) => e.type === 'ws.frames' && e.logId === c.id);
      const last = batches[batches.length - 1];
      return last?.type === 'ws.frames' && last.lastSeq >= 1000;
    }, 'last batch');
    const batches = t.events.flatMap((e) => (e.type === 'ws.frames' && e.logId === c.id ? [e] : []));
    expect(batches.length).toBeLessThan(200);
    const carried = batches.reduce((n, b) => n + b.frames.length + b.skipped, 0);
    expect(carried).toBe(batches[batches.length - 1]!.lastSeq);
    for (const b of batches) {
      expect(b.frames.length).toBeLessThanOrEqual(200);
      for (const f of b.frames) expect(f.preview.length).toBeLessThanOrEqual(256);
    }
  });

  it('saved messages persist per endpoint', async () => {
    const key = 'ws://example.test/chat';
    await t.engine.invoke('ws.saved.put', { key, message: { id: 'm1', name: 'Subscribe', format: 'json', data: '{"op":"sub"}' } });
    await t.engine.invoke('ws.saved.put', { key, message: { id: 'm2', name: 'Ping', format: 'text', data: 'ping' } });
    await t.engine.invoke('ws.saved.put', { key, message: { id: 'm1', name: 'Subscribe all', format: 'json', data: '{"op":"sub","all":true}' } });
    const t2dir = t.dataDir;
    await t.engine.close();
    const { createEngine } = await import('../../../src/engine');
    const again = await createEngine({ dataDir: t2dir });
    const list = await again.invoke('ws.saved.list', { key });
    expect(list.map((m) => m.name)).toEqual(['Subscribe all', 'Ping']);
    expect(await again.invoke('ws.saved.delete', { key, id: 'm2' })).toHaveLength(1);
    expect(await again.invoke('ws.saved.list', { key: 'ws://other/' })).toEqual([]);
    await again.close();
  });
});

describe('WebSocket client against misbehaving servers', () => {
  it('invalid UTF-8 in a text frame → we close with 1007', async () => {
    const url = await rawServer((socket) => socket.write(frame(0x1, Buffer.from([0x68, 0xc3, 0x28]))));
    const c = await connect(url);
    const s = await waitFor(async () => (await t.engine.invoke('ws.list', {})).find((x) => x.id === c.id && x.status === 'closed'), 'closed', 40_000);
    const log = await summaries(t.engine, c.id);
    expect(log.find((f) => f.kind === 'close' && f.direction === 'out')?.closeCode).toBe(1007);
    expect(log.find((f) => f.kind === 'error')?.errorCode).toBe('WS_PROTOCOL_ERROR');
    expect(s.error?.code).toBe('WS_PROTOCOL_ERROR');
  }, 45_000);

  it('an oversized message → 1009; reserved opcode → 1002; bad close code → 1002', async () => {
    const cases: Array<[Buffer, number]> = [
      [frame(0x2, Buffer.alloc(2048)), 1009],
      [frame(0x3, Buffer.from('x')), 1002],
      [frame(0x8, closePayload(1005)), 1002],
      [frame(0x8, closePayload(999)), 1002],
      [frame(0x1, Buffer.from('x'), { rsv1: true }), 1002],
    ];
    for (const [bytes, expected] of cases) {
      const url = await rawServer((socket) => {
        socket.write(bytes);
        // Answer our close frame so the test does not wait for ws's 30 s timeout.
        socket.on('data', () => socket.end(frame(0x8, closePayload(expected))));
      });
      const c = await connect(url, { maxPayload: 1024 });
      await waitFor(async () => (await t.engine.invoke('ws.list', {})).find((x) => x.id === c.id && x.status === 'closed'), `closed ${expected}`);
      const log = await summaries(t.engine, c.id);
      expect(log.find((f) => f.kind === 'close' && f.direction === 'out')?.closeCode, `case ${expected}`).toBe(expected);
    }
  });

  it('refuses a deflate bomb (inflates past maxPayload) with 1009', async () => {
    const { wss, url } = await wsServer({ perMessageDeflate: { threshold: 0 } });
    wss.on('connection', (ws) => ws.send(Buffer.alloc(64 * 1024 * 1024)));
    const before = process.memoryUsage().rss;
    const c = await connect(url, { perMessageDeflate: true, maxPayload: 1024 * 1024 });
    const s = await waitFor(async () => (await t.engine.invoke('ws.list', {})).find((x) => x.id === c.id && x.status === 'closed'), 'closed');
    const log = await summaries(t.engine, c.id);
    expect(log.find((f) => f.kind === 'close' && f.direction === 'out')?.closeCode).toBe(1009);
    expect(s.stats.messagesIn).toBe(0);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
});
