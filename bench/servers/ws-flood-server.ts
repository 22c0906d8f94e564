import { WebSocketServer, type WebSocket } from 'ws';

// Sends COUNT 32-byte text messages to each client as fast as the socket takes them.
const count = Number(process.argv[2] ?? 200_000);
const msg = Buffer.from('x'.repeat(32));
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
wss.on('error', () => undefined);
function flood(ws: WebSocket, left: number): void {
  while (left > 0 && ws.readyState === ws.OPEN) {
    ws.send(msg, { binary: false });
    left--;
    // Let the kernel drain instead of buffering the whole flood in memory.
    if (ws.bufferedAmount > 4 * 1024 * 1024) {
      setImmediate(() => flood(ws, left));
      return;
    }
  }
}
wss.on('connection', (ws) => {
  ws.on('error', () => undefined);
  ws.once('message', () => flood(ws, count));
});
wss.on('listening', () => {
  const addr = wss.address();
  process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0 });
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
