import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureStore, type AppendInput, type StoreOptions } from '../../../src/engine/store/captureStore';
import { crc32 } from '../../../src/engine/store/checksum';
import { blobChecksum, encodeCapture, encodeDetail, encodeMarker } from '../../../src/engine/store/codec';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function input(i: number, body: Buffer = Buffer.from(`{"n":${i}}`), catcherId = 'a'): AppendInput & { body: Buffer } {
  return {
    catcherId,
    receivedAtMs: 1_700_000_000_000 + i,
    method: i % 2 ? 'POST' : 'PUT',
    url: `/hook/${i}?q=${i}`,
    contentType: 'application/json',
    bodyTruncated: false,
    responseStatus: 200,
    signatureStatus: null,
    duplicateOf: null,
    detail: {
      httpVersion: '1.1',
      headers: [['Content-Type', 'application/json'], ['X-Marker', `m${i}`]],
      remoteAddress: '127.0.0.1',
      remotePort: 40000 + i,
      forwardedFor: null,
      declaredLength: body.length,
      durationMs: 1,
    },
    body,
  };
}

// Every case runs on both write paths: direct I/O (the default where the system has it) and
// buffered writes with fdatasync (macOS, Windows, filesystems without O_DIRECT).
let directIo = true;
const openStore = (dir: string, options: StoreOptions = {}): Promise<CaptureStore> => CaptureStore.open(dir, { directIo, ...options });

