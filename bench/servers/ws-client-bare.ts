import { WebSocket } from 'ws';

// Baseline: a bare `ws` client counting a flood of COUNT messages.
const [url, countArg] = process.argv.slice(2);
const count = Number(countArg);
const ws = new WebSocket(url!, { perMessageDeflate: false });
ws.on('error', (err) => process.send?.({ op: 'done', error: err.message }));
let got = 0;
let start = 0;
ws.on('open', () => {
  process.send?.({ ready: true });
});
process.on('message', (m: { op: string }) => {
  if (m.op !== 'go') return;
  start = performance.now();
  ws.send('go');
});
ws.on('message', () => {
  if (++got === count) process.send?.({ op: 'go', ms: performance.now() - start, count: got });
});
process.on('SIGTERM', () => process.exit(0));
