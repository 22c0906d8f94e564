/**
 * The code that runs the real localtunnel client inside a worker thread (CommonJS, evaluated with
 * `new Worker(source, { eval: true })`, so no extra file has to be found at run time by tsx, vitest
 * or the electron-vite bundle).
 *
 * Why a worker: localtunnel's TunnelCluster opens sockets and 1 s retry timers we never get a handle
 * on (connections still dialling, local reconnect loops, the 'dead' → reopen loop), and `close()` only
 * destroys the sockets that already connected. `worker.terminate()` ends the thread's event loop, so
 * every socket and timer the library made is gone, guaranteed, without patching its internals.
 *
 * What we change in the library, and why:
 * - `_init` (the `GET /?new` request) is replaced by the answer our own bounded request already got
 *   (handshake.ts): the library's version retries every second forever and hides the reason.
 * - HeaderHostTransformer turns each chunk into a UTF-8 string, which corrupts binary bodies; ours works
 *   on bytes (latin1 round-trips exactly) and only rewrites Host when the user asked for a local host.
 *
 * Messages to the parent: {type:'connections', live} | {type:'request'} | {type:'lost', reason}.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const d = workerData;
const post = (message) => parentPort.postMessage(message);

const HeaderHostTransformer = require(d.transformerPath);
HeaderHostTransformer.prototype._transform = function transform(data, _encoding, callback) {
  if (!d.rewriteHost || this.replaced) return callback(null, data);
  const text = data.toString('latin1');
  const out = text.replace(/(\r\n[Hh]ost: )[^\r\n]+/, (_match, prefix) => {
    this.replaced = true;
    return prefix + this.host;
  });
  callback(null, this.replaced ? Buffer.from(out, 'latin1') : data);
};

const Tunnel = require(d.tunnelPath);
const a = d.assignment;
const tunnel = new Tunnel({ host: d.host, port: d.localPort, local_host: d.localHost, subdomain: a.id });
tunnel._init = (cb) =>
  cb(null, tunnel._getInfo({ id: a.id, ip: a.ip, port: a.port, url: a.url, max_conn_count: a.maxConnections }));

let live = 0;
let lastError = null;
let graceTimer = null;
let isLost = false;
const REQUEST_LINE = /^[A-Z][A-Z-]{0,19} \S+ HTTP\/\d\.\d\r?\n/;

function lost(reason) {
  if (isLost) return;
  isLost = true;
  post({ type: 'lost', reason });
}

tunnel.on('error', (err) => {
  lastError = String((err && err.message) || err);
  if (live === 0) lost(lastError);
});

tunnel.open((err) => {
  if (err) return lost(String(err.message || err));
  tunnel.tunnelCluster.on('open', (remote) => {
    live++;
    // The library asks for keep-alive with the OS default delay (2 h on Linux): far too slow to notice
    // a server that vanished without closing (laptop sleep, NAT timeout).
    remote.setKeepAlive(true, d.keepAliveMs);
    if (graceTimer) clearTimeout(graceTimer);
    graceTimer = null;
    post({ type: 'connections', live });
    remote.on('data', (chunk) => {
      if (REQUEST_LINE.test(chunk.toString('latin1', 0, Math.min(chunk.length, 2100)))) post({ type: 'request' });
    });
    remote.once('close', () => {
      live--;
      post({ type: 'connections', live });
      // The library reopens a dead connection at once; if none is back after a moment, the server is gone.
      if (live === 0 && !graceTimer) {
        graceTimer = setTimeout(() => {
          graceTimer = null;
          if (live === 0) lost(lastError || 'the tunnel server closed every connection');
        }, d.graceMs);
      }
    });
  });
});
`;
