import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, startEngine, summaries, waitFor, type TestEngine } from './helpers';

// wscat (npm) is an independent implementation on the other end of the wire.
const WSCAT = path.resolve('node_modules/.bin/wscat');

let t: TestEngine;
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(async () => {
  t = await startEngine();
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGTERM');
  await t.close();
});

function run(args: string[]): { child: ChildProcessWithoutNullStreams; out: () => string } {
  const child = spawn(WSCAT, ['--no-color', ...args], { stdio: 'pipe' });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { child, out: () => out };
}

describe('against wscat', () => {
  it('our client ↔ wscat --listen', async () => {
    const port = await freePort();
    const w = run(['--listen', String(port)]);
    // Without a TTY wscat prints only what it receives, so wait for its port by connecting.
    const c = await waitFor(async () => {
      const attempt = await t.engine.invoke('ws.connect', { url: `ws://127.0.0.1:${port}` });
      if (attempt.status === 'open') return attempt;
      await t.engine.invoke('ws.remove', { id: attempt.id });
      return null;
    }, 'wscat listening');
    expect(c.handshake?.status).toBe(101);
    await t.engine.invoke('ws.send', { id: c.id, message: { format: 'text', data: 'hello wscat' } });
    await waitFor(() => w.out().includes('hello wscat\n'), 'wscat received');
    w.child.stdin.write('hello switchboard\n');
    await waitFor(async () => (await summaries(t.engine, c.id)).some((f) => f.direction === 'in' && f.preview === 'hello switchboard'), 'we received');
    const { rttMs } = await t.engine.invoke('ws.ping', { id: c.id });
    expect(rttMs).toBeGreaterThanOrEqual(0);
    const closed = await t.engine.invoke('ws.close', { id: c.id, code: 1000, reason: 'done' });
    expect(closed.close?.wasClean).toBe(true);
  });

  it('wscat --connect ↔ our server (echo, greeting, subprotocol)', async () => {
    const s = await t.engine.invoke('wsServer.start', { echo: true, greeting: 'hi from switchboard', path: '/echo' });
    const w = run(['--connect', s.url!, '-s', 'chat', '-H', 'X-From: wscat']);
    await waitFor(() => w.out().includes('hi from switchboard\n'), 'greeting at wscat');
    w.child.stdin.write('round trip\n');
    await waitFor(() => w.out().includes('round trip\n'), 'echo at wscat');
    const [client] = await t.engine.invoke('wsServer.clients', { id: s.id });
    expect(client!.protocol).toBe('chat');
    expect(client!.requestHeaders).toContainEqual(['X-From', 'wscat']);
    expect(client!.stats).toMatchObject({ messagesIn: 1, messagesOut: 2 });
    await t.engine.invoke('wsServer.kick', { id: s.id, clientId: client!.id, code: 4000, reason: 'bye' });
    await waitFor(() => w.child.exitCode !== null, 'wscat exited after the kick');
  });
});
