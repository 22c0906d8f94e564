import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../../../src/engine';
import type { EngineEvent } from '../../../src/shared/contract';
import type { WsFrame, WsFrameSummary } from '../../../src/shared/model/sockets';

export interface TestEngine {
  engine: Engine;
  events: EngineEvent[];
  dataDir: string;
  close(): Promise<void>;
}

export async function startEngine(limits: Parameters<typeof createEngine>[0]['limits'] = {}): Promise<TestEngine> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-ws-'));
  const engine = await createEngine({ dataDir, limits });
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  return {
    engine,
    events,
    dataDir,
    async close() {
      await engine.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** Every entry of a log, oldest first, with payloads. */
export async function allFrames(engine: Engine, logId: string, extra: Record<string, unknown> = {}): Promise<WsFrame[]> {
  const out: WsFrame[] = [];
  let after = 0;
  for (;;) {
    const page = await engine.invoke('ws.log.page', { logId, afterSeq: after, limit: 10_000, includeData: true, ...extra });
    if (page.items.length === 0) return out;
    out.push(...(page.items as WsFrame[]));
    after = page.items[page.items.length - 1]!.seq;
  }
}

export async function summaries(engine: Engine, logId: string): Promise<WsFrameSummary[]> {
  const page = await engine.invoke('ws.log.page', { logId, limit: 10_000 });
  return page.items;
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

// ── Raw RFC 6455 framing for peers that misbehave on purpose ────────────────────────────────────

export function frame(opcode: number, payload: Buffer, { mask = false, fin = true, rsv1 = false }: { mask?: boolean; fin?: boolean; rsv1?: boolean } = {}): Buffer {
  const len = payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (len < 126) head.push(maskBit | len);
  else if (len < 65536) head.push(maskBit | 126, len >> 8, len & 0xff);
  else {
    head.push(maskBit | 127);
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(len));
    head.push(...b);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= key[i % 4]!;
  return Buffer.concat([Buffer.from(head), key, masked]);
}

export function closePayload(code: number, reason = ''): Buffer {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code, 0);
  b.write(reason, 2);
  return b;
}

/** Parses complete unmasked frames out of `buf`; returns frames and the unused rest. */
export function parseFrames(buf: Buffer): { frames: Array<{ opcode: number; payload: Buffer }>; rest: Buffer } {
  const frames: Array<{ opcode: number; payload: Buffer }> = [];
  let off = 0;
  for (;;) {
    if (buf.length - off < 2) break;
    const b0 = buf[off]!;
    const b1 = buf[off + 1]!;
    let len = b1 & 0x7f;
    let p = off + 2;
    if (len === 126) {
      if (buf.length - off < 4) break;
      len = buf.readUInt16BE(off + 2);
      p = off + 4;
    } else if (len === 127) {
      if (buf.length - off < 10) break;
      len = Number(buf.readBigUInt64BE(off + 2));
      p = off + 10;
    }
    if (b1 & 0x80) p += 4;
    if (buf.length < p + len) break;
    frames.push({ opcode: b0 & 0x0f, payload: buf.subarray(p, p + len) });
    off = p + len;
  }
  return { frames, rest: buf.subarray(off) };
}

/** A raw TCP WebSocket client: does the upgrade by hand, then lets the test write any bytes. */
export async function rawClient(port: number, pathName = '/'): Promise<{
  socket: net.Socket;
  frames: Array<{ opcode: number; payload: Buffer }>;
  head: string;
  closed: Promise<void>;
}> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const key = randomBytes(16).toString('base64');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write(
    `GET ${pathName} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nX-Raw-Client: yes\r\n\r\n`,
  );
  let buf: Buffer = Buffer.alloc(0);
  let head = '';
  const frames: Array<{ opcode: number; payload: Buffer }> = [];
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no upgrade response')), 5000);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!head) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        head = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        clearTimeout(timer);
        resolve();
      }
      const parsed = parseFrames(buf);
      frames.push(...parsed.frames);
      buf = parsed.rest;
    });
  });
  return { socket, frames, head, closed };
}
