import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { connectWs, fakeRendererDir, request } from './webDoor/helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/switchboard.js');
const cleanup: string[] = [];

afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('switchboard serve (CLI)', () => {
  it('prints a listening line, serves with the token, never logs it, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-serve-cli-'));
    const rendererDir = fakeRendererDir();
    cleanup.push(dataDir, rendererDir);
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', '--no-open', '--data-dir', dataDir, '--renderer-dir', rendererDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const lines: string[] = [];
    const rl = createInterface({ input: child.stdout });
    const first = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${stderr}`)), 20_000);
      rl.on('line', (line) => {
        lines.push(line);
        if (lines.length === 1) {
          clearTimeout(timer);
          resolve(line);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const listening = JSON.parse(first) as { type: string; url: string; token: string; dataDir: string };
    expect(listening.type).toBe('listening');
    expect(listening.dataDir).toBe(dataDir);
    const url = new URL(listening.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toBe(listening.token);
    const port = Number(url.port);

    expect((await request(port, '/')).status).toBe(401);
    expect((await request(port, '/?token=wrong')).status).toBe(401);
    expect((await request(port, `/?token=${listening.token}`, { headers: { Host: 'evil.example' } })).status).toBe(403);
    expect((await request(port, `/?token=${listening.token}`)).status).toBe(303);
    const ws = await connectWs(port, `/api/ws?token=${listening.token}`);
    expect(ws.open).toBe(true);
    if (ws.open) ws.ws.send('garbage');

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.at(-1)).toBe('{"type":"closed"}');
    // The token is printed once, in the listening line, and nowhere else.
    expect(lines.slice(1).join('\n')).not.toContain(listening.token);
    expect(stderr).not.toContain(listening.token);
  });

  it('rejects a bad --port with exit code 2 and a clear message', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--port', 'eighty'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--port');
  });

  it('says how to build when the renderer directory has no index.html', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'sb-serve-empty-'));
    cleanup.push(empty);
    const r = spawnSync(process.execPath, [BIN, 'serve', '--no-open', '--renderer-dir', empty, '--data-dir', empty], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('npm run build');
  });
});
