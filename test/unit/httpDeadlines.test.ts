import { describe, expect, it } from 'vitest';
import { Deadlines } from '../../src/engine/http/deadlines';

// Send timeouts share one timer (src/engine/http/deadlines.ts). These check what a timer per send
// gave for free: a shorter deadline added after a longer one still fires first, a settled send never
// fires, and settling in or out of order loses nobody.

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('send deadlines', () => {
  it('fires a short deadline added after a long one, and never a settled one', async () => {
    const d = new Deadlines();
    const fired: string[] = [];
    const long = d.add(60_000, () => fired.push('long'));
    d.add(20, () => fired.push('short'));
    const settled = d.add(10, () => fired.push('settled'));
    d.settle(settled);
    await wait(80);
    expect(fired).toEqual(['short']);
    d.settle(long);
    d.close();
  });

  it('keeps deadlines left behind by sends settling out of order', async () => {
    const d = new Deadlines();
    const fired: number[] = [];
    const entries = Array.from({ length: 3000 }, (_, i) => d.add(i % 3 === 0 ? 30 : 60_000, () => fired.push(i)));
    // Settle every long one, from the back, so the front stays unsettled for a while.
    for (let i = entries.length - 1; i >= 0; i--) if (i % 3 !== 0) d.settle(entries[i]!);
    await wait(120);
    expect(fired).toEqual(entries.map((_, i) => i).filter((i) => i % 3 === 0));
    // Sequential sends settle in order: nothing is left to fire.
    for (let i = 0; i < 5000; i++) d.settle(d.add(20, () => fired.push(-1)));
    await wait(80);
    expect(fired).not.toContain(-1);
    d.close();
  });

  it('fires nothing after close', async () => {
    const d = new Deadlines();
    let n = 0;
    d.add(10, () => n++);
    d.close();
    d.add(10, () => n++);
    await wait(50);
    expect(n).toBe(0);
  });
});
