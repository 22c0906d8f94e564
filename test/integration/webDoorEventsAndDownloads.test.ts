import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { createEngine, type Engine } from '../../src/engine';
import { startWebDoor, type WebDoor } from '../../src/main/serve/webDoor';
import type { WebDoorMessage } from '../../src/shared/client';
import type { EngineEvent } from '../../src/shared/contract';
import type { ResponseRecord } from '../../src/shared/model/http';
import { connectWs, fakeRendererDir, messageLog, request } from './webDoor/helpers';

let engine: Engine;
let door: WebDoor;
let dataDir: string;
let rendererDir: string;
let origin: http.Server;
let originUrl: string;
const payload = randomBytes(3 * 1024 * 1024 + 17);

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sb-door-events-'));
  rendererDir = fakeRendererDir();
  engine = await createEngine({ dataDir, door: 'web' });
  door = await startWebDoor({ engine, port: 0, rendererDir });
  // A real server for the engine's HTTP sender: a slow stream (progress events) and random bytes.
  origin = http.createServer((req, res) => {
    if (req.url === '/slow') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(8 * 16 * 1024) });
      let sent = 0;
      const tick = setInterval(() => {
        res.write(Buffer.alloc(16 * 1024, sent));
        if (++sent === 8) {
          clearInterval(tick);
          res.end();
        }
      }, 60);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': String(payload.length) });
    res.end(payload);
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await door?.close();
  await engine?.close();
  if (origin) await new Promise((r) => origin.close(r));
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
});

async function openSocket(): Promise<{ ws: WebSocket; log: ReturnType<typeof messageLog> }> {
  const res = await connectWs(door.port, `/api/ws?token=${door.token}`);
  if (!res.open) throw new Error(`refused: ${res.status}`);
  return { ws: res.ws, log: messageLog(res.ws) };
}

async function send(ws: WebSocket, log: ReturnType<typeof messageLog>, id: number, command: string, params: unknown) {
  ws.send(JSON.stringify({ id, command, params }));
  const reply = await log.waitFor<Extract<WebDoorMessage, { id: number }>>((m) => m.id === id, 10_000);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.result;
}

describe('web door: events', () => {
  it('delivers engine events as {type:"events", events:[…]} batches to every connected client', async () => {
    const a = await openSocket();
    const b = await openSocket();
    await send(a.ws, a.log, 1, 'http.send', { spec: { method: 'GET', url: `${originUrl}/slow` }, requestId: 'slow-1' });
    for (const client of [a, b]) {
      const batches = client.log.messages.filter((m): m is { type: 'events'; events: EngineEvent[] } => (m as { type?: string }).type === 'events');
      expect(batches.length).toBeGreaterThan(0);
      for (const batch of batches) {
        expect(Array.isArray(batch.events)).toBe(true);
        expect(batch.events.length).toBeGreaterThan(0);
      }
      const progress = batches.flatMap((x) => x.events).filter((e) => e.type === 'http.progress' && e.requestId === 'slow-1');
      expect(progress.length).toBeGreaterThan(0);
      // Received counts only grow: merged snapshots never go backwards.
      const received = progress.map((e) => (e.type === 'http.progress' ? e.received : 0));
      expect([...received].sort((x, y) => x - y)).toEqual(received);
    }
    a.ws.terminate();
    b.ws.terminate();
  });

  it('stops sending events to a client once it disconnects (no leak, no crash)', async () => {
    const a = await openSocket();
    a.ws.terminate();
    const b = await openSocket();
    await send(b.ws, b.log, 2, 'http.send', { spec: { method: 'GET', url: `${originUrl}/slow` }, requestId: 'slow-2' });
    expect(b.log.messages.some((m) => (m as { type?: string }).type === 'events')).toBe(true);
    b.ws.terminate();
  });
});

describe('web door: downloads', () => {
  it('streams a response body as an attachment, byte for byte', async () => {
    const { ws, log } = await openSocket();
    const record = (await send(ws, log, 3, 'http.send', { spec: { method: 'GET', url: `${originUrl}/bytes` } })) as ResponseRecord;
    ws.terminate();
    expect(record.bodySize).toBe(payload.length);
    const res = await request(door.port, `/api/http/responses/${encodeURIComponent(record.id)}/body?filename=report.pdf`, {
      headers: { Cookie: `switchboard-token-${door.port}=${door.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="report\.pdf"/);
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(Number(res.headers['content-length'])).toBe(payload.length);
    expect(createHash('sha256').update(res.body).digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));

    const head = await request(door.port, `/api/http/responses/${encodeURIComponent(record.id)}/body`, {
      method: 'HEAD',
      headers: { Authorization: `Bearer ${door.token}` },
    });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-disposition']).toContain(`response-${record.id.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  });

  it('answers an unknown body id with a JSON error, not a crash', async () => {
    const res = await request(door.port, '/api/http/responses/no-such-id/body', { headers: { Authorization: `Bearer ${door.token}` } });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers a badly encoded id with 400', async () => {
    for (const p of ['/api/http/responses/%E0%A4%A/body', '/api/captures/%ZZ/body']) {
      const res = await request(door.port, p, { headers: { Authorization: `Bearer ${door.token}` } });
      expect(res.status, p).toBe(400);
      expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
  });

  it('needs the token like everything else', async () => {
    const res = await request(door.port, '/api/http/responses/x/body');
    expect(res.status).toBe(401);
  });

  it('404s unknown API paths with a JSON error', async () => {
    const res = await request(door.port, '/api/nothing-here', { headers: { Authorization: `Bearer ${door.token}` } });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
