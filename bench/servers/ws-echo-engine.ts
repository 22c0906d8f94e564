import { createEngine } from '../../src/engine';

// Ours: the engine's WebSocket server with echo on, logging every frame in and out, with an event
// listener that serialises every event batch as the web door does.
const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: ws-echo-engine.ts DATA_DIR');
const engine = await createEngine({ dataDir, door: 'cli' });
let eventBytes = 0;
engine.on((e) => {
  eventBytes += JSON.stringify(e).length;
});
const s = await engine.invoke('wsServer.start', { echo: true });
process.send?.({ port: s.boundPort, id: s.id });
process.on('message', (m: { op: string }) => {
  if (m.op === 'stats') {
    void engine.invoke('wsServer.list', {}).then(async (list) => {
      const page = await engine.invoke('ws.log.page', { logId: s.id, limit: 1, newest: true });
      process.send?.({ op: 'stats', messagesIn: list[0]?.stats.messagesIn ?? 0, messagesOut: list[0]?.stats.messagesOut ?? 0, logged: page.total, eventBytes, rss: process.memoryUsage().rss });
    });
  }
});
process.on('SIGTERM', () => {
  void engine.close().then(() => process.exit(0));
});
