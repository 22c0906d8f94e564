import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { allFrames, closePayload, frame, rawClient, sha256, startEngine, summaries, waitFor, type TestEngine } from './helpers';
import type { WsServerSettingsInput, WsServerState } from '../../../src/shared/model/sockets';

let t: TestEngine;
const open: WebSocket[] = [];

beforeEach(async () => {
  t = await startEngine();
});
afterEach(async () => {
  for (const ws of open.splice(0)) ws.terminate();
  await t.close();
});

async function start(settings: WsServerSettingsInput = {}): Promise<WsServerState> {
  return t.engine.invoke('wsServer.start', settings);
}

/** A plain `ws` client that records what it gets. */
async function peer(url: string, protocols: string[] = [], options: ConstructorParameters<typeof WebSocket>[2] = {}) {
  const ws = new WebSocket(url, protocols, options);
  open.push(ws);
  const messages: Array<{ data: Buffer; binary: boolean }> = [];
  let closeInfo: { code: number; reason: string } | null = null;
  ws.on('message', (data: Buffer, binary) => messages.push({ data, binary }));
  ws.on('close', (code, reason) => (closeInfo = { code, reason: reason.toString() }));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, closed: () => closeInfo };
}

describe('WebSocket server', () => {
  it('starts on a free port and path; lists clients with address, headers, subprotocol, counters', async () => {
    const s = await start({ path: '/feed', protocols: ['v2', 'v1'], echo: true });
    expect(s.status).toBe('running');
    expect(s.url).toBe(`ws://127.0.0.1:${s.boundPort}/feed`);
    const p = await peer(`${s.url}?token=1`, ['v1', 'v2'], { headers: { 'X-Client': 'tester' } });
    expect(p.ws.protocol).toBe('v2');
    p.ws.send('hello');
    await waitFor(() => p.messages.length === 1, 'echo');
    expect(p.messages[0]!.data.toString()).toBe('hello');
    const [client] = await waitFor(async () => {
      const list = await t.engine.invoke('wsServer.clients', { id: s.id });
      return list[0]?.stats.messagesOut === 1 ? list : null;
    }, 'client counters');
    expect(client).toMatchObject({ id: 'c1', remoteAddress: '127.0.0.1', url: '/feed?token=1', protocol: 'v2', status: 'open' });
    expect(client!.requestHeaders).toContainEqual(['X-Client', 'tester']);
    expect(client!.stats).toMatchObject({ messagesIn: 1, messagesOut: 1, bytesIn: 5, bytesOut: 5 });
    expect(client!.connectedAt).toBeGreaterThan(0);
    // Wrong path: refused with 404 and a body that says where to go.
    const wrong = new WebSocket(`ws://127.0.0.1:${s.boundPort}/other`);
    const status = await new Promise<number>((r) => {
      wrong.on('unexpected-response', (_req, res) => r(res.statusCode ?? 0));
      wrong.on('error', () => undefined);
    });
    expect(status).toBe(404);
    // Plain HTTP: 426 with words.
    const res = await fetch(`http://127.0.0.1:${s.boundPort}/feed`);
    expect(res.status).toBe(426);
    expect(await res.text()).toContain('WebSocket server');
  });

  it('greets, answers by rules (text, regex, JSON field, templates), echoes otherwise', async () => {
    const s = await start({
      greeting: 'welcome',
      echo: true,
      rules: [
        { id: 'r1', match: { type: 'equals', text: 'ping' }, reply: 'pong #{{count}} to {{clientId}}' },
        { id: 'r2', match: { type: 'regex', pattern: '^add (\\d+) (\\d+)$' }, reply: '{{$2}}+{{$1}}' },
        { id: 'r3', match: { type: 'jsonField', path: 'op', equals: 'sub' }, reply: '{"ok":true,"ch":"{{json.args.0}}"}' },
        { id: 'r4', match: { type: 'jsonField', path: 'id' }, reply: 'ack {{json.id}}' },
        { id: 'r5', enabled: false, match: { type: 'any' }, reply: 'never' },
        { id: 'r6', match: { type: 'contains', text: 'bin' }, reply: 'ca fe', replyFormat: 'hex' },
      ],
    });
    const p = await peer(s.url!);
    await waitFor(() => p.messages.length === 1, 'greeting');
    expect(p.messages[0]!.data.toString()).toBe('welcome');
    for (const m of ['ping', 'add 2 3', '{"op":"sub","args":["trades"]}', '{"id":7}', 'other', 'binary please']) p.ws.send(m);
    await waitFor(() => p.messages.length === 7, 'replies');
    expect(p.messages.slice(1, 6).map((m) => m.data.toString())).toEqual(['pong #1 to c1', '3+2', '{"ok":true,"ch":"trades"}', 'ack 7', 'other']);
    expect(p.messages[6]).toMatchObject({ binary: true });
    expect(p.messages[6]!.data.toString('hex')).toBe('cafe');
    await expect(t.engine.invoke('wsServer.update', { id: s.id, behaviour: { rules: [{ id: 'bad', match: { type: 'regex', pattern: '(' }, reply: '' }] } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await t.engine.invoke('wsServer.update', { id: s.id, behaviour: { echo: false, rules: [] } });
    p.ws.send('silence');
    await new Promise((r) => setTimeout(r, 100));
    expect(p.messages.length).toBe(7);
  });

  it('sends to one client, broadcasts, kicks with code and reason, stops with 1001', async () => {
    const s = await start();
    const a = await peer(s.url!);
    const b = await peer(s.url!);
    const c = await peer(s.url!);
    await waitFor(async () => (await t.engine.invoke('wsServer.clients', { id: s.id })).length === 3, 'three clients');
    const one = await t.engine.invoke('wsServer.send', { id: s.id, clientId: 'c2', message: { format: 'text', data: 'just you' } });
    expect(one.sent).toBe(1);
    const all = await t.engine.invoke('wsServer.send', { id: s.id, message: { format: 'json', data: '{"all":true}' } });
    expect(all.sent).toBe(3);
    await waitFor(() => a.messages.length === 1 && b.messages.length === 2 && c.messages.length === 1, 'deliveries');
    expect(b.messages.map((m) => m.data.toString())).toEqual(['just you', '{"all":true}']);
    await expect(t.engine.invoke('wsServer.send', { id: s.id, clientId: 'c9', message: { format: 'text', data: 'x' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const kicked = await t.engine.invoke('wsServer.kick', { id: s.id, clientId: 'c1', code: 4403, reason: 'go away' });
    expect(kicked.close).toMatchObject({ code: 4403, initiatedBy: 'us' });
    await waitFor(() => a.closed(), 'a closed');
    expect(a.closed()).toEqual({ code: 4403, reason: 'go away' });
    await expect(t.engine.invoke('wsServer.send', { id: s.id, clientId: 'c1', message: { format: 'text', data: 'x' } })).rejects.toMatchObject({ code: 'WS_CLIENT_NOT_OPEN' });
    const clients = await t.engine.invoke('wsServer.clients', { id: s.id });
    expect(clients.map((x) => `${x.id}:${x.status}`)).toEqual(['c2:open', 'c3:open', 'c1:closed']);
    // Per-client log.
    const bLog = await allFrames(t.engine, s.id, { clientId: 'c2', kinds: ['text'] });
    expect(bLog.map((f) => f.preview)).toEqual(['just you', '{"all":true}']);
    const stopped = await t.engine.invoke('wsServer.stop', { id: s.id });
    expect(stopped.status).toBe('stopped');
    await waitFor(() => b.closed() && c.closed(), 'others closed');
    expect(b.closed()!.code).toBe(1001);
    await expect(t.engine.invoke('wsServer.send', { id: s.id, message: { format: 'text', data: 'x' } })).rejects.toMatchObject({ code: 'WS_SERVER_NOT_RUNNING' });
    const again = await t.engine.invoke('wsServer.restart', { id: s.id });
    expect(again.status).toBe('running');
    await t.engine.invoke('wsServer.remove', { id: s.id });
    expect(await t.engine.invoke('wsServer.list', {})).toEqual([]);
  });

  it('a taken port is a clear error', async () => {
    const s = await start();
    await expect(start({ port: s.boundPort! })).rejects.toMatchObject({ code: 'WS_SERVER_PORT_IN_USE' });
    expect((await t.engine.invoke('wsServer.list', {})).length).toBe(1);
  });

  it('our client and our server: binary round trip by hash, handshake from both sides', async () => {
    const s = await start({ echo: true, perMessageDeflate: true });
    const c = await t.engine.invoke('ws.connect', { url: s.url!, headers: [['Authorization', 'Bearer x']] });
    expect(c.handshake?.extensions).toContain('permessage-deflate');
    // No context takeover either way (ws's default compresses every frame with two windows per client).
    expect(c.handshake?.extensions).toContain('server_no_context_takeover');
    expect(c.handshake?.extensions).toContain('client_no_context_takeover');
    const blob = randomBytes(3 * 1024 * 1024);
    await t.engine.invoke('ws.send', { id: c.id, message: { format: 'base64', data: blob.toString('base64') } });
    await waitFor(async () => (await t.engine.invoke('ws.list', {}))[0]!.stats.messagesIn === 1, 'echo');
    const [echo] = await allFrames(t.engine, c.id, { kinds: ['binary'], directions: ['in'] });
    expect(sha256(Buffer.from(echo!.dataBase64, 'base64'))).toBe(sha256(blob));
    const [client] = await t.engine.invoke('wsServer.clients', { id: s.id });
    expect(client!.requestHeaders).toContainEqual(['Authorization', 'Bearer x']);
    expect(client!.extensions).toContain('permessage-deflate');
  });
});

describe('WebSocket server against raw TCP clients (never crashes)', () => {
  it('echoes a masked frame from a hand-made client', async () => {
    const s = await start({ echo: true });
    const raw = await rawClient(s.boundPort!);
    expect(raw.head).toMatch(/^HTTP\/1\.1 101/);
    raw.socket.write(frame(0x1, Buffer.from('raw hello'), { mask: true }));
    await waitFor(() => raw.frames.length === 1, 'echo');
    expect(raw.frames[0]).toMatchObject({ opcode: 1 });
    expect(raw.frames[0]!.payload.toString()).toBe('raw hello');
    const [client] = await t.engine.invoke('wsServer.clients', { id: s.id });
    expect(client!.requestHeaders).toContainEqual(['X-Raw-Client', 'yes']);
    raw.socket.destroy();
  });

  it('closes bad peers with the right code and keeps serving', async () => {
    const s = await start({ echo: true, maxPayload: 1024 });
    const cases: Array<[string, Buffer, number]> = [
      ['invalid UTF-8', frame(0x1, Buffer.from([0xce, 0xba, 0xe1, 0xbd]), { mask: true }), 1007],
      ['oversized', frame(0x2, Buffer.alloc(4096), { mask: true }), 1009],
      ['reserved opcode', frame(0x3, Buffer.from('x'), { mask: true }), 1002],
      ['unmasked', frame(0x1, Buffer.from('x')), 1002],
      ['close code 1005', frame(0x8, closePayload(1005), { mask: true }), 1002],
      ['close code 2999', frame(0x8, closePayload(2999), { mask: true }), 1002],
      ['fragmented control frame', frame(0x9, Buffer.from('p'), { mask: true, fin: false }), 1002],
      ['continuation without start', frame(0x0, Buffer.from('x'), { mask: true }), 1002],
    ];
    for (const [name, bytes, expected] of cases) {
      const raw = await rawClient(s.boundPort!);
      raw.socket.write(bytes);
      await waitFor(() => raw.frames.find((f) => f.opcode === 8), `close frame for ${name}`);
      const close = raw.frames.find((f) => f.opcode === 8)!;
      expect(close.payload.readUInt16BE(0), name).toBe(expected);
      raw.socket.destroy();
    }
    // Garbage instead of a handshake, and a half-open socket.
    const net = await import('node:net');
    const junk = net.connect(s.boundPort!, '127.0.0.1');
    junk.on('error', () => undefined);
    junk.end('\x00\x01\x02 not http\r\n\r\n');
    const p = await peer(s.url!);
    p.ws.send('still alive');
    await waitFor(() => p.messages.length === 1, 'alive');
    const log = await summaries(t.engine, s.id);
    expect(log.filter((f) => f.kind === 'error' && f.errorCode === 'WS_PROTOCOL_ERROR').length).toBeGreaterThanOrEqual(6);
    expect((await t.engine.invoke('wsServer.list', {}))[0]!.status).toBe('running');
  });

  it('refuses a deflate bomb from a client with 1009', async () => {
    const s = await start({ echo: true, perMessageDeflate: true, maxPayload: 1024 * 1024 });
    const p = await peer(s.url!, [], { perMessageDeflate: { threshold: 0 } });
    p.ws.send(Buffer.alloc(64 * 1024 * 1024));
    await waitFor(() => p.closed(), 'closed');
    expect(p.closed()!.code).toBe(1009);
    const [client] = await t.engine.invoke('wsServer.clients', { id: s.id });
    expect(client!.stats.messagesIn).toBe(0);
  });

  it('receives 100,000 small messages from a client in order', async () => {
    const s = await start();
    const p = await peer(s.url!);
    const N = 100_000;
    for (let i = 0; i < N; i++) p.ws.send(`n${i}`);
    await waitFor(async () => (await t.engine.invoke('wsServer.list', {}))[0]!.stats.messagesIn === N, 'all in', 30_000);
    const frames = await allFrames(t.engine, s.id, { kinds: ['text'], directions: ['in'] });
    expect(frames.length).toBe(N);
    for (let i = 0; i < N; i++) if (frames[i]!.preview !== `n${i}`) throw new Error(`frame ${i}: ${frames[i]!.preview}`);
  }, 60_000);

  it('echoes pipelined bursts from two clients complete, in order and byte-exact, and logs both directions', async () => {
    // Echoes written within one tick leave together (the socket is corked per tick): nothing may be
    // lost, reordered or sent to the wrong client, across spills of the log (80,000+ frames).
    const s = await start({ echo: true });
    const N = 20_000;
    const payload = (who: number, i: number): { data: Buffer; binary: boolean } =>
      i % 5000 === 1 ? { data: randomBytes(100 * 1024), binary: true } : i % 7 === 0 ? { data: randomBytes(1 + (i % 50)), binary: true } : { data: Buffer.from(`c${who}-${i}`), binary: false };
    // One after the other, so the server's c1 is peers[0].
    const peers = [await peer(s.url!), await peer(s.url!)];
    const sent: Array<Array<{ data: Buffer; binary: boolean }>> = [[], []];
    for (let i = 0; i < N; i++) {
      for (const who of [0, 1]) {
        const m = payload(who, i);
        sent[who]!.push(m);
        peers[who]!.ws.send(m.data, { binary: m.binary });
      }
    }
    await waitFor(() => peers.every((p) => p.messages.length >= N), 'all echoed', 30_000);
    for (const who of [0, 1]) {
      const got = peers[who]!.messages;
      expect(got.length).toBe(N);
      for (let i = 0; i < N; i++) {
        if (!got[i]!.data.equals(sent[who]![i]!.data) || got[i]!.binary !== sent[who]![i]!.binary) throw new Error(`client ${who}, echo ${i} differs`);
      }
    }
    const [state] = await t.engine.invoke('wsServer.list', {});
    expect(state!.stats).toMatchObject({ messagesIn: 2 * N, messagesOut: 2 * N });
    const clients = await t.engine.invoke('wsServer.clients', { id: s.id });
    for (const [who, c] of clients.entries()) {
      const out = await allFrames(t.engine, s.id, { clientId: c.id, directions: ['out'], kinds: ['text', 'binary'] });
      expect(out.length).toBe(N);
      for (let i = 0; i < N; i++) {
        if (!Buffer.from(out[i]!.dataBase64, 'base64').equals(sent[who]![i]!.data)) throw new Error(`client ${who}, logged echo ${i} differs`);
      }
    }
  }, 60_000);

  it('a plain HTTP request with a broken upgrade gets an answer, not a crash', async () => {
    const s = await start();
    const status = await new Promise<number>((resolve) => {
      const req = http.request({ port: s.boundPort!, host: '127.0.0.1', path: '/', headers: { Connection: 'Upgrade', Upgrade: 'websocket' } });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', () => resolve(101));
      req.on('error', () => resolve(-1));
      req.end();
    });
    expect(status).toBe(400);
  });
});
