import type { ClientRequest, IncomingMessage } from 'node:http';
import { WebSocket, type ClientOptions } from 'ws';
import { SwitchboardError, type EngineErrorShape } from '../../shared/errors';
import type { HeaderPairs } from '../../shared/model/common';
import {
  closeCodeMeaning,
  type WsCloseInfo,
  type WsConnectSettings,
  type WsConnectionState,
  type WsConnectionStatus,
  type WsHandshake,
  type WsStats,
} from '../../shared/model/sockets';
import type { FrameBatcher } from './batcher';
import type { Entry } from './frame';
import { FrameLog, frameCode, type FrameLogLimits } from './frameLog';
import { checkCloseReason, encodeMessage, type ParsedWsMessage } from './payload';
import { classifyWsError, wsStatusCode } from './wsErrors';

const FAILED_BODY_LIMIT = 64 * 1024;
/** How long we wait for the peer's close frame before dropping the TCP connection ourselves. */
const CLOSE_WAIT_MS = 5_000;
const IN_TEXT = frameCode('in', 'text');
const IN_BINARY = frameCode('in', 'binary');

export interface ConnectionDeps {
  batcher: FrameBatcher;
  logLimits: FrameLogLimits;
  spillBase: string;
  defaultMaxPayload: number;
  onState(state: WsConnectionState): void;
}

interface PendingPing {
  payload: Buffer;
  start: number;
  resolve(rtt: number): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export function rawHeaderPairs(raw: string[]): HeaderPairs {
  const pairs: HeaderPairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

/** Splits Node's serialised request head (`req._header`) into its request line and header pairs. */
export function parseRequestHead(head: string): { line: string; headers: HeaderPairs } {
  const lines = head.split('\r\n');
  const headers: HeaderPairs = [];
  for (const l of lines.slice(1)) {
    if (!l) continue;
    const i = l.indexOf(':');
    if (i > 0) headers.push([l.slice(0, i), l.slice(i + 1).trim()]);
  }
  return { line: lines[0] ?? '', headers };
}

function headerValue(pairs: HeaderPairs, name: string): string {
  const lower = name.toLowerCase();
  return pairs.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v).join(', ');
}

/** Header pairs to the object ws/node:http take, keeping the first spelling and every value. */
function headersObject(pairs: HeaderPairs): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const spelling = new Map<string, string>();
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    const key = spelling.get(lower);
    if (key === undefined) {
      spelling.set(lower, name);
      out[name] = value;
    } else {
      const prev = out[key]!;
      out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }
  return out;
}

export function validateWsUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SwitchboardError('WS_INVALID_URL', `"${url}" is not a URL; try ws://localhost:8080/path.`);
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol)) {
    throw new SwitchboardError('WS_INVALID_URL', `${parsed.protocol} URLs cannot carry a WebSocket; use ws:// or wss://.`);
  }
  if (parsed.hash) {
    throw new SwitchboardError('WS_INVALID_URL', 'WebSocket URLs may not have a #fragment.');
  }
  return parsed;
}

