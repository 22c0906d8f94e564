import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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
    expect(readdirSync(path.join(dir, 'bodies')).sort()).toEqual(kept.map((id) => `${id}.bin`).sort());
    expect(await a.delete(kept[0] ?? '')).toBe(true);
    const c = new HistoryStore(dir, a.limits);
    await c.load();
    expect(c.total).toBe(kept.length - 1);
    expect(readdirSync(path.join(dir, 'bodies'))).toHaveLength(kept.length - 1);
  });
});
