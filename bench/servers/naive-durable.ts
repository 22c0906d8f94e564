import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

// A reference point, not a baseline: the simplest durable catcher (issue 9's "write stream with
// group-committed fsync before the reply, written naively"). Each request's head (JSON) and body are
// appended to one log file; every answer waits for an fdatasync that covers it; no index, no
// checksums, no hooks, no events. What our store adds on top shows as the gap between it and ours.
const dir = process.argv[2];
if (!dir) throw new Error('usage: naive-durable.ts DATA_DIR');
fs.mkdirSync(dir, { recursive: true });
const fd = fs.openSync(path.join(dir, 'log'), 'a');
let waiting: Array<() => void> = [];
let syncing = false;

function sync(): void {
  if (syncing || waiting.length === 0) return;
  syncing = true;
  const batch = waiting;
  waiting = [];
  fs.fdatasync(fd, () => {
    syncing = false;
    for (const answer of batch) answer();
    sync();
  });
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const head = Buffer.from(`${JSON.stringify({ method: req.method, url: req.url, headers: req.rawHeaders, t: Date.now() })}\n`);
    fs.write(fd, Buffer.concat([head, ...chunks]), () => {
      waiting.push(() => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '11' });
        res.end('{"ok":true}');
      });
      sync();
    });
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0 });
});
// Between rounds (no request in flight): the log emptied, its space given back (see the catcher figure).
process.on('message', (m: { op: string }) => {
  if (m.op === 'reset') {
    fs.ftruncateSync(fd, 0);
    process.send?.({ op: 'reset' });
  }
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
