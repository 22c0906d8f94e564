import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine';
import { engineAt, request, tmpDir } from './helpers';

// Stopping a catcher while requests pour in: the ones whose body had arrived are stored and
// answered before the connections close; every 2xx answer has its capture; stop() settles.

let dir: string;
let engine: Engine;

beforeAll(async () => {
  dir = tmpDir();
  ({ engine } = await engineAt(dir));
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('stopping mid-burst: every request answered 2xx is stored, and stop resolves', async () => {
  const catcher = await engine.invoke('catchers.create', { name: 'burst', port: 0 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 40 });
  const sent = Array.from({ length: 600 }, (_, i) =>
    request(`${catcher.url}/stop/${i}`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: Buffer.from(`n=${i}`), agent }).then(
      (r) => ({ i, status: r.status }),
      () => ({ i, status: 0 }),
    ),
  );
  // Stop once the burst is under way.
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      void engine.invoke('captures.list', { catcherId: catcher.id, limit: 1 }).then((r) => {
        if (r.total >= 100) {
          clearInterval(poll);
          resolve();
        }
      });
    }, 2);
  });
  await engine.invoke('catchers.stop', { id: catcher.id });
  const results = await Promise.all(sent);
  agent.destroy();
  const answered = results.filter((r) => r.status === 200).map((r) => `/stop/${r.i}`);
  expect(answered.length).toBeGreaterThanOrEqual(100);
  expect(results.filter((r) => r.status !== 200 && r.status !== 0)).toEqual([]);
  const { items } = await engine.invoke('captures.list', { catcherId: catcher.id, limit: 10_000 });
  const stored = new Set(items.filter((c) => c.responseStatus === 200).map((c) => c.url));
  expect(answered.filter((u) => !stored.has(u))).toEqual([]);
  // Stopped means stopped: nothing more is accepted.
  await expect(request(`${catcher.url}/after`, { method: 'POST', body: Buffer.from('x') })).rejects.toThrow();
});
