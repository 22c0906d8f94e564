import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { waitFor } from './helpers';

const BIN = path.resolve('bin/switchboard.js');
let dataDir: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-ws-cli-'));
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function cli(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args, '--data-dir', dataDir], { stdio: 'pipe' });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close', not 'exit': when 'exit' fires the child's last output may still be unread in the pipe.
  const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)));
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    lines: () => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

async function wsServer(onConnection: (ws: WebSocket, req: http.IncomingMessage) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws, req) => {
    ws.on('error', () => undefined);
    onConnection(ws, req);
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}/`,
    close: () => new Promise<void>((r) => wss.close(() => r())),
  };
}

describe('switchboard ws connect', () => {
  it('sends stdin lines, prints received frames as JSON lines, exits 0 on a normal close', async () => {
    let seen: { token?: string; protocol?: string } = {};
    const srv = await wsServer((ws, req) => {
      seen = { token: req.headers['x-token'] as string, protocol: ws.protocol };
      ws.on('message', (d, binary) => ws.send(d, { binary }));
      ws.send(Buffer.from([1, 2, 3]));
    });
    const run = cli(['ws', 'connect', srv.url, '-H', 'X-Token: abc', '--protocol', 'p1', '--json', '--wait', '300']);
    run.child.stdin.end('one\n{"two":2}\n');
    expect(await run.exited).toBe(0);
    const lines = run.lines();
    expect(lines[0]).toMatchObject({ type: 'open', status: 101 });
    const msgs = lines.filter((l) => l.type === 'message');
    expect(msgs[0]).toMatchObject({ direction: 'in', opcode: 'binary', dataBase64: Buffer.from([1, 2, 3]).toString('base64') });
    expect(msgs.slice(1).map((m) => [m.opcode, m.data])).toEqual([
      ['text', 'one'],
      ['text', '{"two":2}'],
    ]);
    expect(lines[lines.length - 1]).toMatchObject({ type: 'close', code: 1000, meaning: 'Normal closure' });
    expect(seen).toEqual({ token: 'abc', protocol: 'p1' });
    await srv.close();
  });

  it('exits with a status derived from the close code, and 3 when the upgrade is refused', async () => {
    const srv = await wsServer((ws) => setTimeout(() => ws.close(1011, 'oops'), 50));
    const run = cli(['ws', 'connect', srv.url, '--keep-open']);
    run.child.stdin.end();
    expect(await run.exited).toBe(21);
    expect(run.stderr()).toContain('1011');
    await srv.close();

    const refuse = http.createServer((_req, res) => {
      res.writeHead(401);
      res.end('no entry');
    });
    await new Promise<void>((r) => refuse.listen(0, '127.0.0.1', () => r()));
    const denied = cli(['ws', 'connect', `ws://127.0.0.1:${(refuse.address() as net.AddressInfo).port}/`, '--json']);
    denied.child.stdin.end();
    expect(await denied.exited).toBe(3);
    expect(denied.lines()[0]).toMatchObject({ type: 'error', code: 'WS_HANDSHAKE_FAILED', status: 401, body: 'no entry' });
    await new Promise<void>((r) => refuse.close(() => r()));

    const usage = cli(['ws', 'connect']);
    expect(await usage.exited).toBe(2);
  });
});

describe('switchboard ws serve', () => {
  it('prints listening, connection, message and close lines; echoes with --echo', async () => {
    const run = cli(['ws', 'serve', '--json', '--echo', '--path', '/live']);
    const listening = await waitFor(() => run.lines()[0], 'listening line', 20_000);
    expect(listening.type).toBe('listening');
    expect(String(listening.url)).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/live$/);
    const ws = new WebSocket(String(listening.url), { headers: { 'X-Who': 'test' } });
    ws.on('error', () => undefined);
    const echoed: string[] = [];
    ws.on('message', (d) => echoed.push(d.toString()));
    await new Promise<void>((r) => ws.once('open', () => r()));
    ws.send('ping me');
    await waitFor(() => echoed.length === 1, 'echo');
    expect(echoed).toEqual(['ping me']);
    // stdin lines are broadcast.
    run.child.stdin.write('to everyone\n');
    await waitFor(() => echoed.length === 2, 'broadcast');
    ws.close(4001, 'done');
    await waitFor(() => run.lines().some((l) => l.type === 'close'), 'close line');
    const lines = run.lines();
    expect(lines[1]).toMatchObject({ type: 'connection', clientId: 'c1', remoteAddress: '127.0.0.1', url: '/live' });
    expect(lines[1]!.headers).toContainEqual(['X-Who', 'test']);
    const msgs = lines.filter((l) => l.type === 'message').map((l) => [l.clientId, l.direction, l.data]);
    expect(msgs).toEqual([
      ['c1', 'in', 'ping me'],
      ['c1', 'out', 'ping me'],
      ['c1', 'out', 'to everyone'],
    ]);
    expect(lines[lines.length - 1]).toMatchObject({ type: 'close', clientId: 'c1', code: 4001, reason: 'done' });
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });
});
