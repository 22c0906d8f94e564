import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SwitchboardError } from '../../shared/errors';
import { answer500 } from './answer';
import type { EngineLimits } from '../service';

// One catcher's HTTP server: binding, limits (408/431 come from node:http itself), and a stop that
// lets in-flight captures finish so nothing acknowledged — or being acknowledged — is lost.

// Answers the listener itself wrote on a socket (408 mid-body), so the handler can record them.
const answeredBySocket = new WeakMap<object, number>();

/** The status this catcher's listener (not the handler) answered on `socket`, if any. */
export function listenerAnswer(socket: object): number | null {
  return answeredBySocket.get(socket) ?? null;
}

/**
 * Handles one request and calls `finished` once it is done with it (answered, or given up on). A
 * callback rather than a promise: this runs thousands of times a second and promise jobs showed in
 * profiles. A handler that throws is answered 500 here.
 */
export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse, finished: () => void) => void;

interface InFlight {
  req: http.IncomingMessage;
  /** Its place in `inFlight`; -1 once finished. */
  i: number;
}

export class CatcherListener {
  private server: http.Server | null = null;
  // Requests being handled, in an array with swap-removal: a Set or Map churned thousands of times
  // a second made V8 promote ~2.5 MB per young-generation GC here (scavenges 6-9 ms instead of 1.4).
  private readonly inFlight: InFlight[] = [];
  /** Set while stop() waits for the requests it lets finish. */
  private drained: (() => void) | null = null;

  constructor(
    private readonly limits: EngineLimits,
    private readonly handler: RequestHandler,
  ) {}

  get port(): number | null {
    const addr = this.server?.address();
    return addr && typeof addr === 'object' ? (addr as AddressInfo).port : null;
  }

  async start(host: string, port: number): Promise<number> {
    const headersTimeout = Math.max(1, this.limits.headersTimeoutMs);
    const requestTimeout = Math.max(headersTimeout, this.limits.requestTimeoutMs);
    const server = http.createServer({
      maxHeaderSize: this.limits.maxHeaderSize,
      headersTimeout,
      requestTimeout,
      // node checks the two timeouts on this interval (30 s by default): keep the 408 prompt.
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(headersTimeout / 2))),
      keepAliveTimeout: 5000,
      // Webhook senders are not always polite HTTP/1.1 clients; a missing Host is still a request to see.
      requireHostHeader: false,
    });
    server.on('request', (req, res) => {
      const slot: InFlight = { req, i: this.inFlight.length };
      this.inFlight.push(slot);
      const finished = (): void => {
        if (slot.i < 0) return;
        const last = this.inFlight.pop() as InFlight;
        if (last !== slot) {
          this.inFlight[slot.i] = last;
          last.i = slot.i;
        }
        slot.i = -1;
        if (this.drained && !this.anyReceivedWhole()) this.drained();
      };
      try {
        this.handler(req, res, finished);
      } catch {
        answer500(res);
        finished();
      }
    });
    // Node's own 400/408/431 answers carry no words; these say which limit was hit.
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      // A response of ours already on the wire: nothing more can be said on this socket.
      const started = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
      if (!socket.writable || started || err.code === 'ECONNRESET') {
        socket.destroy();
        return;
      }
      const answer = (status: string, msg: string): void => {
        answeredBySocket.set(socket, Number(status.slice(0, 3)));
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(msg)}\r\n\r\n${msg}`);
      };
      if (err.code === 'HPE_HEADER_OVERFLOW') {
        answer('431 Request Header Fields Too Large', `Request headers exceed this catcher's limit of ${this.limits.maxHeaderSize} bytes.\n`);
      } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
        answer('408 Request Timeout', `The request was not received within the catcher's time limit (headers ${headersTimeout} ms, whole request ${requestTimeout} ms).\n`);
      } else {
        answer('400 Bad Request', `Malformed HTTP request (${err.code ?? err.message}).\n`);
      }
    });
    server.on('connection', (socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        server.off('listening', onListening);
        reject(listenError(err, host, port));
      };
      const onListening = (): void => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen({ port, host });
    });
    server.on('error', () => undefined);
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  private anyReceivedWhole(): boolean {
    for (const { req } of this.inFlight) if (req.complete) return true;
    return false;
  }

  /** Stops accepting, waits (bounded) for requests being captured, then closes every connection. */
  async stop(graceMs = 5000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Requests whose body has fully arrived are being stored and answered: let them finish. The
    // ones still receiving are cut off below (nobody was answered; the handler keeps what arrived as
    // an incomplete capture while the store is still open).
    if (this.anyReceivedWhole()) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        timer = setTimeout(resolve, graceMs);
      });
      this.drained = null;
      clearTimeout(timer);
    }
    server.closeAllConnections();
    await closed;
  }
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): SwitchboardError {
  if (err.code === 'EADDRINUSE') {
    return new SwitchboardError('CATCHER_PORT_IN_USE', `Port ${port} on ${host} is taken by another program. Pick another port, or 0 for a free one.`);
  }
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    return new SwitchboardError('CATCHER_PORT_DENIED', `The system refused port ${port} (ports below 1024 usually need extra rights).`);
  }
  return new SwitchboardError('CATCHER_LISTEN_FAILED', `Could not listen on ${host}:${port}: ${err.message}`, { code: err.code });
}
