import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { har as harValidate } from 'har-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { createEngine, type Engine } from '../../src/engine';
import { startWebDoor, type WebDoor } from '../../src/main/serve/webDoor';
import type { WebDoorMessage } from '../../src/shared/client';
import type { EngineEvent } from '../../src/shared/contract';
import type { CaptureSummary, CatcherState } from '../../src/shared/model/catcher';
import { connectWs, fakeRendererDir, messageLog, request } from './webDoor/helpers';

// The web door in front of real catchers: live capture events through /api/ws, bodies and HAR
// through the download endpoints.
let engine: Engine;
let door: WebDoor;
let dataDir: string;
let rendererDir: string;
let ws: WebSocket;
let log: ReturnType<typeof messageLog>;
let catcher: CatcherState;
let nextId = 1;

async function invoke<T>(command: string, params: unknown): Promise<T> {
  const id = nextId++;
  ws.send(JSON.stringify({ id, command, params }));
  const reply = await log.waitFor<Extract<WebDoorMessage, { id: number }>>((m) => m.id === id, 25_000);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

function post(url: string, body: Buffer, contentType = 'application/octet-stream'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'Content-Type': contentType, 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function eventBatches(): EngineEvent[][] {
  return log.messages
    .filter((m): m is { type: 'events'; events: EngineEvent[] } => (m as { type?: string }).type === 'events')
    .map((m) => m.events);
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sb-door-captures-'));
  rendererDir = fakeRendererDir();
  engine = await createEngine({ dataDir, door: 'web' });
  door = await startWebDoor({ engine, port: 0, rendererDir });
  const res = await connectWs(door.port, `/api/ws?token=${door.token}`);
  if (!res.open) throw new Error('refused');
  ws = res.ws;
  log = messageLog(ws);
  catcher = await invoke<CatcherState>('catchers.create', { name: 'door test', port: 0 });
});

afterAll(async () => {
  ws?.terminate();
  await door?.close();
  await engine?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
});

describe('web door with real catchers', () => {
  it('streams a burst of captures live, batched, each exactly once', async () => {
    expect(catcher.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const n = 300;
    const statuses = await Promise.all(Array.from({ length: n }, (_, i) => post(`${catcher.url}/burst/${i}`, Buffer.from(`{"i":${i}}`), 'application/json')));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await log.waitFor(() => eventBatches().flat().filter((e) => e.type === 'capture.new' && e.capture.url.startsWith('/burst/')).length >= n, 10_000).catch(() => undefined);
    const captures = eventBatches()
      .flat()
      .filter((e): e is { type: 'capture.new'; capture: CaptureSummary } => e.type === 'capture.new' && e.capture.url.startsWith('/burst/'));
    expect(captures).toHaveLength(n);
    expect(new Set(captures.map((e) => e.capture.url)).size).toBe(n);
    // Batched: far fewer messages than events.
    const batchesWithCaptures = eventBatches().filter((b) => b.some((e) => e.type === 'capture.new'));
    expect(batchesWithCaptures.length).toBeLessThan(n);
  });

  it('downloads a capture body byte for byte, as an attachment', async () => {
    const body = randomBytes(2 * 1024 * 1024 + 3);
    expect(await post(`${catcher.url}/upload`, body, 'image/png')).toBe(200);
    const list = await invoke<{ items: CaptureSummary[] }>('captures.list', { text: '/upload', newest: true, limit: 1 });
    const summary = list.items.find((c) => c.url === '/upload');
    expect(summary).toBeDefined();
    const res = await request(door.port, `/api/captures/${encodeURIComponent(summary!.id)}/body`, {
      headers: { Cookie: `switchboard-token-${door.port}=${door.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="capture-[^"]+\.png"/);
    expect(createHash('sha256').update(res.body).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('answers an unknown capture with 404 NOT_FOUND', async () => {
    const res = await request(door.port, '/api/captures/does-not-exist/body', { headers: { Authorization: `Bearer ${door.token}` } });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('downloads a HAR 1.2 export that a validator accepts', async () => {
    const res = await request(door.port, `/api/captures/export.har?catcherId=${encodeURIComponent(catcher.id)}&method=POST`, {
      headers: { Authorization: `Bearer ${door.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="switchboard-.*\.har"/);
    const har = JSON.parse(res.body.toString()) as { log: { version: string; entries: unknown[] } };
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries.length).toBeGreaterThanOrEqual(301);
    await expect(harValidate(har)).resolves.toBeTruthy();
  });
});
