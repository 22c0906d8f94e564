import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureStore, type AppendInput, type StoreEntry } from '../../../src/engine/store/captureStore';
import { alignedStage, BLOCK, DirectWriter } from '../../../src/engine/store/directWrite';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-direct-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function capture(i: number, body: Buffer): AppendInput {
  return {
    catcherId: 'c',
    receivedAtMs: 1_700_000_000_000 + i,
    method: 'POST',
    url: `/h/${i}`,
    contentType: null,
    bodyTruncated: false,
    responseStatus: 200,
    signatureStatus: null,
    duplicateOf: null,
    detail: { httpVersion: '1.1', headers: [], remoteAddress: '127.0.0.1', remotePort: 1, forwardedFor: null, declaredLength: body.length, durationMs: 0 },
    body,
  };
}

// Filesystems known to take O_DIRECT: there the probe must find an aligned buffer (elsewhere the
// store falls back to buffered writes, which captureStore.test.ts covers as well).
const EXT4 = 0xef53;
const XFS = 0x58465342;
const probeDir = tmp();
const stage = alignedStage(probeDir);
const directExpected = process.platform === 'linux' && [EXT4, XFS].includes(fs.statfsSync(probeDir).type);

it('finds an aligned staging buffer where the filesystem supports direct I/O', () => {
  if (directExpected) expect(stage).not.toBeNull();
  // The probe file is gone either way.
  expect(fs.readdirSync(probeDir)).toEqual([]);
});

