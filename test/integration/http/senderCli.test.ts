import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes, createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody, startHttp, type Started } from './servers';
import { createEngine } from '../../../src/engine';

const BIN = fileURLToPath(new URL('../../../bin/switchboard.js', import.meta.url));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sb-cli-send-'));

function cli(args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'send', '--data-dir', dataDir, ...args], { encoding: 'buffer', timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr: stderr.toString() });
    });
  });
}

let s: Started<http.Server>;
const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; sha: string; body: string }> = [];

beforeAll(async () => {
  s = await startHttp((req, res) => {
    void readBody(req).then((b) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, sha: createHash('sha256').update(b).digest('hex'), body: b.toString() });
      if (req.url === '/redirect') {
        res.writeHead(302, { Location: '/done' });
        res.end();
        return;
      }
      if (req.url === '/missing') {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('nope');
        return;
      }
      res.writeHead(200, [['Content-Type', 'text/plain'], ['X-Mixed-Case', 'yes']]);
      res.end(`hello ${req.method}`);
    });
  });
});
afterAll(() => s.close());

describe('switchboard send', () => {
  it('--json prints status, raw headers, body, timings and redirects', async () => {
    const r = await cli(['--json', '-H', 'X-One: 1', '-H', 'x-two:2', `${s.url}/redirect`]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.toString()) as {
      status: number;
      headers: Array<[string, string]>;
      bodyBase64: string;
      timings: Record<string, number>;
      redirects: Array<{ status: number; location: string }>;
    };
    expect(out.status).toBe(200);
    expect(out.headers.slice(0, 2)).toEqual([['Content-Type', 'text/plain'], ['X-Mixed-Case', 'yes']]);
    expect(Buffer.from(out.bodyBase64, 'base64').toString()).toBe('hello GET');
    expect(out.redirects).toMatchObject([{ status: 302, location: '/done' }]);
    for (const k of ['socketWait', 'dns', 'tcp', 'tls', 'send', 'ttfb', 'download', 'total']) expect(typeof out.timings[k]).toBe('number');
    const last = seen.at(-1)!;
    expect(last.headers['x-one']).toBe('1');
    expect(last.headers['x-two']).toBe('2');
  });

  it('sends -d as a POST form like curl, and --data-binary @FILE byte for byte', async () => {
    const r = await cli(['-d', 'a=1', '-d', 'b=2', s.url]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('hello POST');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: 'a=1&b=2' });
    expect(seen.at(-1)!.headers['content-type']).toBe('application/x-www-form-urlencoded');

    const file = path.join(dataDir, 'blob.bin');
    const bytes = randomBytes(200_000);
    writeFileSync(file, bytes);
    const put = await cli(['-X', 'PUT', '-H', 'Content-Type: application/octet-stream', '--data-binary', `@${file}`, '-v', s.url]);
    expect(put.code).toBe(0);
    expect(put.stderr).toContain('< HTTP/1.1 200 OK');
    expect(put.stderr).toContain('< X-Mixed-Case: yes');
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', sha: createHash('sha256').update(bytes).digest('hex') });
    expect(seen.at(-1)!.headers['content-type']).toBe('application/octet-stream');
  });

  it('--no-follow returns the 3xx; --fail exits 22 on 4xx', async () => {
    const r = await cli(['--json', '--no-follow', `${s.url}/redirect`]);
    expect(JSON.parse(r.stdout.toString())).toMatchObject({ status: 302, redirects: [] });
    const f = await cli(['--fail', `${s.url}/missing`]);
    expect(f.code).toBe(22);
  });

  it('exits non-zero with {"error":{code,message}} on failure', async () => {
    const dead = await startHttp(() => undefined);
    await dead.close();
    const r = await cli(['--json', dead.url]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout.toString()) as { error: { code: string; message: string } };
    expect(out.error.code).toBe('HTTP_CONNECTION_REFUSED');
    expect(out.error.message).toMatch(/refused/);
    const plain = await cli([dead.url]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('HTTP_CONNECTION_REFUSED');
    const bad = await cli(['--timeout', 'soon', s.url]);
    expect(bad.code).toBe(2);
  });

  it('still sends when another Switchboard holds the data directory', async () => {
    const held = await createEngine({ dataDir, door: 'test' });
    try {
      const r = await cli([`${s.url}/while-locked`]);
      expect(r.code).toBe(0);
      expect(r.stdout.toString()).toBe('hello GET');
      expect(seen.at(-1)!.url).toBe('/while-locked');
      expect(r.stderr).toContain('without recording history');
    } finally {
      await held.close();
    }
  });
});
