import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, test } from 'vitest';
import { startLocaltunnelServer, type LocaltunnelFixture } from '../../fixtures/localtunnelServer';
import { deadPort, viaTunnel } from './helpers';

// `switchboard catch --tunnel … --json` as a user runs it: a real process, real signals.

const root = path.resolve(__dirname, '../../..');
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

type Line = Record<string, unknown> & { type: string };

function startCatch(args: string[]) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-cli-tunnel-'));
  const child = spawn(process.execPath, [path.join(root, 'bin/switchboard.js'), 'catch', '--json', '--data-dir', dataDir, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  const waiters: Array<{ pred: (l: Line) => boolean; resolve: (l: Line) => void }> = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      line = { type: 'text', text };
    }
    lines.push(line);
    for (const w of waiters.splice(0)) {
      if (w.pred(line)) w.resolve(line);
      else waiters.push(w);
    }
  });
  // 'close', not 'exit': when 'exit' fires the child's last output may still be unread in the pipe.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  });
  const waitFor = (pred: (l: Line) => boolean, label: string, timeoutMs = 20_000): Promise<Line> => {
    const found = lines.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${label} line; got:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n${stderr}`)), timeoutMs);
      waiters.push({
        pred,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  };
  return { child, lines, waitFor, exited, stderr: () => stderr };
}

const tunnelLine = (status: string) => (l: Line) => l.type === 'tunnel' && l.status === status;

describe('switchboard catch --tunnel', () => {
  test('prints a tunnel line on every status change, relays requests, survives a server outage, exits on SIGINT', async () => {
    let fx: LocaltunnelFixture = await startLocaltunnelServer();
    const port = fx.port;
    cleanups.push(() => fx.kill());
    const run = startCatch(['--tunnel', '--tunnel-host', fx.url, '--subdomain', 'cli-hooks']);
    const listening = await run.waitFor((l) => l.type === 'listening', 'listening');
    const connecting = await run.waitFor(tunnelLine('connecting'), 'connecting');
    expect(connecting).toMatchObject({ url: null });
    expect(typeof connecting.reason).toBe('string');
    const online = await run.waitFor(tunnelLine('online'), 'online');
    expect(online).toMatchObject({ type: 'tunnel', status: 'online', url: fx.publicUrl('cli-hooks'), reason: null });

    const res = await viaTunnel(fx.port, String(online.url), { method: 'POST', path: '/via/tunnel', body: Buffer.from('{"x":1}'), headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(200);
    const capture = await run.waitFor((l) => l.type === 'capture', 'capture');
    expect(capture).toMatchObject({ capture: { method: 'POST', url: '/via/tunnel' } });

    await fx.kill();
    const reconnecting = await run.waitFor(tunnelLine('reconnecting'), 'reconnecting');
    expect(reconnecting.reason).toMatch(/tunnel server.*attempt 1, (next try in \d+ s|trying now)/);
    expect(reconnecting.url).toBe(online.url);
    // The catcher keeps serving locally while the tunnel is down.
    const local = await fetch(`${String(listening.url)}/local`, { method: 'POST', body: 'hi' });
    expect(local.status).toBe(200);

    fx = await startLocaltunnelServer({ port });
    const lineCount = run.lines.length;
    const back = await run.waitFor((l) => l.type === 'tunnel' && l.status === 'online' && run.lines.indexOf(l) >= lineCount - 1 && l !== online, 'online again');
    expect(back).toMatchObject({ url: online.url, urlChanged: false });

    const started = Date.now();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.lines.filter((l) => l.type === 'tunnel').at(-1)).toMatchObject({ status: 'closed' });
    expect(run.lines.at(-1)).toEqual({ type: 'closed' });
  });

  test('an unreachable tunnel server: a failed line with the reason in words, the catcher still serves, SIGINT exits', async () => {
    const port = await deadPort();
    const run = startCatch(['--tunnel', '--tunnel-host', `http://127.0.0.1:${port}`]);
    const listening = await run.waitFor((l) => l.type === 'listening', 'listening');
    const failed = await run.waitFor(tunnelLine('failed'), 'failed', 20_000);
    expect(failed).toMatchObject({ code: 'TUNNEL_UNREACHABLE', url: null });
    expect(failed.reason).toBe(`tunnel server unreachable: connection refused by 127.0.0.1:${port} (gave up after 10 s)`);
    const local = await fetch(`${String(listening.url)}/still`, { method: 'PUT', body: 'x' });
    expect(local.status).toBe(200);
    await run.waitFor((l) => l.type === 'capture', 'capture');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  test('bad tunnel flags are refused before anything starts', async () => {
    const run = startCatch(['--tunnel', '--subdomain', 'No_Way']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/--subdomain No_Way/);
    const run2 = startCatch(['--subdomain', 'fine-name']);
    expect(await run2.exited).toBe(2);
    expect(run2.stderr()).toMatch(/need --tunnel/);
  });
});
