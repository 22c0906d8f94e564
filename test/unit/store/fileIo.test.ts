import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { writeAll, writeAllSync } from '../../../src/engine/store/fileIo';

// Batches can hold more buffers than one writev takes (the store caps iovecs at 512 per call).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-fileio-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function pieces(): Buffer[] {
  // 1,500 buffers of 0-40 random bytes, some empty.
  return Array.from({ length: 1500 }, (_, i) => crypto.randomBytes(i % 7 === 0 ? 0 : (i * 13) % 41));
}

it('writeAll and writeAllSync write every byte of 1,500 buffers at the given position', async () => {
  for (const [name, write] of [
    ['async', (fd: number, b: Buffer[], p: number) => writeAll(fd, b, p)],
    ['sync', (fd: number, b: Buffer[], p: number) => Promise.resolve(writeAllSync(fd, b, p))],
  ] as const) {
    const file = path.join(dir, name);
    const fd = fs.openSync(file, 'w+');
    const bufs = pieces();
    const expected = Buffer.concat(bufs);
    fs.writeSync(fd, Buffer.from('head'));
    expect(await write(fd, bufs, 4)).toBe(expected.length);
    fs.closeSync(fd);
    expect(fs.readFileSync(file).equals(Buffer.concat([Buffer.from('head'), expected]))).toBe(true);
  }
});
