import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureStore } from '../../../src/engine/store/captureStore';
import { tmpDir } from './helpers';
import { startCli } from './cliProcess';

const dir = tmpDir('sb-crash-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('crash safety', { timeout: 90_000 }, () => {
  it('after kill -9 mid-burst, every request answered 2xx is stored exactly once', async () => {
    const run = startCli(['catch', '--json', '--data-dir', dir]);
    const { url } = JSON.parse(await run.next((l) => l.includes('"listening"'))) as { url: string };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const acked = new Set<number>();
    let sent = 0;
    let killed = false;
    const one = (i: number): Promise<void> =>
      new Promise((resolve) => {
        const body = Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(200) }));
        const req = http.request(`${url}/r/${i}`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) acked.add(i);
            resolve();
          });
          res.on('error', () => resolve());
        });
        req.on('error', () => resolve());
        req.end(body);
      });
    // 32 workers send until the process dies; the kill lands while requests are in flight.
    const worker = async (): Promise<void> => {
      while (!killed && sent < 20_000) await one(sent++);
    };
    const workers = Array.from({ length: 32 }, worker);
    while (acked.size < 400) await new Promise((r) => setTimeout(r, 5));
    run.child.kill('SIGKILL');
    killed = true;
    await Promise.all(workers);
    agent.destroy();
    expect((await run.exited).signal).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(400);

    const store = await CaptureStore.open(path.join(dir, 'captures'));
    const urls = store.all().map((e) => e.url);
    const counts = new Map<string, number>();
    for (const u of urls) counts.set(u, (counts.get(u) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const missing = [...acked].filter((i) => !counts.has(`/r/${i}`));
    expect(missing).toEqual([]);
    // Everything stored reads back whole (checksums hold).
    for (const e of store.all()) expect(JSON.parse((await store.readBody(e.seq))!.toString()).i).toBe(Number(e.url.slice(3)));
    await store.close();
  });
});
