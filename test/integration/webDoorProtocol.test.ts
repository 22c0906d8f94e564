import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEngine, type Engine } from '../../src/engine';
import { startWebDoor, type WebDoor } from '../../src/main/serve/webDoor';
import type { WebDoorMessage } from '../../src/shared/client';
import { connectWs, fakeRendererDir, messageLog } from './webDoor/helpers';

let engine: Engine;
let door: WebDoor;
let dataDir: string;
let rendererDir: string;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sb-door-proto-'));
  rendererDir = fakeRendererDir();
  engine = await createEngine({ dataDir, door: 'web' });
  door = await startWebDoor({ engine, port: 0, rendererDir });
});

afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
});

afterAll(async () => {
  await door?.close();
  await engine?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
});

async function open(): Promise<{ ws: WebSocket; log: ReturnType<typeof messageLog> }> {
  const res = await connectWs(door.port, '/api/ws', {
    Cookie: `switchboard-token-${door.port}=${door.token}`,
    Origin: `http://127.0.0.1:${door.port}`,
  });
  if (!res.open) throw new Error(`upgrade refused: ${res.status} ${res.body}`);
  sockets.push(res.ws);
  return { ws: res.ws, log: messageLog(res.ws) };
}

type Reply = Extract<WebDoorMessage, { id: number }>;

describe('web door: request/reply over /api/ws', () => {
  it('runs a command through engine.invoke and answers with the same id', async () => {
    const { ws, log } = await open();
    // Whatever the engine answers (a result or a stable error), the door relays it as the engine said it.
    const direct = await engine.invoke('engine.info', {}).then(
      (result) => ({ ok: true as const, result }),
      (err: { code: string; message: string }) => ({ ok: false as const, code: err.code }),
    );
    ws.send(JSON.stringify({ id: 41, command: 'engine.info', params: {} }));
    const reply = await log.waitFor<Reply>((m) => m.id === 41);
    expect(reply.ok).toBe(direct.ok);
    if (reply.ok && direct.ok) expect(reply.result).toEqual(JSON.parse(JSON.stringify(direct.result)));
    if (!reply.ok && !direct.ok) expect(reply.error.code).toBe(direct.code);
  });

  it('relays the engine\'s validation errors with their code and detail', async () => {
    const { ws, log } = await open();
    ws.send(JSON.stringify({ id: 7, command: 'engine.info', params: { surprise: true } }));
    const reply = await log.waitFor<Reply>((m) => m.id === 7);
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('VALIDATION_FAILED');
      expect(reply.error.message).toContain('engine.info');
      expect(Array.isArray(reply.error.detail)).toBe(true);
    }
  });

  it('answers unknown commands with UNKNOWN_COMMAND', async () => {
    const { ws, log } = await open();
    ws.send(JSON.stringify({ id: 8, command: 'rm -rf /', params: {} }));
    ws.send(JSON.stringify({ id: 9, command: '__proto__', params: {} }));
    ws.send(JSON.stringify({ id: 10, command: 'constructor' }));
    for (const id of [8, 9, 10]) {
      const reply = await log.waitFor<Reply>((m) => m.id === id);
      expect(reply).toMatchObject({ id, ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    }
  });

  it('answers every one of many pipelined requests exactly once, by id', async () => {
    const { ws, log } = await open();
    const n = 300;
    for (let i = 1; i <= n; i++) ws.send(JSON.stringify({ id: 1000 + i, command: 'engine.info', params: i % 2 ? {} : { bad: i } }));
    await log.waitFor((m) => m.id === 1000 + n);
    await new Promise((r) => setTimeout(r, 50));
    const ids = log.messages.map((m) => (m as { id?: number }).id).filter((id): id is number => typeof id === 'number' && id > 1000);
    expect(ids.length).toBe(n);
    expect(new Set(ids).size).toBe(n);
    for (const m of log.messages as Reply[]) {
      if (m.id > 1000 && m.id % 2 === 0) expect(m).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
  });
});

describe('web door: malformed messages', () => {
  const cases: Array<[string, string | Buffer, number]> = [
    ['not JSON', '{"id": 1, "command":', 0],
    ['JSON but not an object', '[1,2,3]', 0],
    ['a bare string', '"engine.info"', 0],
    ['null', 'null', 0],
    ['no id', '{"command":"engine.info","params":{}}', 0],
    ['a string id', '{"id":"1","command":"engine.info","params":{}}', 0],
    ['a fractional id', '{"id":1.5,"command":"engine.info","params":{}}', 0],
    ['no command', '{"id":12,"params":{}}', 12],
    ['a numeric command', '{"id":13,"command":5}', 13],
    ['an empty command', '{"id":14,"command":""}', 14],
  ];

  it.each(cases)('answers %s with a VALIDATION_FAILED reply and keeps the socket open', async (_name, payload, id) => {
    const { ws, log } = await open();
    ws.send(payload);
    const reply = await log.waitFor<Reply>((m) => m.ok === false);
    expect(reply).toMatchObject({ id, ok: false, error: { code: 'VALIDATION_FAILED' } });
    // Still serving on the same socket.
    ws.send(JSON.stringify({ id: 99, command: 'engine.info', params: { x: 1 } }));
    expect(await log.waitFor<Reply>((m) => m.id === 99)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses binary frames with an error reply', async () => {
    const { ws, log } = await open();
    ws.send(Buffer.from([0xff, 0x00, 0x10]));
    expect(await log.waitFor<Reply>((m) => m.ok === false)).toMatchObject({ id: 0, error: { code: 'VALIDATION_FAILED' } });
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a socket that sends invalid UTF-8 (1007) and stays up for others', async () => {
    const { ws } = await open();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    // A raw text frame with bytes that are not UTF-8: ws refuses it at the protocol level.
    const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]));
    expect(await closed).toBe(1007);
    const { ws: again, log } = await open();
    again.send(JSON.stringify({ id: 5, command: 'nope', params: {} }));
    expect(await log.waitFor<Reply>((m) => m.id === 5)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
  });

  it('closes a socket that sends an oversized message (1009), and the door stays up', async () => {
    const small = await startWebDoor({ engine, port: 0, rendererDir, ws: { maxPayload: 1024 } });
    try {
      const res = await connectWs(small.port, `/api/ws?token=${small.token}`);
      if (!res.open) throw new Error('refused');
      const closed = new Promise<number>((resolve) => res.ws.once('close', (code) => resolve(code)));
      res.ws.send(JSON.stringify({ id: 1, command: 'engine.info', params: { pad: 'x'.repeat(4096) } }));
      expect(await closed).toBe(1009);
      const again = await connectWs(small.port, `/api/ws?token=${small.token}`);
      expect(again.open).toBe(true);
      if (again.open) again.ws.terminate();
    } finally {
      await small.close();
    }
  });
});

describe('web door: shutdown', () => {
  it('close() ends open sockets with 1001 and stops listening', async () => {
    const extra = await startWebDoor({ engine, port: 0, rendererDir });
    const res = await connectWs(extra.port, `/api/ws?token=${extra.token}`);
    if (!res.open) throw new Error('refused');
    const closed = new Promise<number>((resolve) => res.ws.once('close', (code) => resolve(code)));
    await extra.close();
    expect(await closed).toBe(1001);
    await expect(connectWs(extra.port, `/api/ws?token=${extra.token}`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