describe.skipIf(stage === null)('DirectWriter', () => {
  const sizes = [0, 1, 7, BLOCK - 1, BLOCK, BLOCK + 1, 3, 65_536, 1_048_579, 9 * 1024 * 1024 + 5, 12, 2 * BLOCK, 511];

  async function open(file: string, end: number): Promise<{ writer: DirectWriter; readFd: number }> {
    const readFd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    const writer = await DirectWriter.open(file, end, stage as Buffer, readFd);
    expect(writer).not.toBeNull();
    return { writer: writer as DirectWriter, readFd };
  }

  it('appends batches of any size and split byte for byte, with only zeros after the data', async () => {
    const file = path.join(tmp(), 'seg.body');
    const { writer, readFd } = await open(file, 0);
    const parts: Buffer[] = [];
    let end = 0;
    for (const [k, size] of sizes.entries()) {
      const bytes = crypto.randomBytes(size);
      // One buffer, or the same bytes in uneven pieces (as a batch's records and bodies come).
      const bufs = k % 2 ? [bytes] : [bytes.subarray(0, size >> 2), Buffer.alloc(0), bytes.subarray(size >> 2)];
      await writer.write(bufs, end);
      parts.push(bytes);
      end += size;
      const onDisk = fs.readFileSync(file);
      expect(onDisk.length).toBeGreaterThanOrEqual(end);
      expect(onDisk.length % BLOCK).toBe(0);
      expect(onDisk.subarray(0, end).equals(Buffer.concat(parts))).toBe(true);
      expect(onDisk.subarray(end).every((b) => b === 0)).toBe(true);
    }
    // Out of step (not at the end of the data): refused, and nothing written.
    await expect(writer.write([Buffer.from('x')], end + 1)).rejects.toMatchObject({ code: 'EIO' });
    await writer.write([Buffer.from('after')], end);
    expect(fs.readFileSync(file).subarray(end, end + 5).toString()).toBe('after');
    await writer.close();
    fs.closeSync(readFd);
  });

  it('takes up again from a cut inside a block (the store cutting a failed batch off)', async () => {
    const file = path.join(tmp(), 'seg.body');
    const { writer, readFd } = await open(file, 0);
    const a = crypto.randomBytes(10_000);
    const b = crypto.randomBytes(9_000);
    await writer.write([a], 0);
    await writer.write([b], a.length);
    const cut = a.length + 1_234;
    fs.ftruncateSync(readFd, cut);
    await writer.reset(cut, readFd);
    const c = crypto.randomBytes(5_000);
    await writer.write([c], cut);
    const expected = Buffer.concat([a, b.subarray(0, 1_234), c]);
    expect(fs.readFileSync(file).subarray(0, expected.length).equals(expected)).toBe(true);
    await writer.close();
    // A writer opened on existing data continues it the same way.
    const again = await open(file, expected.length);
    const d = crypto.randomBytes(333);
    await again.writer.write([d], expected.length);
    expect(fs.readFileSync(file).subarray(0, expected.length + d.length).equals(Buffer.concat([expected, d]))).toBe(true);
    await again.writer.close();
    fs.closeSync(readFd);
    fs.closeSync(again.readFd);
  });

  it('is what the store writes with, and a copy taken mid-run (a power cut) opens with every acknowledged capture', async () => {
    const dir = tmp();
    const store = await CaptureStore.open(dir);
    expect(store.writesDirect).toBe(true);
    const bodies = Array.from({ length: 120 }, (_, i) => crypto.randomBytes([0, 5, 700, 4_095, 20_000, 70_000][i % 6] as number));
    const entries = await Promise.all(
      bodies.map((body, i) =>
        store.append(capture(i, body)),
      ),
    );
    // The copy holds what the disk holds while the store runs: the zeros written ahead included.
    const copy = tmp();
    for (const f of fs.readdirSync(dir)) if (/\.(idx|body)$/.test(f)) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
    expect(fs.statSync(path.join(copy, '000001.body')).size).toBeGreaterThan(bodies.reduce((n, b) => n + b.length, 0));
    await store.close();
    for (const d of [dir, copy]) {
      const again = await CaptureStore.open(d);
      expect(again.count).toBe(bodies.length);
      expect(again.repairs).toEqual([]);
      for (const [i, e] of entries.entries()) expect((await again.readBody(e.seq))?.equals(bodies[i] as Buffer)).toBe(true);
      await again.close();
    }
    // Closed, the body file ends where its data ends.
    const last = entries.at(-1);
    const stored = await CaptureStore.open(dir);
    const entry = await stored.lookup(last?.seq ?? 0);
    await stored.close();
    expect(entry).toBeDefined();
    expect(fs.statSync(path.join(dir, '000001.body')).size).toBe((entry?.blobOffset ?? 0) + (entry?.detailLength ?? 0) + (entry?.bodySize ?? 0));
  });

  it('falls back to buffered writes, losing nothing, when the filesystem refuses a direct write', async () => {
    const dir = tmp();
    const store = await CaptureStore.open(dir);
    const body = (i: number): Buffer => Buffer.alloc(3_000 + i, i);
    const append = (i: number): Promise<StoreEntry> => store.append(capture(i, body(i)));
    const entries = [await append(0)];
    // A writer whose staging buffer is 8 bytes off alignment: the kernel refuses its writes (EINVAL).
    const inner = store as unknown as { current: { direct: DirectWriter | null; bodyFd: number; bodySize: number } };
    const off = await DirectWriter.open(path.join(dir, '000001.body'), inner.current.bodySize, (stage as Buffer).subarray(8), inner.current.bodyFd);
    await inner.current.direct?.close();
    inner.current.direct = off;
    await expect(off?.write([Buffer.alloc(10)], inner.current.bodySize)).rejects.toMatchObject({ code: 'EINVAL' });
    await off?.reset(inner.current.bodySize, inner.current.bodyFd);
    entries.push(...(await Promise.all([1, 2, 3].map(append))));
    expect(store.writesDirect).toBe(false);
    entries.push(await append(4));
    await store.close();
    const again = await CaptureStore.open(dir);
    expect(again.count).toBe(5);
    expect(again.repairs).toEqual([]);
    for (const [i, e] of entries.entries()) expect((await again.readBody(e.seq))?.equals(body(i))).toBe(true);
    // A new store probes again: direct I/O is back.
    expect(again.writesDirect).toBe(true);
    await again.close();
  });
});
