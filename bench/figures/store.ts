import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CaptureStore } from '../../src/engine/store/captureStore';
import { startChild } from '../lib/child';
import { generateStore } from '../lib/genStore';
import { load } from '../lib/load';
import { defineFigure } from '../lib/types';

// Scale figures for the capture store: memory with 100k captures, opening 1M, searching 100k.

const MB = 1024 * 1024;

const memory = defineFigure({
  name: 'memory-100k',
  area: 'catcher',
  description: 'engine RSS with 100,000 captures of 1 KiB (index in memory, bodies on disk), after live traffic',
  async run(ctx) {
    const dataDir = path.join(ctx.tmp, 'data');
    const count = 100_000;
    const live = ctx.quick ? 2_000 : 10_000;
    // 100k - live generated with the codec, the rest through HTTP, so both paths fill the index.
    generateStore({ dir: dataDir, count: count - live, bodySize: 1024 });
    const engine = await startChild('catcher.ts', [dataDir]);
    try {
      const r = await load({
        url: `http://127.0.0.1:${String(engine.ready.port)}/hooks/mem`,
        connections: 50,
        amount: live,
        method: 'POST',
        body: Buffer.alloc(1024, 'b'),
        headers: { 'content-type': 'application/json' },
      });
      const stats = await engine.ask('stats');
      const rss = Number(stats.rss) / MB;
      const captures = Number(stats.captureCount);
      return {
        baseline: null,
        ours: { value: rss, unit: 'MB', extra: { captures, heapMB: Number(stats.heapUsed) / MB, liveRequests: r.ok2xx } },
        ratio: null,
        target: 'RSS ≤ 300 MB, bodies on disk',
        pass: rss <= 300 && captures >= count,
        notes: `${captures.toLocaleString('en-US')} captures (${live.toLocaleString('en-US')} live over HTTP), heap ${(Number(stats.heapUsed) / MB).toFixed(0)} MB after GC`,
      };
    } finally {
      await engine.stop();
    }
  },
});

const open1m = defineFigure({
  name: 'store-open-1m',
  area: 'catcher',
  description: 'cold process opening a data directory with 1,000,000 captures, to the first list page',
  async run(ctx) {
    const dataDir = path.join(ctx.tmp, 'data');
    const count = ctx.quick ? 200_000 : 1_000_000;
    const g0 = performance.now();
    // Opening reads only the .idx files, so the bodies are left as sparse space to save minutes of disk.
    generateStore({ dir: dataDir, count, bodySize: 512, sparseBodies: true });
    ctx.log(`generated ${count} captures in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
    const child = await startChild('openStore.ts', [dataDir], 120_000);
    await child.stop();
    const r = child.ready;
    const ms = Number(r.firstPageMs);
    return {
      baseline: null,
      ours: { value: ms, unit: 'ms', extra: { openMs: Number(r.openMs), cpuMs: Number(r.cpuMs), total: Number(r.total), rssMB: Number(r.rss) / MB } },
      ratio: null,
      target: '≤ 2,000 ms to first list page',
      pass: ms <= 2000 && Number(r.total) === count && Number(r.items) === 500,
      notes: `${count.toLocaleString('en-US')} captures; engine open ${Number(r.openMs).toFixed(0)} ms; process CPU ${Number(r.cpuMs).toFixed(0)} ms; RSS ${(Number(r.rss) / MB).toFixed(0)} MB`,
    };
  },
});

const search = defineFigure({
  name: 'search-100k',
  area: 'catcher',
  description: 'search 100,000 captures (1 KiB bodies) for a body string, cold (no cached result)',
  async run(ctx) {
    const dataDir = path.join(ctx.tmp, 'data');
    const count = 100_000;
    generateStore({ dir: dataDir, count, bodySize: 1024, needle: 'Needle-7F3A', needleEvery: 997 });
    const store = await CaptureStore.open(path.join(dataDir, 'captures'));
    try {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = await store.list({ text: 'needle-7f3a', limit: 500 });
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const expected = Math.floor(count / 997);
      return {
        baseline: null,
        ours: { value: ms, unit: 'ms', extra: { matches: r.total, cpuMs } },
        ratio: null,
        target: '≤ 1,000 ms',
        pass: ms <= 1000 && r.total === expected,
        notes: `${r.total} of ${expected} matches found; CPU ${cpuMs.toFixed(0)} ms (wall includes waiting for a busy machine)`,
      };
    } finally {
      await store.close();
    }
  },
});

export default [memory, open1m, search];
