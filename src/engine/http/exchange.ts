import http from 'node:http';
import https from 'node:https';
import tls, { type TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { HeaderPairs } from '../../shared/model/common';
import type { TlsInfo } from '../../shared/model/http';
import { SwitchboardError } from '../../shared/errors';
import type { BodySource } from './body';
import type { BlobWriter } from './bodyStore';
import { transportError } from './errors';
import { computeTimings, now, watchSocket, type Marks } from './timings';
import type { Abort } from './abort';

// One request/response on the wire: no redirects, no auth retries (see send.ts for those).

export interface Agents {
  http: http.Agent;
  https: https.Agent;
  httpsInsecure: https.Agent;
}

export function createAgents(): Agents {
  return {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
    httpsInsecure: new https.Agent({ keepAlive: true, rejectUnauthorized: false }),
  };
}

export function destroyAgents(a: Agents): void {
  a.http.destroy();
  a.https.destroy();
  a.httpsInsecure.destroy();
}

/** Errors from a reused keep-alive socket that died before any response: retry once. */
export const staleSocketErrors = new WeakSet<Error>();

export interface ExchangeRequest {
  method: string;
  url: URL;
  /** Exactly what goes on the wire, in this order and case (Host included). */
  headers: HeaderPairs;
  body: BodySource;
  verifyTls: boolean;
  proxy: URL | null;
  /** Aborting destroys the exchange with `signal.reason` (a SwitchboardError). */
  signal: Abort;
}

export interface ExchangeHead {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: HeaderPairs;
  headersSize: number;
  tls: TlsInfo | null;
  remoteAddress: string | null;
  marks: Marks;
  res: http.IncomingMessage;
}

export interface CollectedBody {
  wireSize: number;
  decodedSize: number;
  contentEncoding: string | null;
  decodeError: string | null;
}

function noop(): void {}

function resumer(paused: Set<string>, which: string, res: http.IncomingMessage): () => void {
  return () => {
    paused.delete(which);
    if (paused.size === 0) res.resume();
  };
}

/** First value of a header, by case-insensitive name (res.headers would build a whole object). */
export function headerValue(headers: HeaderPairs, lowerName: string): string | undefined {
  for (const [n, v] of headers) if (n.length === lowerName.length && n.toLowerCase() === lowerName) return v;
  return undefined;
}

function pairs(raw: string[]): HeaderPairs {
  const out: HeaderPairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

function certName(name: unknown): string | null {
  if (!name || typeof name !== 'object') return null;
  const n = name as Record<string, unknown>;
  const cn = n.CN ?? n.O;
  return typeof cn === 'string' ? cn : Array.isArray(cn) ? String(cn[0]) : null;
}

function tlsInfo(socket: TLSSocket): TlsInfo {
  const cert = socket.getPeerCertificate();
  const hasCert = cert && Object.keys(cert).length > 0;
  const authError = socket.authorizationError;
  return {
    protocol: socket.getProtocol() ?? null,
    cipher: socket.getCipher()?.name ?? null,
    authorized: socket.authorized,
    authorizationError: authError ? String(authError) : null,
    subject: hasCert ? certName(cert.subject) : null,
    issuer: hasCert ? certName(cert.issuer) : null,
    validFrom: hasCert ? cert.valid_from : null,
    validTo: hasCert ? cert.valid_to : null,
  };
}

function basicProxyAuth(proxy: URL): string | null {
  if (!proxy.username && !proxy.password) return null;
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(creds).toString('base64')}`;
}

/** Opens a CONNECT tunnel through an HTTP proxy and starts TLS inside it. */
function tunnel(req: ExchangeRequest, marks: Marks): Promise<TLSSocket> {
  const proxy = req.proxy!;
  const target = `${req.url.hostname}:${req.url.port || '443'}`;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: target };
    const auth = basicProxyAuth(proxy);
    if (auth) headers['Proxy-Authorization'] = auth;
    const connectReq = http.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || 80,
      method: 'CONNECT',
      path: target,
      headers,
      agent: false,
    });
    const off = req.signal.on(() => {
      connectReq.destroy(req.signal.reason);
    });
    connectReq.once('connect', (res, socket: Socket) => {
      off();
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(
          new SwitchboardError(
            'HTTP_PROXY_FAILED',
            `The proxy refused to open a tunnel to ${target}: ${res.statusCode} ${res.statusMessage ?? ''}`.trim(),
            { status: res.statusCode },
          ),
        );
        return;
      }
      marks.socket = now();
      const secure = tls.connect({
        socket,
        servername: req.url.hostname,
        rejectUnauthorized: req.verifyTls,
        ALPNProtocols: ['http/1.1'],
      });
      secure.once('secureConnect', () => {
        marks.secure = now();
      });
      resolve(secure);
    });
    connectReq.once('error', (err) => {
      off();
      reject(
        err instanceof SwitchboardError
          ? err
          : new SwitchboardError('HTTP_PROXY_FAILED', `The proxy ${proxy.host} could not be reached: ${err.message}`, {
              cause: (err as NodeJS.ErrnoException).code,
            }),
      );
    });
    connectReq.end();
  });
}

/** Sends the request and resolves when the response head arrives; the body is read by collect/drain. */
export async function exchange(req: ExchangeRequest, agents: Agents): Promise<ExchangeHead> {
  const marks: Marks = { start: now() };
  if (req.signal.aborted) throw req.signal.reason;
  const url = req.url;
  const isHttps = url.protocol === 'https:';
  const hostname = url.hostname;
  const host = hostname.charCodeAt(0) === 0x5b ? hostname.replace(/^\[|\]$/g, '') : hostname; // [v6]
  const portText = url.port;
  const port = portText ? Number(portText) : isHttps ? 443 : 80;
  const pathAndQuery = (url.pathname || '/') + url.search;
  // Node accepts raw header pairs as an array: order and case go out exactly as given.
  // The options are one literal per case: spreading a base object cost more than the rest of this
  // function (CloneObjectIC runtime calls on every send).
  let options: https.RequestOptions;
  if (req.proxy && !isHttps) {
    const headers: HeaderPairs = [...req.headers];
    const auth = basicProxyAuth(req.proxy);
    if (auth) headers.push(['Proxy-Authorization', auth]);
    options = {
      host: req.proxy.hostname.replace(/^\[|\]$/g, ''),
      port: req.proxy.port || 80,
      path: url.href,
      agent: agents.http,
      method: req.method,
      headers: headers as unknown as http.OutgoingHttpHeaders,
      setHost: false,
    };
  } else if (req.proxy && isHttps) {
    const secure = await tunnel(req, marks);
    options = {
      host,
      port,
      path: pathAndQuery,
      createConnection: () => secure,
      agent: undefined,
      method: req.method,
      headers: req.headers as unknown as http.OutgoingHttpHeaders,
      setHost: false,
    };
  } else if (isHttps) {
    options = {
      host,
      port,
      path: pathAndQuery,
      agent: req.verifyTls ? agents.https : agents.httpsInsecure,
      servername: !/^[\d.]+$|:/.test(host) ? host : undefined,
      method: req.method,
      headers: req.headers as unknown as http.OutgoingHttpHeaders,
      setHost: false,
    };
  } else {
    options = {
      host,
      port,
      path: pathAndQuery,
      agent: agents.http,
      method: req.method,
      headers: req.headers as unknown as http.OutgoingHttpHeaders,
      setHost: false,
    };
  }

  return new Promise<ExchangeHead>((resolve, reject) => {
    const mod = isHttps && !(req.proxy && !isHttps) ? https : http;
    // Methods, not `const f = () => …`: the tsx runner used by the bench wraps every named closure
    // in __name() (Object.defineProperty), which costs microseconds per request on this hot path.
    const st = {
      settled: false,
      off: noop,
      fail(err: unknown): void {
        if (st.settled) return;
        st.settled = true;
        st.off();
        const e = transportError(err, req.url, req.proxy !== null);
        // A pooled socket the server closed while idle: safe to try once more on a fresh one.
        if (cr.reusedSocket && e.code === 'HTTP_CONNECTION_RESET') staleSocketErrors.add(e);
        reject(e);
      },
    };
    const cr = mod.request(options);
    st.off = req.signal.on(() => {
      cr.destroy(req.signal.reason);
    });
    // `on`, not `once`: each fires once per ClientRequest anyway, and once() wraps every listener.
    cr.on('error', (err) => st.fail(err));
    cr.on('socket', (socket: Socket) => {
      watchSocket(socket, marks, isHttps && !req.proxy);
    });
    cr.on('finish', () => {
      marks.sent = now();
    });
    cr.on('response', (res) => {
      marks.head = now();
      if (st.settled) {
        res.destroy();
        return;
      }
      st.settled = true;
      st.off();
      const headersOut = pairs(res.rawHeaders);
      // "HTTP/" version " " status " " reason CRLF, the header lines, and the blank line.
      let headersSize = 5 + res.httpVersion.length + 1 + String(res.statusCode).length + 1 + (res.statusMessage ?? '').length + 2 + 2;
      for (const [n, v] of headersOut) headersSize += n.length + v.length + 4;
      const socket = res.socket as Socket | null;
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        httpVersion: res.httpVersion,
        headers: headersOut,
        headersSize,
        tls: socket && 'encrypted' in socket && (socket as TLSSocket).encrypted ? tlsInfo(socket as TLSSocket) : null,
        remoteAddress: socket?.remoteAddress ?? null,
        marks,
        res,
      });
    });
    const body = req.body.open();
    if (Buffer.isBuffer(body)) {
      // end() with an empty buffer would cost a second write (writev) on every bodiless request.
      if (body.length === 0) cr.end();
      else cr.end(body);
    } else {
      (body as Readable).once('error', (err) => {
        cr.destroy(
          new SwitchboardError('FILE_READ_FAILED', `Reading the request body failed: ${err.message}`),
        );
      });
      (body as Readable).pipe(cr);
    }
  });
}

function decoderFor(encoding: string, first: Buffer): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | null {
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(flush);
    case 'deflate':
      // Some servers send raw deflate under this name; a zlib stream starts with 0x78 (mostly).
      return (first[0] ?? 0) === 0x78 ? zlib.createInflate(flush) : zlib.createInflateRaw(flush);
    case 'br':
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      return null;
  }
}

/**
 * Reads the body into `wire` (bytes as received) and, when Content-Encoding is gzip/deflate/br, the
 * decoded bytes into `decoded`. Aborting the signal stops the download with its reason.
 */
export function collect(
  head: ExchangeHead,
  wire: BlobWriter,
  decoded: BlobWriter | null,
  signal: Abort,
  onProgress: ((received: number) => void) | null,
  target: URL,
): Promise<CollectedBody> {
  const res = head.res;
  const encodingHeader = (headerValue(head.headers, 'content-encoding') ?? '').trim().toLowerCase();
  const encoding = encodingHeader && encodingHeader !== 'identity' ? encodingHeader : null;
  return new Promise<CollectedBody>((resolve, reject) => {
    let decoder: ReturnType<typeof decoderFor> = null;
    let decodeError: string | null = null;
    let decoderDone: Promise<void> = Promise.resolve();
    let lastProgress = now();
    const paused = new Set<string>();
    const st = {
      failed: false,
      off: noop,
      resumeWire: resumer(paused, 'wire', res),
      resumeDecoded: resumer(paused, 'decoded', res),
      fail(err: unknown): void {
        if (st.failed) return;
        st.failed = true;
        st.off();
        decoder?.destroy();
        wire.abort();
        decoded?.abort();
        reject(transportError(err, target, false));
      },
    };
    st.off = signal.on(() => {
      st.fail(signal.reason);
      res.destroy();
    });
    res.on('error', (err) => st.fail(err));
    res.on('aborted', () => st.fail(new SwitchboardError('HTTP_CONNECTION_RESET', 'The server closed the connection before the body was complete.')));
    res.on('data', (chunk: Buffer) => {
      if (st.failed) return;
      if (!wire.write(chunk, st.resumeWire)) {
        paused.add('wire');
        res.pause();
      }
      if (encoding && decoded && !decodeError) {
        if (!decoder) {
          decoder = decoderFor(encoding, chunk);
          if (!decoder) {
            decodeError = `Content-Encoding "${encoding}" is not supported; showing the bytes as received.`;
          } else {
            const d = decoder;
            decoderDone = new Promise<void>((done) => {
              d.on('data', (out: Buffer) => {
                if (!decoded.write(out, st.resumeDecoded)) {
                  paused.add('decoded');
                  res.pause();
                }
              });
              d.once('end', done);
              d.once('error', (err) => {
                decodeError = `The ${encoding} body could not be decoded: ${err.message}`;
                done();
              });
            });
          }
        }
        decoder?.write(chunk);
      }
      if (onProgress) {
        const t = now();
        if (t - lastProgress >= 100) {
          lastProgress = t;
          onProgress(wire.bytes);
        }
      }
    });
    res.on('end', () => {
      if (decoder && !decodeError) decoder.end();
      void decoderDone.then(() => {
        if (st.failed) return;
        st.off();
        head.marks.end = now();
        resolve({
          wireSize: wire.bytes,
          decodedSize: decoded && decoder && !decodeError ? decoded.bytes : wire.bytes,
          contentEncoding: decoder && !decodeError ? encoding : null,
          decodeError,
        });
      });
    });
  });
}

/** Bodies up to this size, already complete when the head is handled, are taken in one read(). */
const READ_NOW_MAX = 64 * 1024;

/**
 * The body when it has already arrived whole (a small response comes in the packets of its head,
 * so node has buffered it by the time we look): taken with read() instead of switching the stream
 * to flowing mode with four listeners (collect). Resolves at 'end', which is when node hands the
 * keep-alive socket back to the pool (resolving sooner made the next send open a new connection).
 * Null otherwise: then collect(). Only for bodies kept as they are (no decoding, no progress).
 */
export function collectNow(
  head: ExchangeHead,
  wire: BlobWriter,
  decoded: BlobWriter | null,
  signal: Abort,
  onProgress: ((received: number) => void) | null,
): Promise<CollectedBody> | null {
  const res = head.res;
  if (decoded || onProgress || !res.complete || res.destroyed || res.readableLength > READ_NOW_MAX) return null;
  for (let chunk = res.read() as Buffer | null; chunk !== null; chunk = res.read() as Buffer | null) wire.write(chunk, noop);
  const got: CollectedBody = { wireSize: wire.bytes, decodedSize: wire.bytes, contentEncoding: null, decodeError: null };
  return new Promise<CollectedBody>((resolve, reject) => {
    const off = signal.on(() => {
      reject(signal.reason);
      res.destroy();
    });
    // Nothing should fail after a complete message, but an 'error' without a listener would throw.
    res.on('error', noop);
    res.on('end', () => {
      off();
      head.marks.end = now();
      resolve(got);
    });
  });
}

/** Reads and drops a body we do not keep (redirect, challenge), so the socket can be reused. */
export function drain(head: ExchangeHead, signal: Abort, target: URL): Promise<void> {
  const res = head.res;
  return new Promise<void>((resolve, reject) => {
    const off = signal.on(() => {
      reject(signal.reason);
      res.destroy();
    });
    res.once('end', () => {
      off();
      head.marks.end = now();
      resolve();
    });
    res.once('error', (err) => {
      off();
      reject(transportError(err, target, false));
    });
    res.resume();
  });
}

export { computeTimings };
