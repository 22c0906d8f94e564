import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/switchboard.js');

let server: Server;
let base = '';
let tmp = '';
const seen: Array<{ method: string; url: string; auth: string | undefined; body: string }> = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'sb-cli-ws-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
      res.statusCode = req.url?.startsWith('/fail') ? 500 : 200;
      res.end('{}');
    });
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

/** Async spawn: the test server must keep answering while the CLI runs. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--data-dir', path.join(tmp, 'data')], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('switchboard import / run', { timeout: 120_000 }, () => {
  it('imports a Postman collection and an environment, then runs it in order with --env and --json', async () => {
    const ws = path.join(tmp, 'ws');
    const collection = {
      info: { name: 'Smoke', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      variable: [{ key: 'who', value: 'collection' }],
      item: [
        { name: 'First', request: { method: 'GET', url: '{{base}}/one?who={{who}}' } },
        {
          name: 'Folder',
          item: [
            {
              name: 'Second',
              request: {
                method: 'POST',
                url: '{{base}}/two',
                auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}' }] },
                body: { mode: 'raw', raw: '{"n":2}', options: { raw: { language: 'json' } } },
              },
            },
          ],
        },
      ],
      event: [{ listen: 'test', script: { exec: ['pm.test("x", () => {})'] } }],
    };
    writeFileSync(path.join(tmp, 'smoke.postman_collection.json'), JSON.stringify(collection));
    writeFileSync(
      path.join(tmp, 'local.postman_environment.json'),
      JSON.stringify({ name: 'Local', values: [{ key: 'base', value: base, enabled: true }, { key: 'token', value: '', type: 'secret', enabled: true }], _postman_variable_scope: 'environment' }),
    );
    const imp = await cli(['import', path.join(tmp, 'smoke.postman_collection.json'), '--into', ws, '--json']);
    expect(imp.code, imp.stderr).toBe(0);
    const out = JSON.parse(imp.stdout) as { format: string; path: string; requests: number; skipped: Array<{ where: string }> };
    expect(out).toMatchObject({ format: 'postman', requests: 2, path: path.join(ws, 'smoke') });
    expect(out.skipped.map((s) => s.where)).toEqual(['Smoke › test script']);
    expect(readdirSync(path.join(ws, 'smoke')).sort()).toEqual(['collection.json', 'first.request.json', 'folder']);
    const env = await cli(['import', path.join(tmp, 'local.postman_environment.json'), '--into', ws]);
    expect(env.code, env.stderr).toBe(0);
    expect(existsSync(path.join(ws, 'environments', 'local.env.json'))).toBe(true);

    seen.length = 0;
    const secrets = path.join(tmp, 'secrets.env');
    writeFileSync(secrets, 'token=t-from-file\n');
    const run = await cli(['run', path.join(ws, 'smoke'), '--env', 'Local', '--json', '--secrets', secrets]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, 2).map((l) => [l.type, l.name, l.method, l.url, l.status])).toEqual([
      ['result', 'First', 'GET', `${base}/one?who=collection`, 200],
      ['result', 'Folder / Second', 'POST', `${base}/two`, 200],
    ]);
    expect(typeof lines[0]?.timeMs).toBe('number');
    expect(lines[2]).toEqual({ type: 'summary', total: 2, passed: 2, failed: 0 });
    expect(seen.map((s) => `${s.method} ${s.url} ${s.auth ?? ''} ${s.body}`)).toEqual(['GET /one?who=collection  ', 'POST /two Bearer t-from-file {"n":2}']);
  });

  it('imports a curl command file, and run exits non-zero on 5xx and on unresolved variables (without sending those)', async () => {
    const ws = path.join(tmp, 'ws2');
    writeFileSync(path.join(tmp, 'fail.sh'), `curl -X DELETE '${base}/fail/1' -H 'X-A: b'\n`);
    const imp = await cli(['import', path.join(tmp, 'fail.sh'), '--into', ws, '--name', 'Failing']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/Imported 1 request \(curl\) into .*failing/);
    const reqFile = path.join(ws, 'failing', 'delete-fail-1.request.json');
    expect(JSON.parse(readFileSync(reqFile, 'utf8'))).toMatchObject({ method: 'DELETE', headers: [{ name: 'X-A', value: 'b' }] });
    writeFileSync(path.join(ws, 'failing', 'unresolved.request.json'), JSON.stringify({ name: 'Unresolved', method: 'GET', url: `${base}/u/{{missing}}` }));
    seen.length = 0;
    const run = await cli(['run', path.join(ws, 'failing')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ DELETE \/fail\/1 — DELETE .*\/fail\/1 → 500/);
    expect(run.stdout).toMatch(/✗ Unresolved .*unresolved variables: \{\{missing\}\} \(not sent\)/);
    expect(run.stdout).toMatch(/0 passed, 2 failed/);
    expect(seen.map((s) => s.url)).toEqual(['/fail/1']);
  });

  it('refuses bad usage with exit 2 and a clear message', async () => {
    const r1 = await cli(['run', tmp]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/not a collection folder/);
    const r2 = await cli(['import', path.join(tmp, 'nope.json')]);
    expect(r2.code).toBe(2);
    writeFileSync(path.join(tmp, 'junk.txt'), 'hello');
    const r3 = await cli(['import', path.join(tmp, 'junk.txt'), '--into', path.join(tmp, 'ws3')]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/neither a curl command.*\[IMPORT_UNSUPPORTED\]/);
  });
});
