import { WebSocketServer } from 'ws';

// Baseline: a bare `ws` echo server (no compression, as a benchmark of framing, not of zlib).
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
wss.on('error', () => undefined);
wss.on('connection', (ws) => {
  ws.on('error', () => undefined);
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
wss.on('listening', () => {
  const addr = wss.address();
  process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0 });
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
