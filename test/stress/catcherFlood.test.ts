import fs from 'node:fs';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { isIncompleteCapture, type CaptureSummary } from '../../src/shared/model/catcher';
import { engineAt, tmpDir } from '../integration/catcher/helpers';

// Rounds of 2,500 concurrent raw connections (well-formed, malformed, over-cap, cut off, slow) against
// one catcher, with an engine restart between rounds: the process never dies, every 2xx/413 answer
// is in the store exactly once, and the rest is either nothing or an incomplete capture.

const ROUNDS = Number(process.env.SB_FLOOD_ROUNDS ?? 5);
const PER_ROUND = 2500;
const dir = tmpDir('sb-flood-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function hit(port: number, bytes: string, cut: boolean): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    const timer = setTimeout(() => s.destroy(), 30_000);
    s.on('data', (d: Buffer) => (out += d.toString('latin1')));
    s.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    s.on('error', () => undefined);
    s.on('connect', () => {
      s.write(bytes);
      if (cut) setTimeout(() => s.destroy(), 5);
    });
  });
}

describe('catcher flood, repeated', { timeout: 600_000 }, () => {
  it(`${ROUNDS} rounds of ${PER_ROUND} concurrent hostile connections, restart between rounds`, async () => {
    let answered = 0;
    let port = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { engine } = await engineAt(dir, { maxHeaderSize: 4096, headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
      const c = port === 0 ? await engine.invoke('catchers.create', { name: 'flood', port: 0, bodyLimit: 1024 }) : (await engine.invoke('catchers.list', {}))[0]!;
      port = c.boundPort!;
      const outs = await Promise.all(
        Array.from({ length: PER_ROUND }, (_, i) => {
          const u = `/f${round}-${i}`;
          switch (i % 6) {
            case 0:
              return hit(port, `POST ${u} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody`, false);
            case 1:
              return hit(port, `POST ${u} HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\nConnection: close\r\n\r\n${'b'.repeat(3000)}`, false);
            case 2:
              return hit(port, `\x00\x01garbage ${i}\r\n\r\n`, false);
            case 3:
              return hit(port, `GET ${u} HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(5000)}\r\n\r\n`, false);
            case 4:
              return hit(port, `POST ${u} HTTP/1.1\r\nHost: x\r\nContent-Length: 999\r\n\r\npartial`, true);
            default:
              return hit(port, `POST ${u} HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\nslow`, false); // 408 after 2 s
          }
        }),
      );
      for (const o of outs) if (/^HTTP\/1\.1 (2\d\d|413) /.test(o)) answered++;
      expect(outs.filter((o) => /^HTTP\/1\.1 5\d\d /.test(o))).toEqual([]);
      await engine.close();

      const { engine: check } = await engineAt(dir);
      const items: CaptureSummary[] = [];
      for (let after = 0; ; ) {
        const page = await check.invoke('captures.list', { afterSeq: after, limit: 10_000 });
        if (page.items.length === 0) break;
        items.push(...page.items);
        after = page.items.at(-1)!.seq;
      }
      const complete = items.filter((i) => !isIncompleteCapture(i));
      expect(complete.length, `round ${round}`).toBe(answered);
      expect(new Set(complete.map((i) => i.url)).size).toBe(complete.length);
      await check.close();
    }
    console.log(`[stress] catcher flood: ${ROUNDS} rounds × ${PER_ROUND} connections; 2xx/413 answered ${answered}, all stored once`);
  });
});
