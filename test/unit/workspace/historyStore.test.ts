import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../src/engine/workspace/history';
import type { RequestSpec, SendOutcome } from '../../../src/shared/model/http';

// The history store batches its disk writes off the send path; these check that nothing recorded
// is lost on a clean close, that eviction removes index lines and body files, and that bodies
// read back the same whether still pending or already written.

const spec = { method: 'GET', url: 'http://127.0.0.1/x' } as RequestSpec;

function outcome(i: number, bodySize: number): SendOutcome {
  return {
    ok: true,
    response: {
      id: `r${String(i)}`,
      startedAt: new Date(1_700_000_000_000 + i).toISOString(),
      elapsedMs: 1,
      status: 200,
      bodySize,
      request: { method: 'GET', url: `http://127.0.0.1/${String(i)}` },
    },
  } as unknown as SendOutcome; // only the fields the store reads
}

const bodyOf = (i: number): Buffer => Buffer.from(`body-${String(i)}-`.repeat(10));

async function fill(store: HistoryStore, from: number, to: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = from; i < to; i++) {
    const b = bodyOf(i);
    const e = await store.record(spec, outcome(i, b.length), 'test', () => Promise.resolve(b));
    ids.push(e.id);
  }
  return ids;
}

describe('history store', () => {
  it('keeps every entry and body across a clean close and reopen', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-hist-'));
    const a = new HistoryStore(dir, { maxBytes: 1e9, maxBodyBytes: 1e6, maxEntries: 10_000 });
    await a.load();
    const ids = await fill(a, 0, 1_500);
    // Still pending (not flushed yet): readable from memory.
    expect((await a.body(ids[1_499] ?? '')).buf.toString()).toBe(bodyOf(1_499).toString());
    await a.flush();
    expect(readFileSync(path.join(dir, 'index.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1_500);
    const b = new HistoryStore(dir, a.limits);
    await b.load();
    expect(b.total).toBe(1_500);
    expect(b.entries().map((e) => e.id)).toEqual(ids);
    for (const i of [0, 700, 1_499]) expect((await b.body(ids[i] ?? '')).buf.equals(bodyOf(i))).toBe(true);
  });

  it('writes an entry recorded while an eviction rewrite is under way into the index once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-hist-'));
    const a = new HistoryStore(dir, { maxBytes: 1e9, maxBodyBytes: 1e6, maxEntries: 100 });
    await a.load();
    await fill(a, 0, 100);
    await a.flush();
    // The 101st evicts down to 95 and queues a rewrite; four more arrive while it is written
    // (their lines go out with the next batch, so the rewrite must not include them too).
    await fill(a, 100, 101);
    for (let i = 101; i < 105; i++) {
      await new Promise((r) => setImmediate(r));
      await fill(a, i, i + 1);
    }
    await a.flush();
    const ids = a.entries().map((e) => e.id);
    const b = new HistoryStore(dir, a.limits);
    await b.load();
    expect(b.entries().map((e) => e.id)).toEqual(ids);
  });

  it('evicts the oldest beyond the entry limit, from the index and the body folder', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-hist-'));
    const a = new HistoryStore(dir, { maxBytes: 1e9, maxBodyBytes: 1e6, maxEntries: 100 });
    await a.load();
    const ids = await fill(a, 0, 1_000);
    expect(a.total).toBeLessThanOrEqual(100);
    expect(a.total).toBeGreaterThanOrEqual(95);
    await a.flush();
    const kept = a.entries().map((e) => e.id);
    expect(kept).toEqual(ids.slice(ids.length - kept.length));
    const b = new HistoryStore(dir, a.limits);
    await b.load();
    expect(b.entries().map((e) => e.id)).toEqual(kept);
    // Small bodies share pack files; only packs some kept entry points at are left.
    const files = readdirSync(path.join(dir, 'bodies'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.endsWith('.pack'))).toBe(true);
    expect(files.length).toBeLessThan(kept.length);
    const packsInIndex = new Set(
      readFileSync(path.join(dir, 'index.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { bodyPack: string }).bodyPack),
    );
    expect(files.map((f) => f.slice(0, -'.pack'.length)).sort()).toEqual([...packsInIndex].sort());
    for (const [n, id] of kept.entries()) expect((await b.body(id)).buf.equals(bodyOf(ids.length - kept.length + n))).toBe(true);
    // The entry as served carries no storage fields.
    expect(Object.keys(b.get(kept[0] ?? ''))).not.toContain('bodyPack');
    expect(await a.delete(kept[0] ?? '')).toBe(true);
    const c = new HistoryStore(dir, a.limits);
    await c.load();
    expect(c.total).toBe(kept.length - 1);
    await expect(c.body(kept[0] ?? '')).rejects.toThrow(/No history entry/);
    expect((await c.body(kept[1] ?? '')).buf.equals(bodyOf(ids.length - kept.length + 1))).toBe(true);
    // Evicting everything removes the pack files with the last entries pointing at them.
    await fill(c, 5_000, 5_300);
    await c.flush();
    const survivors = new Set(c.entries().map((e) => e.id));
    expect(kept.some((id) => survivors.has(id))).toBe(false);
    const left = readdirSync(path.join(dir, 'bodies'));
    expect(left.filter((f) => files.includes(f))).toEqual([]);
  });

  it('an eviction rewrite copies the lines already in the file as they are, and stays right across deletes and reopens', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-hist-'));
    const limits = { maxBytes: 1e9, maxBodyBytes: 1e6, maxEntries: 40 };
    const a = new HistoryStore(dir, limits);
    await a.load();
    await fill(a, 0, 40);
    await a.flush();
    // Hand-edit one kept line into another (valid) spelling: a copy keeps it, a re-serialisation would not.
    const file = path.join(dir, 'index.jsonl');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const edited = JSON.stringify(JSON.parse(lines[30]!), null, 0).replace('{', '{ ');
    lines[30] = edited;
    writeFileSync(file, `${lines.join('\n')}\n`);
    const b = new HistoryStore(dir, limits);
    await b.load();
    const editedId = (JSON.parse(edited) as { id: string }).id;
    expect(await b.delete(b.entries()[35]!.id)).toBe(true);
    await fill(b, 40, 45); // over the cap: evicts the oldest, rewrites the index
    await b.flush();
    const after = readFileSync(file, 'utf8').trim().split('\n');
    expect(after).toContain(edited);
    const kept = b.entries().map((e) => e.id);
    expect(kept).toContain(editedId);
    expect(after).toHaveLength(kept.length);
    // A line that is no longer where the store last saw it (the file changed underneath) is
    // written from the entry instead.
    writeFileSync(file, `\n\n${readFileSync(file, 'utf8')}`);
    await fill(b, 45, 50);
    await b.flush();
    const c = new HistoryStore(dir, limits);
    await c.load();
    expect(c.entries().map((e) => e.id)).toEqual(b.entries().map((e) => e.id));
    for (const e of c.entries().slice(-3)) expect((await c.body(e.id)).buf.length).toBeGreaterThan(0);
  });

  it('add() batches entries but delivers every one without a read, and any read sees them at once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-hist-'));
    const a = new HistoryStore(dir, { maxBytes: 1e9, maxBodyBytes: 1e6, maxEntries: 100 });
    await a.load();
    const seen: string[] = [];
    a.onRecorded((e) => seen.push(e.url));
    const empty = (): Buffer => Buffer.alloc(0);
    for (let i = 0; i < 5; i++) a.add(spec, outcome(i, 0), 'test', empty);
    // Fewer than a batch and nobody reading: the entries still come (after a short delay).
    for (let tries = 0; seen.length < 5 && tries < 200; tries++) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `http://127.0.0.1/${String(i)}`));
    for (let i = 5; i < 45; i++) a.add(spec, outcome(i, 0), 'test', empty);
    expect(a.total).toBe(45);
    expect(seen).toHaveLength(45);
    expect((await a.list({ limit: 1 })).items[0]?.url).toBe('http://127.0.0.1/44');
    await a.flush();
  });

  it('dates entries by the response start, written as toISOString writes it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-hist-'));
    const a = new HistoryStore(dir, { maxBytes: 1e9, maxBodyBytes: 1e6, maxEntries: 100 });
    await a.load();
    const at = async (startedAt: string): Promise<string> => {
      const o = outcome(0, 0);
      if (o.ok) o.response.startedAt = startedAt;
      return (await a.record(spec, o, 'test', () => Buffer.alloc(0))).at;
    };
    // Same second (served from the per-second cache), the next second, another day.
    for (const t of ['2023-11-14T22:13:20.000Z', '2023-11-14T22:13:20.999Z', '2023-11-14T22:13:21.005Z', '2024-02-29T00:00:00.123Z']) expect(await at(t)).toBe(t);
    expect(await at('2023-11-14T22:13:20Z')).toBe('2023-11-14T22:13:20.000Z');
    // Right after a time of the same second: the cache must still check the milliseconds are digits.
    expect(await at('2023-11-14T22:13:20.000Z')).toBe('2023-11-14T22:13:20.000Z');
    expect(await at('2023-11-14T22:13:20.5x0Z')).not.toBe('2023-11-14T22:13:20.5x0Z');
    const before = Date.now();
    const fallback = Date.parse(await at('not a date'));
    expect(fallback).toBeGreaterThanOrEqual(before);
    expect(fallback).toBeLessThanOrEqual(Date.now());
    await a.flush();
  });

  it('keeps a large body in a file of its own and removes it on eviction', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-hist-'));
    const a = new HistoryStore(dir, { maxBytes: 1e9, maxBodyBytes: 1e6, maxEntries: 3 });
    await a.load();
    const big = Buffer.alloc(300 * 1024, 7);
    const e = await a.record(spec, outcome(1, big.length), 'test', () => Promise.resolve(big));
    await a.flush();
    expect(readdirSync(path.join(dir, 'bodies'))).toEqual([`${e.id}.bin`]);
    const b = new HistoryStore(dir, a.limits);
    await b.load();
    expect((await b.body(e.id, 10, 100)).buf.equals(big.subarray(10, 110))).toBe(true);
    await fill(b, 10, 20);
    await b.flush();
    expect(readdirSync(path.join(dir, 'bodies'))).not.toContain(`${e.id}.bin`);
  });

  it('reads a history written before bodies were packed (one <id>.bin per body)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-hist-'));
    const a = new HistoryStore(dir, { maxBytes: 1e9, maxBodyBytes: 1e6, maxEntries: 100 });
    await a.load();
    const [id] = await fill(a, 0, 1);
    await a.flush();
    const entry = a.get(id ?? '');
    // Rewrite the store as the old format had it.
    writeFileSync(path.join(dir, 'index.jsonl'), `${JSON.stringify(entry)}\n`);
    for (const f of readdirSync(path.join(dir, 'bodies'))) rmSync(path.join(dir, 'bodies', f));
    writeFileSync(path.join(dir, 'bodies', `${id ?? ''}.bin`), bodyOf(0));
    const b = new HistoryStore(dir, a.limits);
    await b.load();
    expect(b.get(id ?? '')).toEqual(entry);
    expect((await b.body(id ?? '')).buf.equals(bodyOf(0))).toBe(true);
    expect(await b.delete(id ?? '')).toBe(true);
    expect(readdirSync(path.join(dir, 'bodies'))).toEqual([]);
  });

  it('builds entries off the send path but shows them to any read at once, in order, with eviction events', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-hist-'));
    const a = new HistoryStore(dir, { maxBytes: 1e9, maxBodyBytes: 1e6, maxEntries: 20 });
    await a.load();
    const seen: string[] = [];
    const evictedSeen: string[] = [];
    a.onRecorded((e, evicted) => {
      seen.push(e.id);
      evictedSeen.push(...evicted);
    });
    const promises = Array.from({ length: 30 }, (_, i) => a.record(spec, outcome(i, 0), 'test', () => Promise.resolve(Buffer.alloc(0))));
    // Let the records reach the queue, then read before the queued work runs.
    await Promise.resolve();
    await Promise.resolve();
    const listed = await a.list({ limit: 100 });
    expect(listed.total).toBe(a.total);
    expect(seen).toHaveLength(30);
    const ids = (await Promise.all(promises)).map((e) => e.id);
    expect(seen).toEqual(ids);
    expect(new Set([...evictedSeen, ...a.entries().map((e) => e.id)])).toEqual(new Set(ids));
    expect(evictedSeen).toEqual(ids.slice(0, evictedSeen.length));
    await a.flush();
  });
});
