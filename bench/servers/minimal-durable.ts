import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

// A reference point, not a baseline: the least a durable node:http server can do on its main
// thread. The bodies' bytes as they arrived (no record, no metadata, no checksum, no index) go to
// one file with a single writev per batch, one fdatasync covers the batch, then every answer goes
// out. What a real catcher pays for its features shows as the gap between this and ours; no
// catcher that records what a request was can be this lean.
const dir = process.argv[2];
if (!dir) throw new Error('usage: minimal-durable.ts DATA_DIR');
fs.mkdirSync(dir, { recursive: true });
const fd = fs.openSync(path.join(dir, 'log'), 'a');
const HEAD = { 'Content-Type': 'application/json', 'Content-Length': '11' };
let bufs: Buffer[] = [];
let answers: http.ServerResponse[] = [];
let syncing = false;
let scheduled = false;

function commit(): void {
  scheduled = false;
  if (syncing || answers.length === 0) return;
  syncing = true;
  const batch = answers;
  fs.writevSync(fd, bufs);
  bufs = [];
  answers = [];
  fs.fdatasync(fd, () => {
    syncing = false;
    for (const res of batch) {
      res.writeHead(200, HEAD);
      res.end('{"ok":true}');
    }
    commit();
  });
}

const server = http.createServer((req, res) => {
  req.on('data', (c: Buffer) => bufs.push(c));
  req.on('end', () => {
    answers.push(res);
    if (!scheduled && !syncing) {
      scheduled = true;
      setImmediate(commit);
    }
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