function newStats(): WsStats {
  return { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
}

/** One client connection (a tab): its socket across reconnects, its handshake, its log. */
export class ClientConnection {
  readonly log: FrameLog;
  private ws: WebSocket | null = null;
  private status: WsConnectionStatus = 'closed';
  private handshake: WsHandshake | null = null;
  private error: EngineErrorShape | null = null;
  private closeInfo: WsCloseInfo | null = null;
  private reconnectInfo: WsConnectionState['reconnect'] = null;
  private openedAt: number | null = null;
  private closedAt: number | null = null;
  private readonly createdAt = Date.now();
  private stats = newStats();
  private lastRttMs: number | null = null;
  private attempt = 0;
  private userClosing = false;
  private closeSentByUs = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pings: PendingPing[] = [];
  private outcomeWaiters: Array<() => void> = [];
  private closeWaiters: Array<() => void> = [];
  private removed = false;
  /** Made once: it is handed to the batcher on every frame. */
  private readonly touchState = () => this.changed();
  /** The batcher epoch in which touchState was last queued. */
  private touchedEpoch = -1;

  constructor(
    readonly id: string,
    public settings: WsConnectSettings,
    private readonly deps: ConnectionDeps,
    /** The settings with {{variables}} resolved: what is actually connected to (settings stay as written). */
    public target: WsConnectSettings = settings,
  ) {
    this.log = new FrameLog(id, `${deps.spillBase}-${id}`, deps.logLimits);
  }

  get name(): string {
    if (this.settings.name) return this.settings.name;
    try {
      const u = new URL(this.settings.url);
      return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
    } catch {
      return this.settings.url;
    }
  }

  snapshot(): WsConnectionState {
    return {
      id: this.id,
      name: this.name,
      settings: this.settings,
      status: this.status,
      handshake: this.handshake,
      error: this.error,
      close: this.closeInfo,
      reconnect: this.reconnectInfo,
      openedAt: this.openedAt,
      closedAt: this.closedAt,
      createdAt: this.createdAt,
      stats: { ...this.stats },
      lastRttMs: this.lastRttMs,
      lastSeq: this.log.lastSeq,
    };
  }

  private changed(): void {
    if (!this.removed) this.deps.onState(this.snapshot());
  }

  private record(e: Omit<Entry, 'seq'>): number {
    const seq = this.log.appendEntry(e);
    this.deps.batcher.add(this.log, seq);
    return seq;
  }

  private note(text: string, kind: 'info' | 'error' = 'info', errorCode?: string): void {
    const e: Omit<Entry, 'seq'> = { time: Date.now(), direction: 'none', kind, data: Buffer.from(text) };
    if (errorCode) e.errorCode = errorCode;
    this.record(e);
  }

  /** Starts connecting; resolves when this attempt opened or failed (see the state). */
  async connect(): Promise<WsConnectionState> {
    this.userClosing = false;
    this.attempt = 0;
    const outcome = new Promise<void>((resolve) => this.outcomeWaiters.push(resolve));
    this.startAttempt();
    await outcome;
    return this.snapshot();
  }

  private settleOutcome(): void {
    for (const resolve of this.outcomeWaiters.splice(0)) resolve();
  }

  private startAttempt(): void {
    this.reconnectTimer = null;
    this.reconnectInfo = null;
    const s = this.target;
    const started = Date.now();
    this.status = 'connecting';
    this.error = null;
    this.closeSentByUs = false;
    this.handshake = {
      url: s.url,
      requestLine: '',
      requestHeaders: [],
      status: null,
      statusText: '',
      responseHeaders: [],
      protocol: '',
      extensions: '',
      failedBody: null,
      durationMs: null,
    };
    const handshake = this.handshake;
    const options: ClientOptions = {
      // @types/ws says string values only; ws hands headers to node:http, which takes arrays too.
      headers: headersObject(s.headers) as Record<string, string>,
      perMessageDeflate: s.perMessageDeflate,
      handshakeTimeout: s.handshakeTimeoutMs,
      maxPayload: s.maxPayload || this.deps.defaultMaxPayload,
      followRedirects: s.followRedirects,
      maxRedirects: 10,
      rejectUnauthorized: !s.insecure,
      finishRequest: (req: ClientRequest) => {
        req.end();
        // `_header` is Node's serialised head: the exact bytes sent, Host included.
        const head = (req as unknown as { _header?: unknown })._header;
        if (typeof head === 'string') {
          const { line, headers } = parseRequestHead(head);
          handshake.requestLine = line;
          handshake.requestHeaders = headers;
        }
      },
    };
    this.note(`Connecting to ${s.url}${this.attempt ? ` (attempt ${this.attempt + 1})` : ''}`);
    this.changed();

    let ws: WebSocket;
    try {
      ws = new WebSocket(s.url, s.protocols, options);
    } catch (err) {
      this.error = { code: 'WS_INVALID_URL', message: err instanceof Error ? err.message : String(err) };
      this.note(this.error.message, 'error', this.error.code);
      this.status = 'closed';
      this.closedAt = Date.now();
      this.changed();
      this.settleOutcome();
      return;
    }
    this.ws = ws;
    let opened = false;
    let failureKnown = false;

    ws.on('redirect', (url: string) => {
      handshake.url = url;
      this.note(`Redirected to ${url}`);
    });
    ws.on('upgrade', (res: IncomingMessage) => {
      handshake.status = res.statusCode ?? null;
      handshake.statusText = res.statusMessage ?? '';
      handshake.responseHeaders = rawHeaderPairs(res.rawHeaders);
      handshake.durationMs = Date.now() - started;
    });
    ws.on('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
      handshake.status = res.statusCode ?? null;
      handshake.statusText = res.statusMessage ?? '';
      handshake.responseHeaders = rawHeaderPairs(res.rawHeaders);
      handshake.durationMs = Date.now() - started;
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        const all = Buffer.concat(chunks);
        const kept = all.subarray(0, FAILED_BODY_LIMIT);
        handshake.failedBody = { text: kept.toString('utf8'), base64: kept.toString('base64'), size, truncated: size > kept.length };
        failureKnown = true;
        this.error = {
          code: 'WS_HANDSHAKE_FAILED',
          message: `The server answered ${res.statusCode} ${res.statusMessage ?? ''} instead of 101 Switching Protocols.`.replace(/ +/g, ' '),
          detail: { status: res.statusCode, body: kept.toString('utf8').slice(0, 4096) },
        };
        this.note(this.error.message, 'error', this.error.code);
        res.destroy();
        ws.terminate();
      };
      // A server that never ends its error body must not hold the attempt open.
      const timer = setTimeout(finish, 5_000);
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= FAILED_BODY_LIMIT + chunk.length) chunks.push(chunk);
        if (size > FAILED_BODY_LIMIT) finish();
      });
      res.on('end', finish);
      res.on('error', finish);
      res.on('close', finish);
    });
    ws.on('open', () => {
      opened = true;
      this.attempt = 0;
      this.status = 'open';
      this.openedAt = Date.now();
      this.closedAt = null;
      this.closeInfo = null;
      handshake.protocol = ws.protocol;
      handshake.extensions = headerValue(handshake.responseHeaders, 'sec-websocket-extensions');
      if (handshake.durationMs === null) handshake.durationMs = Date.now() - started;
      this.note(
        `Connected${handshake.protocol ? `, subprotocol ${handshake.protocol}` : ''}${handshake.extensions ? `, ${handshake.extensions}` : ''}`,
      );
      this.changed();
      this.settleOutcome();
    });
    const batcher = this.deps.batcher;
    const log = this.log;
    const stats = this.stats;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      stats.messagesIn++;
      stats.bytesIn += data.length;
      // The hot path: no object per frame, and the state touched once per batch.
      batcher.add(log, log.appendCoded(Date.now(), isBinary ? IN_BINARY : IN_TEXT, data, -1));
      if (this.touchedEpoch !== batcher.epoch) {
        this.touchedEpoch = batcher.epoch;
        batcher.touch(this.id, this.touchState);
      }
    });
    ws.on('ping', (data: Buffer) => {
      const now = Date.now();
      this.record({ time: now, direction: 'in', kind: 'ping', data });
      // ws answers pings itself (autoPong); the log shows that answer too.
      this.record({ time: now, direction: 'out', kind: 'pong', data });
    });
    ws.on('pong', (data: Buffer) => {
      const e: Omit<Entry, 'seq'> = { time: Date.now(), direction: 'in', kind: 'pong', data };
      let i = this.pings.findIndex((p) => p.payload.equals(data));
      if (i === -1 && this.pings.length > 0) i = 0;
      if (i !== -1) {
        const p = this.pings.splice(i, 1)[0]!;
        const rtt = Math.round((performance.now() - p.start) * 100) / 100;
        clearTimeout(p.timer);
        this.lastRttMs = rtt;
        e.rttMs = rtt;
        p.resolve(rtt);
      }
      this.record(e);
      if (e.rttMs !== undefined) this.changed();
    });
    ws.on('error', (err: Error) => {
      const shape = classifyWsError(err, opened);
      const sentCode = wsStatusCode(err);
      if (opened && sentCode !== undefined) {
        // ws closed the connection itself because the peer broke the protocol.
        this.closeSentByUs = true;
        this.record({ time: Date.now(), direction: 'out', kind: 'close', data: Buffer.alloc(0), closeCode: sentCode });
      }
      if (failureKnown) return;
      if (this.userClosing && !opened) return;
      this.error = shape;
      this.note(shape.message, 'error', shape.code);
    });
    ws.on('close', (code: number, reasonBuf: Buffer) => {
      if (this.ws === ws) this.ws = null;
      const reason = reasonBuf.toString('utf8');
      const wasClean = code !== 1006;
      if (opened) {
        if (wasClean) {
          this.record({ time: Date.now(), direction: 'in', kind: 'close', data: reasonBuf, closeCode: code });
        } else {
          this.note('The connection dropped without a close frame (1006).');
        }
        this.closeInfo = {
          code,
          reason,
          meaning: closeCodeMeaning(code),
          initiatedBy: !wasClean ? 'network' : this.closeSentByUs ? 'us' : 'peer',
          wasClean,
        };
      }
      this.status = 'closed';
      this.closedAt = Date.now();
      for (const p of this.pings.splice(0)) {
        clearTimeout(p.timer);
        p.reject(new SwitchboardError('WS_NOT_OPEN', 'The connection closed before the pong arrived.'));
      }
      if (!this.userClosing && !this.removed) this.maybeScheduleReconnect();
      this.changed();
      this.settleOutcome();
      for (const resolve of this.closeWaiters.splice(0)) resolve();
    });
  }

  private maybeScheduleReconnect(): void {
    const r = this.settings.reconnect;
    if (!r.enabled || this.attempt >= r.attempts) return;
    this.attempt++;
    const delay = Math.min(30_000, r.intervalMs * 2 ** (this.attempt - 1));
    this.status = 'reconnecting';
    this.reconnectInfo = { attempt: this.attempt, max: r.attempts, nextAt: Date.now() + delay };
    this.note(`Reconnecting in ${delay} ms (attempt ${this.attempt} of ${r.attempts})`);
    this.reconnectTimer = setTimeout(() => this.startAttempt(), delay);
  }

  private openSocket(): WebSocket {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || this.status !== 'open') {
      throw new SwitchboardError('WS_NOT_OPEN', `The connection is ${this.status}; connect first.`);
    }
    return ws;
  }

  async send(message: ParsedWsMessage): Promise<{ seq: number; size: number }> {
    this.openSocket();
    const maxFile = 2 * 1024 * 1024 * 1024 - 1;
    const { data, binary } = await encodeMessage(message, maxFile);
    const ws = this.openSocket();
    ws.send(data, { binary });
    this.stats.messagesOut++;
    this.stats.bytesOut += data.length;
    const seq = this.record({ time: Date.now(), direction: 'out', kind: binary ? 'binary' : 'text', data });
    this.deps.batcher.touch(this.id, this.touchState);
    return { seq, size: data.length };
  }

  ping(data: string, timeoutMs: number): Promise<{ rttMs: number }> {
    const ws = this.openSocket();
    const payload = Buffer.from(data, 'utf8');
    if (payload.length > 125) throw new SwitchboardError('WS_INVALID_PAYLOAD', 'Ping data is limited to 125 bytes.');
    return new Promise((resolve, reject) => {
      const p: PendingPing = {
        payload,
        start: performance.now(),
        resolve: (rttMs) => resolve({ rttMs }),
        reject,
        timer: setTimeout(() => {
          this.pings = this.pings.filter((x) => x !== p);
          reject(new SwitchboardError('WS_PING_TIMEOUT', `No pong within ${timeoutMs} ms.`));
        }, timeoutMs),
      };
      this.pings.push(p);
      this.record({ time: Date.now(), direction: 'out', kind: 'ping', data: payload });
      ws.ping(payload);
    });
  }

  async close(code: number, reason: string): Promise<WsConnectionState> {
    checkCloseReason(reason);
    this.userClosing = true;
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.reconnectInfo = null;
      this.status = 'closed';
      this.note('Reconnect cancelled');
      this.changed();
      return this.snapshot();
    }
    const ws = this.ws;
    if (!ws) return this.snapshot();
    const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (ws.readyState === WebSocket.CONNECTING) {
      this.note('Connection attempt cancelled');
      ws.terminate();
    } else if (ws.readyState === WebSocket.OPEN) {
      this.closeSentByUs = true;
      this.status = 'closing';
      this.record({ time: Date.now(), direction: 'out', kind: 'close', data: Buffer.from(reason), closeCode: code });
      ws.close(code, reason);
      this.changed();
    }
    const timer = setTimeout(() => ws.terminate(), CLOSE_WAIT_MS);
    await closed;
    clearTimeout(timer);
    return this.snapshot();
  }

  /** Close and forget (used by ws.remove and engine close). */
  async destroy(): Promise<void> {
    if (this.ws || this.reconnectTimer) await this.close(1001, 'Going away').catch(() => undefined);
    this.removed = true;
    this.deps.batcher.forget(this.id);
    await this.log.destroy();
  }
}
