import http from 'node:http';
import { expect, it } from 'vitest';
import { CatcherListener } from '../../../src/engine/catcher/listener';
import { DEFAULT_LIMITS } from '../../../src/engine/service';
import { request } from './helpers';

// stop() lets requests whose body has arrived finish (bounded by its grace period), however the
// order in which they finish, and returns as soon as the last one has.

interface Held {
  res: http.ServerResponse;
  finished: () => void;
}

it('stop waits for received requests finishing in any order, then returns at once', async () => {
  const held: Held[] = [];
  const listener = new CatcherListener({ ...DEFAULT_LIMITS }, (req, res, finished) => {
    req.resume();
    req.on('end', () => held.push({ res, finished }));
  });
  const port = await listener.start('127.0.0.1', 0);
  const answers = Array.from({ length: 5 }, (_, i) =>
    request(`http://127.0.0.1:${port}/h/${i}`, { method: 'POST', body: Buffer.from(`n=${i}`), agent: false }).then(
      (r) => r.status,
      () => 0,
    ),
  );
  for (let i = 0; i < 200 && held.length < 5; i++) await new Promise((r) => setTimeout(r, 10));
  expect(held.length).toBe(5);

  let stopped = false;
  const stopping = listener.stop(20_000).then(() => {
    stopped = true;
  });
  const answer = (h: Held): void => {
    h.res.writeHead(200, { 'Content-Length': '2' });
    h.res.end('ok');
    h.finished();
  };
  for (const i of [2, 0, 4]) answer(held[i]!);
  await new Promise((r) => setTimeout(r, 100));
  expect(stopped).toBe(false);
  answer(held[3]!);
  answer(held[1]!);
  // Well inside the 20 s grace period: it returned because the last one finished.
  await Promise.race([stopping, new Promise((_, reject) => setTimeout(() => reject(new Error('stop kept waiting')), 3000))]);
  expect(stopped).toBe(true);
  expect(await Promise.all(answers)).toEqual([200, 200, 200, 200, 200]);
});
