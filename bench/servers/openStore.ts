import { performance } from 'node:perf_hooks';
import { createEngine } from '../../src/engine';

// A cold process opening a data directory: time until the first page of the newest captures is
// ready, as the UI asks for it on start.
const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: openStore.ts DATA_DIR');
const t0 = performance.now();
const c0 = process.cpuUsage();
const engine = await createEngine({ dataDir, door: 'cli', restoreCatchers: false });
const tOpen = performance.now();
const page = await engine.invoke('captures.list', { newest: true, limit: 500 });
const tPage = performance.now();
const cpu = process.cpuUsage(c0);
process.send?.({ openMs: tOpen - t0, firstPageMs: tPage - t0, total: page.total, items: page.items.length, cpuMs: (cpu.user + cpu.system) / 1000, rss: process.memoryUsage().rss });
await engine.close();
process.exit(0);
