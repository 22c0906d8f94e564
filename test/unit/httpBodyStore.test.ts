import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BodyStore } from '../../src/engine/http/bodyStore';

function store(opts: Partial<{ memoryBudget: number; spillThreshold: number; maxEntries: number }>): { s: BodyStore; dir: string } {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'sb-bodies-')), 'b');
  return { s: new BodyStore(dir, { memoryBudget: 1 << 20, spillThreshold: 1 << 20, maxEntries: 1000, ...opts }), dir };
}

async function put(s: BodyStore, id: string, bytes: Buffer): Promise<void> {
  const w = s.writer(id, 'wire');
  for (let i = 0; i < bytes.length; i += 1000) w.write(bytes.subarray(i, i + 1000), () => undefined);
  const blob = await w.finish();
  s.add(id, blob, blob);
}

describe('response body store', () => {
  it('streams bodies past the threshold to disk and reads any range back', async () => {
    const { s, dir } = store({ spillThreshold: 4096 });
    const big = randomBytes(50_000);
    await put(s, 'big', big);
    expect(readdirSync(dir)).toContain('big.wire');
    expect((await s.read('big', 12_345, 100, true)).buf).toEqual(big.subarray(12_345, 12_445));
    expect((await s.read('big', 49_990, 100, false)).buf).toEqual(big.subarray(49_990));
    s.close();
    expect(existsSync(dir)).toBe(false);
  });

  it('moves the least recently used bodies to disk when memory is over budget, losing nothing', async () => {
    const { s, dir } = store({ memoryBudget: 10_000 });
    const bodies = Array.from({ length: 30 }, () => randomBytes(1_000));
    for (const [i, b] of bodies.entries()) await put(s, `r${i}`, b);
    const deadline = Date.now() + 5000;
    while (readdirSync(dir).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(readdirSync(dir).length).toBeGreaterThan(0);
    for (const [i, b] of bodies.entries()) expect((await s.read(`r${i}`, 0, 10_000, true)).buf).toEqual(b);
    s.close();
  });

  it('forgets the oldest bodies beyond the entry limit', async () => {
    const { s } = store({ maxEntries: 3 });
    for (let i = 0; i < 5; i++) await put(s, `r${i}`, Buffer.from(`body ${i}`));
    await expect(s.read('r0', 0, 10, true)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await s.read('r4', 0, 10, true)).buf.toString()).toBe('body 4');
    s.close();
  });
});
