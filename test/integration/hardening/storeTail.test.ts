import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureStore, type AppendInput } from '../../../src/engine/store/captureStore';

// A torn or corrupted store tail, many ways: the index or the body file truncated anywhere in its
// last records, or bytes flipped there. Opening must never throw, must never hand back wrong bytes
// (a body either reads back exactly or is refused as STORE_CORRUPT), and the store must take new
// captures that survive the next reopen.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-tail-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

function input(i: number): AppendInput & { body: Buffer } {
  return {
    catcherId: 'c',
    receivedAtMs: 1_700_000_000_000 + i,
    method: 'POST',
    url: `/t/${i}`,
    contentType: 'text/plain',
    bodyTruncated: false,
    responseStatus: 200,
    signatureStatus: null,
    duplicateOf: null,
    detail: { httpVersion: '1.1', headers: [['X-I', String(i)]], remoteAddress: '127.0.0.1', remotePort: 1, forwardedFor: null, declaredLength: null, durationMs: 0 },
    body: Buffer.from(`body-${i}-${'q'.repeat(i * 13)}`),
  };
}

const RECORDS = 12;

describe('store tail damage is repaired on open', () => {
  it('truncations and byte flips in the last records of the index and body files', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('idx', 'body'),
        fc.constantFrom('truncate', 'flip'),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 255 }),
        async (file, how, where, mask) => {
          const dir = path.join(root, String(n++));
          const store = await CaptureStore.open(dir);
          for (let i = 0; i < RECORDS; i++) await store.append(input(i));
          await store.close();
          const f = path.join(dir, `000001.${file}`);
          const buf = fs.readFileSync(f);
          // Damage within the last ~quarter of the file (the tail a crash can tear).
          const at = Math.min(buf.length - 1, Math.floor(buf.length * 0.75 + where * buf.length * 0.25));
          if (how === 'truncate') fs.truncateSync(f, at);
          else {
            buf[at] = (buf[at] as number) ^ mask;
            fs.writeFileSync(f, buf);
          }

          const again = await CaptureStore.open(dir);
          expect(again.count).toBeLessThanOrEqual(RECORDS);
          for (const e of again.all()) {
            const i = Number(e.url.slice(3));
            expect(e.url).toBe(`/t/${i}`);
            const body = await again.readBody(e.seq).catch((err: { code?: string }) => {
              expect(err.code).toBe('STORE_CORRUPT');
              return null;
            });
            if (body) expect(body.equals(input(i).body)).toBe(true);
          }
          const added = await again.append(input(99));
          await again.close();
          const third = await CaptureStore.open(dir);
          expect(third.all().some((e) => e.seq === added.seq && e.url === '/t/99')).toBe(true);
          expect((await third.readBody(added.seq))?.equals(input(99).body)).toBe(true);
          await third.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      ),
      { numRuns: 60 },
    );
  });
});
