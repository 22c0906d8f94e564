import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine';
import { startWebDoor, type WebDoor } from '../../src/main/serve/webDoor';
import type { CatcherState } from '../../src/shared/model/catcher';
import { connectWs, fakeRendererDir, messageLog } from './webDoor/helpers';

// A client that stops reading must not make the door buffer without bound: past the
// high-water mark events wait (merged where they can be), and past maxPendingEvents the client
// is closed with 1013 so it reconnects and resyncs. Other clients are unaffected.
let engine: Engine;
let door: WebDoor;
let dataDir: string;
let rendererDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sb-door-bp-'));
  rendererDir = fakeRendererDir();
  engine = await createEngine({ dataDir, door: 'web' });
  door = await startWebDoor({ engine, port: 0, rendererDir, ws: { highWaterMark: 64 * 1024, maxPendingEvents: 200 } });
});

afterAll(async () => {
  await door?.close();
  await engine?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
});

function get(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    }).on('error', reject);
  });
}

describe('web door backpressure', () => {
  it('closes a client that stopped reading with 1013 instead of buffering forever; others keep working', async () => {
    const slow = await connectWs(door.port, `/api/ws?token=${door.token}`);
    const healthy = await connectWs(door.port, `/api/ws?token=${door.token}`);
    if (!slow.open || !healthy.open) throw new Error('refused');
    const healthyLog = messageLog(healthy.ws);
    const closed = new Promise<number>((resolve) => slow.ws.once('close', (code) => resolve(code)));
    // Stop reading: the kernel buffers fill, then the door's send buffer grows.
    (slow.ws as unknown as { _socket: Socket })._socket.pause();

    healthy.ws.send(JSON.stringify({ id: 1, command: 'catchers.create', params: { name: 'bp', port: 0 } }));
    const created = await healthyLog.waitFor<{ result: CatcherState }>((m) => m.id === 1);
    const url = created.result.url!;
    // Each capture.new event carries the 8 KiB path: ~16 MiB of events for the slow client.
    const longPath = `/${'x'.repeat(8 * 1024)}`;
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 100 }, () => get(`${url}${longPath}`)));
    }
    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    expect(await closed).toBe(1013);

    // The healthy client saw every capture.
    await healthyLog.waitFor(
      () =>
        healthyLog.messages
          .flatMap((m) => ((m as { type?: string }).type === 'events' ? (m as { events: Array<{ type: string }> }).events : []))
          .filter((e) => e.type === 'capture.new').length >= 2000,
      10_000,
    );
    healthy.ws.terminate();
  });
});
