import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureStore } from '../../src/engine/store/captureStore';
import { tmpDir } from '../integration/catcher/helpers';
import { startCli } from '../integration/catcher/cliProcess';

// The crash test of test/integration/catcher/crash.test.ts, twenty times over one data directory:
// each round kills `switchboard catch` with SIGKILL mid-burst, and the next round starts on the tail
// that kill left (torn records included). After every round, every request ever answered 2xx is
// stored exactly once and reads back whole.

const ROUNDS = Number(process.env.SB_CRASH_ROUNDS ?? 20);
const dir = tmpDir('sb-crashloop-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function burstAndKill(round: number, acked: Set<string>): Promise<void> {
  const run = startCli(['catch', '--json', '--data-dir', dir]);
  const { url } = JSON.parse(await run.next((l) => l.includes('"listening"'))) as { url: string };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  let sent = 0;
  let ackedThisRound = 0;
  let killed = false;
  const one = (i: number): Promise<void> =>
    new Promise((resolve) => {
      const u = `/r${round}/${i}`;
      const body = Buffer.from(JSON.stringify({ u, pad: 'x'.repeat(100 + (i % 400)) }));
      const req = http.request(`${url}${u}`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) {
            acked.add(u);
            ackedThisRound++;
          }
          resolve();
        });
        res.on('error', () => resolve());
      });
      req.on('error', () => resolve());
      req.end(body);
    });
  const worker = async (): Promise<void> => {
    while (!killed && sent < 50_000) await one(sent++);
  };
  const workers = Array.from({ length: 32 }, worker);
  // Vary the moment of the kill from round to round.
  const target = 100 + ((round * 137) % 600);
  while (ackedThisRound < target) await new Promise((r) => setTimeout(r, 2));
  run.child.kill('SIGKILL');
  killed = true;
  await Promise.all(workers);
  agent.destroy();
  expect((await run.exited).signal).toBe('SIGKILL');
}

describe('crash safety, repeated', { timeout: 600_000 }, () => {
  it(`${ROUNDS} rounds of kill -9 mid-burst lose and duplicate nothing that was answered 2xx`, async () => {
    const acked = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      await burstAndKill(round, acked);
      const store = await CaptureStore.open(path.join(dir, 'captures'));
      const counts = new Map<string, number>();
      for (const e of store.all()) counts.set(e.url, (counts.get(e.url) ?? 0) + 1);
      expect([...counts].filter(([, n]) => n !== 1), `round ${round}`).toEqual([]);
      expect([...acked].filter((u) => !counts.has(u)), `round ${round}`).toEqual([]);
      for (const e of store.all()) expect(JSON.parse((await store.readBody(e.seq))!.toString()).u).toBe(e.url);
      await store.close();
    }
    console.log(`[stress] crash rounds: ${ROUNDS}; acknowledged: ${acked.size}; lost: 0; duplicated: 0`);
  });
});
