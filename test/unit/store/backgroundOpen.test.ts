import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureStore, type AppendInput, type ListQuery, type StoreEntry } from '../../../src/engine/store/captureStore';

// Opening with `background` decodes the newest segments first and the older ones after. The oracle
// is the store opened the usual way (everything decoded before open returns): counts, pages and
// entries must be the same while the older segments load and once they have.

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bgopen-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function input(i: number, catcherId: string): AppendInput {
  return {
    catcherId,
    receivedAtMs: 1_700_000_000_000 + i,
    method: i % 2 ? 'POST' : 'PUT',
    url: `/hook/${i}`,
    contentType: 'application/json',
    bodyTruncated: false,
    responseStatus: 200,
    signatureStatus: null,
    duplicateOf: null,
    detail: { httpVersion: '1.1', headers: [['X-I', String(i)]], remoteAddress: '127.0.0.1', remotePort: 1, forwardedFor: null, declaredLength: null, durationMs: 0 },
    body: Buffer.from(`{"n":${i}}`),
  };
}

// mulberry32: a fixed sequence, so a failure reproduces.
function random(seed: number): (n: number) => number {
  let rnd = seed;
  return (n) => {
    rnd = (rnd + 0x6d2b79f5) | 0;
    let t = Math.imul(rnd ^ (rnd >>> 15), 1 | rnd);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

const CATCHERS = ['a', 'b', 'c'];
/** Small segments, so a few hundred captures make many of them. */
const SMALL = { segmentBodyBytes: 6000 };
/** One segment for everything (split by the background open inside it). */
const ONE = { segmentBodyBytes: 1 << 30 };

/**
 * Only the newest ~1,500 bytes of index (about 12 captures) decoded while opening, the rest in
 * slices of 7 records once `go` is called (so that what a test does first happens while they are
 * still pending).
 */
function background(layout: { segmentBodyBytes: number } = SMALL): { options: Parameters<typeof CaptureStore.open>[1]; go: () => void } {
  let go = (): void => undefined;
  const startAfter = new Promise<void>((resolve) => (go = resolve));
  return { options: { ...layout, background: { tailBytes: 1500, minOlderBytes: 0, sliceRecords: 7, startAfter } }, go };
}

/** Appends, updates and per-catcher clears in a fixed random mix; the store is closed after. */
async function build(dir: string, seed: number, n: number, layout: { segmentBodyBytes: number } = SMALL): Promise<void> {
  const next = random(seed);
  const store = await CaptureStore.open(dir, layout);
  const seqs: number[] = [];
  for (let i = 0; i < n; i++) {
    seqs.push((await store.append(input(i, CATCHERS[next(3)] as string))).seq);
    const roll = next(40);
    // No clears in the last 60, so that every catcher is left with captures.
    if (roll === 0 && i < n - 60) await store.clear(CATCHERS[next(3)] as string);
    else if (roll < 6) {
      // Updates of captures anywhere before, often in an older segment than the update record.
      const seq = seqs[next(seqs.length)] as number;
      await store.update(seq, { responseStatus: 201 + next(50), annotations: { duplicateOf: `c${next(1000)}` } });
    }
  }
  await store.close();
}

const view = (e: StoreEntry) => ({ seq: e.seq, catcherId: e.catcherId, url: e.url, status: e.responseStatus, dup: e.duplicateOf, segment: e.segment, updates: e.updates });

describe('opening with older segments decoded in the background', () => {
  it('answers counts and the newest pages at once, and equals a usual open once loaded', async () => {
    // Many small segments, and one segment split inside.
    for (const [seed, layout] of [
      [3, SMALL],
      [11, SMALL],
      [29, SMALL],
      [5, ONE],
      [8, ONE],
    ] as const) {
      const dir = tmp();
      await build(dir, seed, 400, layout);
      const segments = fs.readdirSync(dir).filter((f) => f.endsWith('.idx')).length;
      if (layout === ONE) expect(segments).toBe(1);
      else expect(segments).toBeGreaterThan(4);

      const usual = await CaptureStore.open(dir, layout);
      const all = usual.all().map(view);
      const counts = CATCHERS.map((c) => usual.countFor(c));
      // Pages that fit in the newest decoded part, and pages that need older entries.
      const queries: ListQuery[] = [
        { newest: true, limit: 3 },
        { newest: true, limit: 50 },
        { newest: true, limit: 5, catcherId: 'b' },
        { newest: true, limit: 4, beforeSeq: all.at(-3)!.seq },
        { limit: 10 },
        { newest: true, limit: 10, methods: ['POST'] },
      ];
      const pages = await Promise.all(queries.map((q) => usual.list(q)));
      await usual.close();

      const { options, go } = background(layout);
      const bg = await CaptureStore.open(dir, options);
      // The older segments really are still to be decoded...
      expect(bg.find(all[0]!.seq)).toBeUndefined();
      // ...yet totals and pages (those that fit in the newest segment, and those that must wait) agree.
      expect(bg.count).toBe(all.length);
      expect(CATCHERS.map((c) => bg.countFor(c))).toEqual(counts);
      const asked = Promise.all(queries.map((q) => bg.list(q)));
      // The newest page is answered before anything older is decoded.
      const served = await Promise.race([bg.list({ newest: true, limit: 3 }).then(() => 'served'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
      expect(served).toBe('served');
      expect(bg.find(all[0]!.seq)).toBeUndefined();
      go();
      const again = await asked;
      expect(again.map((p) => ({ total: p.total, items: p.items.map(view) }))).toEqual(pages.map((p) => ({ total: p.total, items: p.items.map(view) })));
      await bg.whenLoaded();
      expect(bg.all().map(view)).toEqual(all);
      expect(CATCHERS.map((c) => bg.countFor(c))).toEqual(counts);
      await bg.close();
    }
  });

  it('serves reads, appends, updates and clears that arrive while older segments load', async () => {
    const dir = tmp();
    await build(dir, 5, 300);
    const usual = await CaptureStore.open(dir, SMALL);
    // The oldest capture the clear below leaves alone (the clear and the update race, by design).
    const oldest = usual.all().find((e) => e.catcherId !== 'a')!;
    const expectedOldest = await usual.get(oldest.seq);
    const lastSeq = usual.all().at(-1)!.seq;
    const countB = usual.countFor('b');
    await usual.close();

    const { options, go } = background();
    const bg = await CaptureStore.open(dir, options);
    expect(bg.find(oldest.seq)).toBeUndefined();
    // All started before the older segments are decoded; each waits only as much as it must.
    const asked = Promise.all([bg.get(oldest.seq), bg.readBody(oldest.seq), bg.append(input(9999, 'b')), bg.update(oldest.seq, { responseStatus: 299 }), bg.clear('a')]);
    go();
    const [got, body, added, updated, cleared] = await asked;
    expect(got?.detail).toEqual(expectedOldest?.detail);
    expect(body?.toString()).toBe(`{"n":${oldest.url.slice('/hook/'.length)}}`);
    expect(added.seq).toBeGreaterThan(lastSeq);
    expect(updated?.responseStatus).toBe(299);
    expect(cleared).toBeGreaterThan(0);
    expect(bg.countFor('a')).toBe(0);
    expect(bg.countFor('b')).toBe(countB + 1);
    const after = bg.all().map(view);
    await bg.close();

    // What it wrote reads back the same the usual way.
    const check = await CaptureStore.open(dir, SMALL);
    expect(check.all().map(view)).toEqual(after);
    expect(check.find(oldest.seq)?.responseStatus).toBe(299);
    await check.close();
  });

  it('closes while older segments are still being decoded, and opens whole again after', async () => {
    const dir = tmp();
    await build(dir, 23, 300);
    const usual = await CaptureStore.open(dir, SMALL);
    const all = usual.all().map(view);
    await usual.close();
    const { options, go } = background();
    const bg = await CaptureStore.open(dir, options);
    go();
    // A turn or two into the decode: some slices done, most not.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await bg.close();
    expect(fs.existsSync(path.join(dir, 'LOCK'))).toBe(false);
    const again = await CaptureStore.open(dir, SMALL);
    expect(again.repairs).toEqual([]);
    expect(again.all().map(view)).toEqual(all);
    await again.close();
  });

  it('decodes everything at once when an older segment is not clean', async () => {
    const dir = tmp();
    await build(dir, 17, 200);
    const idx = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.idx'))
      .sort();
    // A record cut short in the middle of the second segment (the store's own repair handles it).
    const victim = path.join(dir, idx[1]!);
    fs.truncateSync(victim, fs.statSync(victim).size - 5);
    const usual = await CaptureStore.open(dir, { ...SMALL, readOnly: true });
    const all = usual.all().map(view);
    await usual.close();
    const { options, go } = background();
    const bg = await CaptureStore.open(dir, options);
    go();
    // Nothing was left for the background: the repair happened while opening, as without it.
    expect(bg.find(all[0]!.seq)).toBeDefined();
    expect(bg.repairs.length).toBeGreaterThan(0);
    expect(new Set(bg.repairs.map((r) => r.file))).toEqual(new Set([victim]));
    expect(bg.all().map(view)).toEqual(all);
    await bg.close();
  });
});
