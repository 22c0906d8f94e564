import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closePayload, frame, rawClient, startEngine, summaries, waitFor, type TestEngine } from '../sockets/helpers';

// Fragmented floods, crafted frame by frame, against our WebSocket server (raw client) and our
// client (raw server). The single-frame cases (invalid UTF-8, reserved opcodes, bad close codes,
// oversized frames, deflate bombs) live in test/integration/sockets/{server,client}.test.ts.

let t: TestEngine;
const cleanups: Array<() => void> = [];
beforeEach(async () => {
  t = await startEngine();
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await t.close();
});

const MiB = 1024 * 1024;

/** Writes `count` frames made by `make`, respecting backpressure, until the socket closes. */
async function flood(socket: net.Socket, count: number, make: (i: number) => Buffer): Promise<number> {
  let written = 0;
  for (let i = 0; i < count && !socket.destroyed && socket.writable; i++) {
    written++;
    if (!socket.write(make(i))) {
      await new Promise<void>((r) => {
        socket.once('drain', r);
        socket.once('close', r);
      });
    }
  }
  return written;
}

describe('WebSocket server under fragmented floods', () => {
  it('continuation frames past maxPayload → 1009, memory bounded, server keeps serving', async () => {
    const s = await t.engine.invoke('wsServer.start', { echo: true, maxPayload: 256 * 1024 });
    const raw = await rawClient(s.boundPort!);
    const rss0 = process.memoryUsage().rss;
    raw.socket.write(frame(0x1, Buffer.from('start'), { mask: true, fin: false }));
    const chunk = Buffer.alloc(1000, 0x61);
    const written = await flood(raw.socket, 100_000, () => frame(0x0, chunk, { mask: true, fin: false }));
    await waitFor(() => raw.frames.find((f) => f.opcode === 8), 'close frame');
    expect(raw.frames.find((f) => f.opcode === 8)!.payload.readUInt16BE(0)).toBe(1009);
    // Cut off near the limit, not after the whole flood was buffered.
    expect(written).toBeLessThan(100_000);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(300 * MiB);
    raw.socket.destroy();
    const ok = await rawClient(s.boundPort!);
    ok.socket.write(frame(0x1, Buffer.from('alive'), { mask: true }));
    await waitFor(() => ok.frames.find((f) => f.opcode === 1), 'echo');
    ok.socket.destroy();
  });

  it('empty continuation frames: a few thousand complete the message; a flood is closed with 1008 (ws maxFragments 16,384)', async () => {
    const s = await t.engine.invoke('wsServer.start', { echo: true, maxPayload: 64 * 1024 });
    const empty = frame(0x0, Buffer.alloc(0), { mask: true, fin: false });
    const ping = frame(0x9, Buffer.from('p'), { mask: true });
    // Within the limit, with pings interleaved (control frames may come between fragments).
    const fine = await rawClient(s.boundPort!);
    fine.socket.write(frame(0x1, Buffer.from('a'), { mask: true, fin: false }));
    await flood(fine.socket, 5000, (i) => (i % 1000 === 999 ? ping : empty));
    fine.socket.write(frame(0x0, Buffer.from('z'), { mask: true, fin: true }));
    await waitFor(() => fine.frames.find((f) => f.opcode === 1), 'echo of the fragmented message');
    expect(fine.frames.find((f) => f.opcode === 1)!.payload.toString()).toBe('az');
    expect(fine.frames.filter((f) => f.opcode === 0xa).length).toBe(5);
    fine.socket.destroy();
    // Zero-length fragments never reach maxPayload; the fragment count stops them.
    const raw = await rawClient(s.boundPort!);
    const rss0 = process.memoryUsage().rss;
    raw.socket.write(frame(0x1, Buffer.from('a'), { mask: true, fin: false }));
    await flood(raw.socket, 200_000, () => empty);
    await waitFor(() => raw.frames.find((f) => f.opcode === 8), 'close frame');
    expect(raw.frames.find((f) => f.opcode === 8)!.payload.readUInt16BE(0)).toBe(1008);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(300 * MiB);
    raw.socket.destroy();
    expect((await t.engine.invoke('wsServer.list', {}))[0]!.status).toBe('running');
  }, 30_000);

  it('a new data frame in the middle of a fragmented message → 1002', async () => {
    const s = await t.engine.invoke('wsServer.start', { echo: true });
    const raw = await rawClient(s.boundPort!);
    raw.socket.write(frame(0x1, Buffer.from('a'), { mask: true, fin: false }));
    raw.socket.write(frame(0x2, Buffer.from('b'), { mask: true, fin: true }));
    await waitFor(() => raw.frames.find((f) => f.opcode === 8), 'close frame');
    expect(raw.frames.find((f) => f.opcode === 8)!.payload.readUInt16BE(0)).toBe(1002);
    raw.socket.destroy();
  });
});

describe('WebSocket client against a server that floods fragments', () => {
  it('continuation frames past maxPayload → we close with 1009, memory bounded', async () => {
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      let head = '';
      const onData = (chunk: Buffer): void => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        const key = /Sec-WebSocket-Key: (.+)\r\n/i.exec(head)?.[1] ?? '';
        const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
        socket.on('data', () => socket.end(frame(0x8, closePayload(1009))));
        socket.write(frame(0x2, Buffer.alloc(10), { fin: false }));
        const piece = Buffer.alloc(4096, 1);
        void flood(socket, 50_000, () => frame(0x0, piece, { fin: false }));
      };
      socket.on('data', onData);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const sockets = new Set<net.Socket>();
    server.on('connection', (so) => sockets.add(so));
    cleanups.push(() => {
      for (const so of sockets) so.destroy();
      server.close();
    });
    const rss0 = process.memoryUsage().rss;
    const c = await t.engine.invoke('ws.connect', { url: `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/`, maxPayload: MiB });
    await waitFor(async () => (await t.engine.invoke('ws.list', {})).find((x) => x.id === c.id && x.status === 'closed'), 'closed', 20_000);
    const log = await summaries(t.engine, c.id);
    expect(log.find((f) => f.kind === 'close' && f.direction === 'out')?.closeCode).toBe(1009);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(300 * MiB);
  }, 30_000);
});
