import { createEngine } from '../../src/engine';

// Ours: the engine's client connection receiving the flood, logging every frame, with an event
// listener that serialises every event batch as the web door does.
const [url, countArg, dataDir] = process.argv.slice(2);
const count = Number(countArg);
const engine = await createEngine({ dataDir: dataDir!, door: 'cli' });
let start = 0;
let done = false;
engine.on((e) => {
  JSON.stringify(e);
  if (!done && e.type === 'ws.connection' && e.connection.stats.messagesIn >= count && start > 0) {
    done = true;
    const ms = performance.now() - start;
    void engine.invoke('ws.log.page', { logId: e.connection.id, limit: 1, newest: true }).then((page) => {
      process.send?.({ op: 'go', ms, count: e.connection.stats.messagesIn, logged: page.total });
    });
  }
});
const c = await engine.invoke('ws.connect', { url: url!, perMessageDeflate: false });
process.send?.({ ready: true });
process.on('message', (m: { op: string }) => {
  if (m.op !== 'go') return;
  start = performance.now();
  void engine.invoke('ws.send', { id: c.id, message: { format: 'text', data: 'go' } });
});
process.on('SIGTERM', () => {
  void engine.close().then(() => process.exit(0));
});
