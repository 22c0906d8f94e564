import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../../../src/engine';
import type { EngineEvent } from '../../../src/shared/contract';
import type { EngineLimits } from '../../../src/engine/service';

export function tmpDir(prefix = 'sb-catch-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function engineAt(dataDir: string, limits?: Partial<EngineLimits>): Promise<{ engine: Engine; events: EngineEvent[] }> {
  const engine = await createEngine({ dataDir, limits });
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  return { engine, events };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** node:http request with an optional body written in chunks (chunked transfer when no length). */
export function request(
  url: string,
  opts: { method?: string; headers?: http.OutgoingHttpHeaders | string[]; body?: Buffer | Buffer[]; agent?: http.Agent | false } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    if (Array.isArray(opts.body)) for (const b of opts.body) req.write(b);
    else if (opts.body) req.write(opts.body);
    req.end();
  });
}

/** Runs the real curl binary; resolves with stdout (the -w format) and exit code. */
export function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