describe.each([
  { path: 'direct I/O', direct: true },
  { path: 'buffered writes', direct: false },
])('CaptureStore ($path)', ({ direct }) => {
  beforeEach(() => {
    directIo = direct;
  });

  it('stores concurrent appends once each, in order, and reads them back after reopening', async () => {
    const dir = tmp();
    const store = await openStore(dir);
    const entries = await Promise.all(Array.from({ length: 300 }, (_, i) => store.append(input(i))));
    expect(new Set(entries.map((e) => e.seq)).size).toBe(300);
    await store.close();

    const again = await openStore(dir);
    expect(again.count).toBe(300);
    expect(again.repairs).toEqual([]);
    const { items, total } = await again.list({ limit: 10, newest: true });
    expect(total).toBe(300);
    expect(items.map((e) => e.url)).toEqual(Array.from({ length: 10 }, (_, k) => `/hook/${290 + k}?q=${290 + k}`));
    const got = await again.get(entries[7]!.seq);
    expect(got?.detail.headers).toEqual([['Content-Type', 'application/json'], ['X-Marker', 'm7']]);
    expect((await again.readBody(entries[7]!.seq))?.toString()).toBe('{"n":7}');
    expect((await again.readBody(entries[7]!.seq, 2, 3))?.toString()).toBe('n":');
    // New seqs continue after the old ones.
    const next = await again.append(input(999));
    expect(next.seq).toBeGreaterThan(entries.at(-1)!.seq);
    await again.close();
  });

  it('keeps binary bodies byte for byte, including empty ones', async () => {
    const store = await openStore(tmp());
    const bin = Buffer.alloc(70_000);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) & 0xff;
    const a = await store.append(input(1, bin));
    const b = await store.append(input(2, Buffer.alloc(0)));
    expect((await store.readBody(a.seq))?.equals(bin)).toBe(true);
    expect((await store.readBody(b.seq))?.length).toBe(0);
    await store.close();
  });

  it('stores a body given in the pieces it arrived in as the same bytes, small or large', async () => {
    const dir = tmp();
    const store = await openStore(dir);
    const bin = Buffer.alloc(90_000);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919 + 13) & 0xff;
    // Cuts that put pieces on both sides of the inline limit (16 KiB), an empty piece included.
    const cases = [bin.subarray(0, 3000), bin.subarray(0, 16_383), bin, bin.subarray(0, 40_000)];
    const cuts = (b: Buffer) => [b.subarray(0, 7), b.subarray(7, 7), b.subarray(7, Math.floor(b.length / 2)), b.subarray(Math.floor(b.length / 2))];
    const seqs: number[] = [];
    for (const [i, b] of cases.entries()) seqs.push((await store.append({ ...input(i, b), body: cuts(b) })).seq);
    await store.close();
    const again = await openStore(dir);
    expect(again.repairs).toEqual([]);
    for (const [i, b] of cases.entries()) {
      expect(again.find(seqs[i]!)?.bodySize).toBe(b.length);
      expect((await again.readBody(seqs[i]!))?.equals(b)).toBe(true);
    }
    await again.close();
  });

  it('keeps every body size around the batch-buffer limits intact, in one group commit and after reopening', async () => {
    const dir = tmp();
    const store = await openStore(dir);
    const sizes = [0, 1, 16_383, 16_384, 16_385, 255 * 1024, 300_000, 3];
    const bodies = sizes.map((n, k) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + k) & 0xff)));
    // Non-ASCII url and header values take the UTF-8 path of the record and detail encoders.
    const entries = await Promise.all(bodies.map((b, i) => store.append({ ...input(i, b), url: `/hook/é${i}?q=ü` })));
    await store.close();
    const again = await openStore(dir);
    expect(again.repairs).toEqual([]);
    for (const [i, e] of entries.entries()) {
      expect((await again.readBody(e.seq))?.equals(bodies[i] as Buffer)).toBe(true);
      expect((await again.get(e.seq))?.entry.url).toBe(`/hook/é${i}?q=ü`);
    }
    await again.close();
  });

  it('keeps order and every capture when batches of large bodies follow each other, callers appending from their callbacks', async () => {
    const dir = tmp();
    const store = await openStore(dir);
    const big = (k: number, n = 70_000) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 13 + k) & 0xff));
    const bodies: Buffer[] = [];
    const acked: number[] = [];
    const all: Array<Promise<void>> = [];
    // A batch with a large body is answered before the next one starts (see startBatch's tail):
    // appends made by those answers, and those already waiting, must all land, in seq order.
    const add = (b: Buffer, then?: () => void): void => {
      bodies.push(b);
      all.push(
        new Promise<void>((resolve, reject) => {
          store.appendThen({ ...input(bodies.length, b), body: [b.subarray(0, 1000), b.subarray(1000)] }, (err, entry) => {
            if (!entry) return reject(err);
            acked.push(entry.seq);
            then?.();
            resolve();
          });
        }),
      );
    };
    add(big(1), () => add(big(5), () => add(Buffer.from('small after'))));
    add(big(2));
    add(Buffer.from('small'));
    add(big(3, 20_000), () => add(big(6)));
    // Callbacks add more as they run: wait until no new one appeared (7 in all).
    for (let seen = -1; seen !== all.length; ) {
      seen = all.length;
      await Promise.all(all);
    }
    expect(all).toHaveLength(7);
    expect(acked).toEqual([...acked].sort((x, y) => x - y));
    await store.close();
    const again = await openStore(dir);
    expect(again.repairs).toEqual([]);
    const seqs = [...acked].sort((x, y) => x - y);
    expect(seqs).toHaveLength(bodies.length);
    for (const seq of seqs) {
      const got = await again.readBody(seq);
      expect(got?.equals(bodies[seq - seqs[0]!] as Buffer)).toBe(true);
    }
    await again.close();
  });
  it('skips and repairs a torn tail in the index and in the bodies, then appends after it', async () => {
    const dir = tmp();
    const store = await openStore(dir);
    for (let i = 0; i < 5; i++) await store.append(input(i));
    await store.close();
    const idx = path.join(dir, '000001.idx');
    const body = path.join(dir, '000001.body');
    const goodIdx = fs.statSync(idx).size;
    const goodBody = fs.statSync(body).size;
    // A crash mid-batch: half a record in the index, orphan bytes in the body file.
    const half = fs.readFileSync(idx).subarray(goodIdx - 40, goodIdx - 10);
    fs.appendFileSync(idx, half);
    fs.appendFileSync(body, Buffer.alloc(500, 1));

    const reopened = await openStore(dir);
    expect(reopened.count).toBe(5);
    expect(reopened.repairs).toHaveLength(1);
    expect(fs.statSync(idx).size).toBe(goodIdx);
    expect(fs.statSync(body).size).toBe(goodBody);
    const e = await reopened.append(input(6));
    await reopened.close();
    const third = await openStore(dir);
    expect(third.count).toBe(6);
    expect((await third.readBody(e.seq))?.toString()).toBe('{"n":6}');
    await third.close();
  });

  it('treats zeroed space written ahead (a crash while preallocated) as a clean end, not damage', async () => {
    const dir = tmp();
    const store = await openStore(dir);
    for (let i = 0; i < 3; i++) await store.append(input(i));
    await store.close();
    fs.appendFileSync(path.join(dir, '000001.idx'), Buffer.alloc(1024 * 1024));
    fs.appendFileSync(path.join(dir, '000001.body'), Buffer.alloc(8 * 1024 * 1024));
    const again = await openStore(dir);
    expect(again.count).toBe(3);
    expect(again.repairs).toEqual([]);
    await again.append(input(9));
    await again.close();
    expect((await openStore(dir).then(async (s) => [s.count, await s.close()]))[0]).toBe(4);
  });

  it('takes the CRC of a large body from the caller, who took it as the bytes arrived', async () => {
    const dir = tmp();
    const store = await openStore(dir);
    const parts = [Buffer.alloc(20_000, 1), Buffer.alloc(50_001, 2)];
    const crc = crc32(parts[1] as Buffer, crc32(parts[0] as Buffer));
    const good = await store.append({ ...input(1), body: parts, bodyCrc: crc });
    // The store trusts it (it checks nothing it would have to read again): a wrong one shows as damage.
    const wrong = await store.append({ ...input(2), body: parts, bodyCrc: crc ^ 1 });
    await store.close();
    const again = await openStore(dir);
    expect((await again.readBody(good.seq))?.equals(Buffer.concat(parts))).toBe(true);
    await expect(again.readBody(wrong.seq)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    await again.close();
  });

  it('opens without checking old checksums, then finds damage in the background', async () => {
    const dir = tmp();
    const store = await openStore(dir);
    for (let i = 0; i < 50; i++) await store.append(input(i));
    await store.close();
    const idx = path.join(dir, '000001.idx');
    const buf = fs.readFileSync(idx);
    // Flip a byte in the middle (inside some record's url), far from the tail.
    const at = buf.indexOf(Buffer.from('/hook/20?'));
    buf[at + 6] = '7'.charCodeAt(0);
    fs.writeFileSync(idx, buf);
    const clean = await openStore(tmp());
    expect(await clean.verifyInBackground()).toEqual([]);
    await clean.close();
    const reopened = await openStore(dir, { verifyTailBytes: 0 });
    expect(reopened.count).toBe(50);
    const found = await reopened.verifyInBackground();
    expect(found).toHaveLength(1);
    expect(found[0]?.reason).toMatch(/checksum/);
    await reopened.close();
    // Checked on open (the default tail covers this small file): the index is cut at the damaged
    // record and rebuilt from the copies kept in front of each blob in the body file.
    const strict = await openStore(dir);
    expect(strict.count).toBe(50);
    expect(strict.repairs.map((r) => r.reason).join('; ')).toMatch(/checksum.*30 index record\(s\) rebuilt/);
    expect((await strict.get(21))?.entry.url).toBe('/hook/20?q=20');
    await strict.close();
  });

  it('rebuilds a damaged index record from the body file, and drops a capture damaged in both', async () => {
    const dir = tmp();
    const store = await openStore(dir);
    for (let i = 0; i < 3; i++) await store.append(input(i));
    await store.close();
    const idx = path.join(dir, '000001.idx');
    const idxBytes = fs.readFileSync(idx);
    idxBytes[idxBytes.length - 3] = (idxBytes[idxBytes.length - 3] as number) ^ 0xff;
    fs.writeFileSync(idx, idxBytes);
    const reopened = await openStore(dir);
    expect(reopened.count).toBe(3);
    expect(reopened.repairs.map((r) => r.reason)).toEqual(['checksum mismatch', '1 index record(s) rebuilt from the body file']);
    expect((await reopened.readBody(3))?.toString()).toBe('{"n":2}');
    await reopened.close();

    // Now the last capture's body bytes are damaged too: it cannot be trusted, so it is gone.
    const body = path.join(dir, '000001.body');
    const bodyBytes = fs.readFileSync(body);
    bodyBytes[bodyBytes.length - 2] = (bodyBytes[bodyBytes.length - 2] as number) ^ 0xff;
    fs.writeFileSync(body, bodyBytes);
    const idxAgain = fs.readFileSync(idx);
    idxAgain[idxAgain.length - 3] = (idxAgain[idxAgain.length - 3] as number) ^ 0xff;
    fs.writeFileSync(idx, idxAgain);
    const third = await openStore(dir);
    expect(third.count).toBe(2);
    expect(third.repairs[0]?.reason).toMatch(/checksum/);
    expect(fs.statSync(body).size).toBeLessThan(bodyBytes.length);
    await third.close();
  });

  it('rebuilds index records a power cut lost (only the body file is fsynced before a capture is acknowledged)', async () => {
    const dir = tmp();
    const store = await openStore(dir);
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.append(input(i, i === 7 ? Buffer.alloc(200_000, 7) : undefined))));
    await store.close();
    const idx = path.join(dir, '000001.idx');
    const full = fs.readFileSync(idx);
    // Keep the marker and the first few records; the rest of the index never reached the disk,
    // and a page of zeros stands where the writer had been.
    const kept = full.subarray(0, 200);
    fs.writeFileSync(idx, Buffer.concat([kept, Buffer.alloc(4096)]));
    const reopened = await openStore(dir);
    expect(reopened.count).toBe(40);
    expect((await reopened.readBody(8))?.equals(Buffer.alloc(200_000, 7))).toBe(true);
    expect((await reopened.get(40))?.detail.headers).toEqual([['Content-Type', 'application/json'], ['X-Marker', 'm39']]);
    const next = await reopened.append(input(99));
    expect(next.seq).toBe(41);
    await reopened.close();
    // The rebuilt index is the one a clean run writes.
    expect(fs.readFileSync(idx).equals(Buffer.concat([full, fs.readFileSync(idx).subarray(full.length)]))).toBe(true);
    const third = await openStore(dir);
    expect(third.count).toBe(41);
    expect(third.repairs).toEqual([]);
    await third.close();
  });

  it('reads stores written before records were kept in front of the blobs', async () => {
    const dir = tmp();
    // The earlier layout, built with the codec: bare blobs (detail + body) and index records only.
    const bodies: Buffer[] = [];
    const records: Buffer[] = [encodeMarker(1)];
    let offset = 0;
    for (let i = 0; i < 3; i++) {
      const inp = input(i);
      const detail = encodeDetail(inp.detail);
      records.push(
        encodeCapture({
          seq: i + 1,
          receivedAtMs: inp.receivedAtMs,
          catcherId: inp.catcherId,
          method: inp.method,
          url: inp.url,
          contentType: inp.contentType,
          bodySize: inp.body.length,
          bodyTruncated: false,
          responseStatus: 200,
          signatureStatus: null,
          duplicateOf: null,
          blobOffset: offset,
          detailLength: detail.length,
          blobCrc: blobChecksum(detail, inp.body),
        }),
      );
      bodies.push(detail, inp.body);
      offset += detail.length + inp.body.length;
    }
    fs.writeFileSync(path.join(dir, '000001.idx'), Buffer.concat(records));
    // Bytes past the last blob that are not a record (a torn batch of the old layout) are dropped.
    fs.writeFileSync(path.join(dir, '000001.body'), Buffer.concat([...bodies, Buffer.from('{"httpVersion":"1.1"')]));
    const store = await openStore(dir);
    expect(store.count).toBe(3);
    expect((await store.readBody(2))?.toString()).toBe('{"n":1}');
    const e = await store.append(input(3));
    await store.close();
    const again = await openStore(dir);
    expect(again.count).toBe(4);
    expect((await again.readBody(e.seq))?.toString()).toBe('{"n":3}');
    expect((await again.readBody(1))?.toString()).toBe('{"n":0}');
    await again.close();
  });

  it('merges update records on read and keeps them across reopen', async () => {
    const dir = tmp();
    const store = await openStore(dir);
    const e = await store.append(input(1));
    await store.update(e.seq, { responseStatus: 202, annotations: { ruleId: 'r1', duplicateOf: 'c000001' } });
    await store.update(e.seq, { annotations: { forward: { target: 'http://x', error: { code: 'HTTP_FAILED', message: 'no' }, durationMs: 3 } } });
    await store.close();
    const again = await openStore(dir);
    const got = await again.get(e.seq);
    expect(got?.entry.responseStatus).toBe(202);
    expect(got?.entry.duplicateOf).toBe('c000001');
    expect(got?.detail.annotations).toMatchObject({ ruleId: 'r1', forward: { target: 'http://x' } });
    await again.close();
  });

  it('clears one catcher durably, and reclaims the files when everything is cleared', async () => {
    const dir = tmp();
    const store = await openStore(dir, { segmentBodyBytes: 2000 });
    for (let i = 0; i < 40; i++) await store.append(input(i, undefined, i % 2 ? 'a' : 'b'));
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.idx')).length).toBeGreaterThan(1);
    expect(await store.clear('a')).toBe(20);
    expect(store.countFor('a')).toBe(0);
    expect(store.countFor('b')).toBe(20);
    await store.close();
    const again = await openStore(dir);
    expect(again.count).toBe(20);
    const lastSeq = again.all().at(-1)!.seq;
    expect(await again.clear(null)).toBe(20);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.idx'))).toHaveLength(1);
    const e = await again.append(input(100));
    expect(e.seq).toBeGreaterThan(lastSeq);
    await again.close();
    const third = await openStore(dir);
    expect(third.count).toBe(1);
    expect(third.all()[0]?.seq).toBe(e.seq);
    await third.close();
  });

  it('keeps clears made while captures keep arriving (their records are not overwritten by batches)', async () => {
    const dir = tmp();
    const store = await openStore(dir);
    const writes: Array<Promise<unknown>> = [];
    const clears: Array<Promise<number>> = [];
    // Appends every loop turn, so batches are in flight and others wait whenever a clear comes.
    for (let wave = 0; wave < 240; wave++) {
      for (let k = 0; k < 3; k++) writes.push(store.append(input(wave * 3 + k, undefined, ['a', 'b', 'c'][(wave + k) % 3])));
      if (wave % 20 === 10) clears.push(store.clear(['a', 'b', 'c'][(wave / 20) % 3 | 0] as string));
      if (wave % 7 === 3) writes.push(store.update(wave, { responseStatus: 202 }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all([...writes, ...clears]);
    const kept = store.all().map((e) => `${e.seq}:${e.catcherId}:${e.responseStatus}`);
    await store.close();
    const again = await openStore(dir);
    expect(again.repairs).toEqual([]);
    expect(again.all().map((e) => `${e.seq}:${e.catcherId}:${e.responseStatus}`)).toEqual(kept);
    await again.close();
  });

  it('filters by catcher, method and text over url, headers and body, with paging', async () => {
    const store = await openStore(tmp(), { segmentBodyBytes: 4096 });
    for (let i = 0; i < 100; i++) {
      const body = Buffer.from(i === 77 ? 'hello NEEDLE world' : `plain ${i}`);
      await store.append(input(i, body, i < 50 ? 'a' : 'b'));
    }
    expect((await store.list({ text: 'needle', limit: 10 })).items.map((e) => e.url)).toEqual(['/hook/77?q=77']);
    expect((await store.list({ text: 'X-MARKER', limit: 500 })).total).toBe(100);
    expect((await store.list({ text: 'm13', limit: 500 })).items.map((e) => e.url)).toEqual(['/hook/13?q=13']);
    expect((await store.list({ text: '/hook/5', limit: 500 })).total).toBe(11);
    expect((await store.list({ catcherId: 'a', methods: ['post'], limit: 500 })).total).toBe(25);
    // The cached search must see captures that arrive later.
    await store.append(input(200, Buffer.from('another needle')));
    expect((await store.list({ text: 'needle', limit: 10 })).total).toBe(2);
    const all = (await store.list({ limit: 500 })).items;
    const page = await store.list({ afterSeq: all[9]!.seq, limit: 5 });
    expect(page.items.map((e) => e.seq)).toEqual(all.slice(10, 15).map((e) => e.seq));
    const before = await store.list({ beforeSeq: all[9]!.seq, newest: true, limit: 3 });
    expect(before.items.map((e) => e.seq)).toEqual(all.slice(6, 9).map((e) => e.seq));
    await store.close();
  });

  it('pages like a plain filter over every entry, for any mix of catcher, methods, bounds and order', async () => {
    const store = await openStore(tmp());
    for (let i = 0; i < 60; i++) await store.append(input(i, undefined, i % 3 === 0 ? 'a' : 'b'));
    // Gaps in seq (a cleared catcher) so bounds fall between entries too.
    await store.clear('a');
    for (let i = 60; i < 120; i++) await store.append(input(i, undefined, i % 3 === 0 ? 'a' : 'b'));
    const all = [...store.all()];
    // mulberry32: a fixed sequence, so a failure reproduces.
    let rnd = 7;
    const next = (n: number): number => {
      rnd = (rnd + 0x6d2b79f5) | 0;
      let t = Math.imul(rnd ^ (rnd >>> 15), 1 | rnd);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const maxSeq = all.at(-1)!.seq + 3;
    for (let k = 0; k < 300; k++) {
      const q = {
        ...(next(3) === 0 ? { catcherId: next(2) ? 'a' : 'b' } : {}),
        ...(next(3) === 0 ? { methods: [next(2) ? 'post' : 'PUT'] } : {}),
        ...(next(2) ? { afterSeq: next(maxSeq) } : {}),
        ...(next(2) ? { beforeSeq: next(maxSeq) } : {}),
        newest: next(2) === 1,
        limit: 1 + next(30),
      };
      const matching = all.filter((e) => (q.catcherId === undefined || e.catcherId === q.catcherId) && (!q.methods || e.method === q.methods[0]!.toUpperCase()));
      const bounded = matching.filter((e) => (q.afterSeq === undefined || e.seq > q.afterSeq) && (q.beforeSeq === undefined || e.seq < q.beforeSeq));
      const expected = q.newest ? bounded.slice(Math.max(0, bounded.length - q.limit)) : bounded.slice(0, q.limit);
      const got = await store.list(q);
      expect({ q, total: got.total, seqs: got.items.map((e) => e.seq) }).toEqual({ q, total: matching.length, seqs: expected.map((e) => e.seq) });
    }
    await store.close();
  });

  it('rejects appends when the disk is full, leaves no half record, and works again afterwards', async () => {
    const dir = tmp();
    // The body file is /dev/full: every write to it fails with ENOSPC.
    const body = path.join(dir, '000001.body');
    fs.symlinkSync('/dev/full', body);
    const store = await openStore(dir);
    await expect(store.append(input(1, Buffer.alloc(100_000)))).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(store.append(input(2))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(store.count).toBe(0);
    await store.close();
    fs.rmSync(body);
    const fixed = await openStore(dir);
    expect(fixed.count).toBe(0);
    expect(fixed.repairs).toEqual([]);
    const e = await fixed.append(input(3));
    expect((await fixed.readBody(e.seq))?.toString()).toBe('{"n":3}');
    await fixed.close();
  });
});
