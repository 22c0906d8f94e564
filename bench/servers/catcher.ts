import { createEngine } from '../../src/engine';

// The real engine with one catcher (durable store, hooks of whatever services are registered).
const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: catcher.ts DATA_DIR');
const engine = await createEngine({ dataDir, door: 'cli' });
if (process.argv[3] === 'nohooks') engine.deps.catchers.setHooks(null);
const c = await engine.invoke('catchers.create', { name: 'bench' });
process.send?.({ port: c.boundPort });
process.on('message', (m: { op: string }) => {
  // Only the count: a forced GC here (as 'stats' does, for heap figures) left this process's young
  // generation small for the rest of a run, which measured ~100 µs more CPU per 64 KiB request.
  if (m.op === 'count') {
    void engine.invoke('engine.info', {}).then((info) => process.send?.({ op: 'count', captureCount: info.captureCount }));
  }
  // Between rounds: every capture cleared, which deletes the store's files (see the catcher figure).
  if (m.op === 'reset') {
    void engine.invoke('captures.clear', {}).then(() => process.send?.({ op: 'reset' }));
  }
  if (m.op === 'stats') {
    global.gc?.();
    void engine.invoke('engine.info', {}).then((info) => {
      process.send?.({ op: 'stats', rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, captureCount: info.captureCount });
    });
  }
});
process.on('SIGTERM', () => {
  void engine.close().then(() => process.exit(0));
});
