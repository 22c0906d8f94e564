import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { SwitchboardError, type EngineErrorShape } from '../../shared/errors';
import {
  closeCodeMeaning,
  type WsServerBehaviour,
  type WsServerClient,
  type WsServerSettings,
  type WsServerState,
  type WsServerStatus,
  type WsStats,
} from '../../shared/model/sockets';
import { compileRules, type ReplyContext, type ReplyPlan } from './autoReply';
import type { FrameBatcher } from './batcher';
import type { Entry } from './frame';
import { FrameLog, frameCode, type FrameLogLimits } from './frameLog';
import { rawHeaderPairs } from './clientConnection';
import { checkCloseReason, encodeMessage, type ParsedWsMessage } from './payload';
import { classifyWsError, wsStatusCode } from './wsErrors';

/** Closed clients kept in the list (their frames stay in the log regardless). */
const CLOSED_CLIENTS_KEPT = 500;
const CLOSE_WAIT_MS = 3_000;

export interface ServerDeps {
  batcher: FrameBatcher;
  logLimits: FrameLogLimits;
  spillBase: string;
  defaultMaxPayload: number;
  onState(state: WsServerState): void;
}

interface Peer {
  info: WsServerClient;
  /** Batcher key and snapshot, made once: they are on every frame's path. */
  key: string;
  snap: () => WsServerClient;
  ws: WebSocket;
  /** The upgraded TCP socket, corked while frames for it are queued in this tick. */
  socket: Duplex;
  corked: boolean;
  /** This client's number in the server's log. */
  logClient: number;
  /** The batcher epoch in which this peer's counters were last marked changed. */
  epoch: number;
  closeSentByUs: boolean;
  closeWaiters: Array<() => void>;
}

/**
 * Frames sent to a peer within one tick leave in one write: an echo of a pipelined batch is one
 * writev instead of a syscall per message (the syscall was most of a small frame's cost).
 */
function uncorkPeer(peer: Peer): void {
  peer.corked = false;
  peer.socket.uncork();
}

/**
 * permessage-deflate when turned on: without context takeover in both directions. With ws's
 * default (context takeover) every message is compressed whatever its size and each connection
 * keeps two zlib windows: measured 105 vs 7 us of server CPU per 32-byte echo (15x); without
 * takeover, messages under ws's 1 KiB threshold go uncompressed (8.4 us) and zlib state is reset
 * per message. uWebSockets' default shared compressor makes the same trade.
 */
const DEFLATE = { serverNoContextTakeover: true, clientNoContextTakeover: true };

const AS_TEXT = { binary: false } as const;
const AS_BINARY = { binary: true } as const;
const IN_TEXT = frameCode('in', 'text');
const IN_BINARY = frameCode('in', 'binary');
const OUT_TEXT = frameCode('out', 'text');
const OUT_BINARY = frameCode('out', 'binary');

function newStats(): WsStats {
  return { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
}

function listenError(err: NodeJS.ErrnoException, port: number, host: string): SwitchboardError {
  if (err.code === 'EADDRINUSE') {
    return new SwitchboardError('WS_SERVER_PORT_IN_USE', `Port ${port} is taken — pick another or use 0 for a free one.`);
  }
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    return new SwitchboardError('WS_SERVER_LISTEN_FAILED', `The system refused port ${port} (ports below 1024 need privileges); use 0 for a free one.`);
  }
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
    return new SwitchboardError('WS_SERVER_LISTEN_FAILED', `Cannot listen on ${host}: no such local address.`);
  }
  return new SwitchboardError('WS_SERVER_LISTEN_FAILED', `Cannot listen on ${host}:${port}: ${err.message}`);
}

/** One WebSocket server the user started: its listener, its clients, its log, its auto-replies. */
export class WsServerInstance {
  readonly log: FrameLog;
  private http: http.Server | null = null;
  private wss: WebSocketServer | null = null;
  private status: WsServerStatus = 'stopped';
  private boundPort: number | null = null;
  private lastPort: number | null = null;
  private error: EngineErrorShape | null = null;
  private startedAt: number | null = null;
  private stats = newStats();
  private peers = new Map<string, Peer>();
  private closedClients: WsServerClient[] = [];
  private clientsTotal = 0;
  private nextClient = 1;
  /** Null when no rule is enabled, so a message costs no rule context. */
  private reply: ((ctx: ReplyContext) => ReplyPlan | null) | null;
  private removed = false;
  /** Made once: it is handed to the batcher on every frame. */
  private readonly touchState = () => this.changed();

  constructor(
    readonly id: string,
    public settings: WsServerSettings,
    private readonly deps: ServerDeps,
  ) {
    this.log = new FrameLog(id, `${deps.spillBase}-${id}`, deps.logLimits);
    this.reply = settings.rules.some((r) => r.enabled) ? compileRules(settings.rules) : null;
  }

  get name(): string {
    return this.settings.name || `Server :${this.boundPort ?? this.lastPort ?? this.settings.port}${this.settings.path === '/' ? '' : this.settings.path}`;
  }

  get url(): string | null {
    if (this.status !== 'running' || this.boundPort === null) return null;
    const host = this.settings.host.includes(':') ? `[${this.settings.host}]` : this.settings.host;
    const shownHost = host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host;
    return `ws://${shownHost}:${this.boundPort}${this.settings.path}`;
  }

  get port(): number | null {
    return this.boundPort;
  }

  snapshot(): WsServerState {
    return {
      id: this.id,
      name: this.name,
      settings: this.settings,
      status: this.status,
      boundPort: this.boundPort,
      url: this.url,
      error: this.error,
      startedAt: this.startedAt,
      clientsConnected: this.peers.size,
      clientsTotal: this.clientsTotal,
      stats: { ...this.stats },
      lastSeq: this.log.lastSeq,
    };
  }

  clients(): WsServerClient[] {
    return [...[...this.peers.values()].map((p) => this.clientSnapshot(p.info)), ...this.closedClients.slice().reverse()];
  }

  private clientSnapshot(info: WsServerClient): WsServerClient {
    return { ...info, stats: { ...info.stats } };
  }

  private changed(): void {
    if (!this.removed) this.deps.onState(this.snapshot());
  }

  private record(e: Omit<Entry, 'seq'>): number {
    const seq = this.log.appendEntry(e);
    this.deps.batcher.add(this.log, seq);
    return seq;
  }

  private note(text: string, clientId?: string, kind: 'info' | 'error' = 'info', errorCode?: string): void {
    const e: Omit<Entry, 'seq'> = { time: Date.now(), direction: 'none', kind, data: Buffer.from(text) };
    if (clientId !== undefined) e.clientId = clientId;
    if (errorCode !== undefined) e.errorCode = errorCode;
    this.record(e);
  }

  setBehaviour(b: Partial<WsServerBehaviour>): void {
    const next = { ...this.settings, ...b };
    this.reply = next.rules.some((r) => r.enabled) ? compileRules(next.rules) : null;
    this.settings = next;
    this.changed();
  }

  async start(): Promise<void> {
    if (this.status === 'running' || this.status === 'starting') return;
    const s = this.settings;
    this.status = 'starting';
    this.error = null;
    const server = http.createServer((req, res) => {
      // A plain HTTP request (a browser, curl): say what this is instead of hanging.
      const body = `This is a WebSocket server (Switchboard). Connect with a WebSocket client to ${this.url ?? 'this address'}.\n`;
      res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket', Connection: 'Upgrade', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      req.resume();
    });
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: s.maxPayload || this.deps.defaultMaxPayload,
      perMessageDeflate: s.perMessageDeflate ? DEFLATE : false,
      clientTracking: false,
      handleProtocols: (offered: Set<string>) => {
        if (s.protocols.length === 0) return offered.values().next().value ?? false;
        for (const p of s.protocols) if (offered.has(p)) return p;
        return false;
      },
    });
    wss.on('error', () => undefined);
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(wss, req, socket, head));
    server.on('clientError', (_err, socket: Duplex) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    server.on('error', (err) => {
      if (this.status === 'running') {
        this.error = { code: 'WS_SERVER_LISTEN_FAILED', message: err.message };
        this.changed();
      }
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException) => reject(listenError(err, s.port, s.host));
        server.once('error', onError);
        server.listen(s.port, s.host, () => {
          server.off('error', onError);
          resolve();
        });
      });
    } catch (err) {
      this.status = 'error';
      this.error = err instanceof SwitchboardError ? { code: err.code, message: err.message } : { code: 'WS_SERVER_LISTEN_FAILED', message: String(err) };
      this.changed();
      throw err;
    }
    this.http = server;
    this.wss = wss;
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : s.port;
    this.lastPort = this.boundPort;
    this.status = 'running';
    this.startedAt = Date.now();
    this.note(`Listening on ${this.url}`);
    this.changed();
  }

  private onUpgrade(wss: WebSocketServer, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!this.settings.anyPath && path !== this.settings.path) {
      const body = `No WebSocket endpoint at ${path}; this server listens on ${this.settings.path}.\n`;
      socket.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      this.note(`Refused an upgrade for ${path} (404): not the server's path ${this.settings.path}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req, socket));
  }

  private onConnection(ws: WebSocket, req: http.IncomingMessage, socket: Duplex): void {
    const clientId = `c${this.nextClient++}`;
    const headers = rawHeaderPairs(req.rawHeaders);
    const info: WsServerClient = {
      serverId: this.id,
      id: clientId,
      remoteAddress: req.socket.remoteAddress ?? '',
      remotePort: req.socket.remotePort ?? 0,
      url: req.url ?? '/',
      requestHeaders: headers,
      protocol: ws.protocol,
      extensions: ws.extensions,
      connectedAt: Date.now(),
      status: 'open',
      closedAt: null,
      close: null,
      stats: newStats(),
    };
    const peer: Peer = { info, ws, socket, corked: false, logClient: this.log.clientNumber(clientId), epoch: -1, closeSentByUs: false, closeWaiters: [], key: `${this.id}/${clientId}`, snap: () => this.clientSnapshot(info) };
    this.peers.set(clientId, peer);
    this.clientsTotal++;
    this.note(`Client ${clientId} connected from ${info.remoteAddress}:${info.remotePort}${info.protocol ? ` (${info.protocol})` : ''}`, clientId);
    this.deps.batcher.clientChanged(peer.key, peer.snap);
    this.changed();

    const stats = info.stats;
    const serverStats = this.stats;
    const batcher = this.deps.batcher;
    const log = this.log;

    // The hot path: no object, closure or string per frame.
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      stats.messagesIn++;
      stats.bytesIn += data.length;
      serverStats.messagesIn++;
      serverStats.bytesIn += data.length;
      const now = Date.now();
      batcher.add(log, log.appendCoded(now, isBinary ? IN_BINARY : IN_TEXT, data, peer.logClient));
      if (peer.epoch !== batcher.epoch) this.markChanged(peer);
      const reply = this.reply;
      const plan = reply === null ? null : reply({ data, binary: isBinary, clientId, count: stats.messagesIn });
      if (plan) {
        const out = plan.rule.replyFormat === 'hex' ? Buffer.from(plan.text.replace(/[\s:-]/g, ''), 'hex') : Buffer.from(plan.text);
        const binary = plan.rule.replyFormat === 'hex';
        if (plan.rule.delayMs > 0) setTimeout(() => this.sendTo(peer, out, binary), plan.rule.delayMs);
        else this.sendTo(peer, out, binary);
      } else if (this.settings.echo) {
        this.sendTo(peer, data, isBinary, now);
      }
    });
    ws.on('ping', (data: Buffer) => {
      const now = Date.now();
      this.record({ time: now, direction: 'in', kind: 'ping', data, clientId });
      this.record({ time: now, direction: 'out', kind: 'pong', data, clientId });
    });
    ws.on('pong', (data: Buffer) => {
      this.record({ time: Date.now(), direction: 'in', kind: 'pong', data, clientId });
    });
    ws.on('error', (err: Error) => {
      const shape = classifyWsError(err, true);
      const sent = wsStatusCode(err);
      if (sent !== undefined) {
        peer.closeSentByUs = true;
        this.record({ time: Date.now(), direction: 'out', kind: 'close', data: Buffer.alloc(0), closeCode: sent, clientId });
      }
      this.note(`Client ${clientId}: ${shape.message}`, clientId, 'error', shape.code);
    });
    ws.on('close', (code: number, reasonBuf: Buffer) => {
      const wasClean = code !== 1006;
      if (wasClean) this.record({ time: Date.now(), direction: 'in', kind: 'close', data: reasonBuf, closeCode: code, clientId });
      else this.note(`Client ${clientId} dropped without a close frame (1006)`, clientId);
      info.status = 'closed';
      info.closedAt = Date.now();
      info.close = {
        code,
        reason: reasonBuf.toString('utf8'),
        meaning: closeCodeMeaning(code),
        initiatedBy: !wasClean ? 'network' : peer.closeSentByUs ? 'us' : 'peer',
        wasClean,
      };
      this.peers.delete(clientId);
      this.closedClients.push(info);
      if (this.closedClients.length > CLOSED_CLIENTS_KEPT) this.closedClients.splice(0, this.closedClients.length - CLOSED_CLIENTS_KEPT);
      batcher.clientChanged(peer.key, peer.snap);
      for (const resolve of peer.closeWaiters.splice(0)) resolve();
      this.changed();
    });

    if (this.settings.greeting !== null && this.settings.greeting !== '') {
      this.sendTo(peer, Buffer.from(this.settings.greeting), false);
    }
  }

  /** The peer's and the server's counters moved: one client event and one state event per batch. */
  private markChanged(peer: Peer): void {
    const batcher = this.deps.batcher;
    peer.epoch = batcher.epoch;
    batcher.clientChanged(peer.key, peer.snap);
    batcher.touch(this.id, this.touchState);
  }

  /** `now`: an echo passes its message's receive time (it is queued in the same synchronous call). */
  private sendTo(peer: Peer, data: Buffer, binary: boolean, now = Date.now()): boolean {
    if (peer.ws.readyState !== WebSocket.OPEN) return false;
    if (!peer.corked) {
      peer.corked = true;
      peer.socket.cork();
      process.nextTick(uncorkPeer, peer);
    }
    // No callback: write errors surface as 'error' and 'close' on the socket, and callbacks cost.
    peer.ws.send(data, binary ? AS_BINARY : AS_TEXT);
    const stats = peer.info.stats;
    stats.messagesOut++;
    stats.bytesOut += data.length;
    this.stats.messagesOut++;
    this.stats.bytesOut += data.length;
    this.deps.batcher.add(this.log, this.log.appendCoded(now, binary ? OUT_BINARY : OUT_TEXT, data, peer.logClient));
    if (peer.epoch !== this.deps.batcher.epoch) this.markChanged(peer);
    return true;
  }

  async send(clientId: string | undefined, message: ParsedWsMessage): Promise<{ sent: number; size: number }> {
    if (this.status !== 'running') throw new SwitchboardError('WS_SERVER_NOT_RUNNING', 'The server is not running; start it first.');
    const targets: Peer[] = [];
    if (clientId !== undefined) {
      const peer = this.peers.get(clientId);
      if (!peer) {
        const gone = this.closedClients.some((c) => c.id === clientId);
        throw gone
          ? new SwitchboardError('WS_CLIENT_NOT_OPEN', `Client ${clientId} has disconnected.`)
          : new SwitchboardError('NOT_FOUND', `No client ${clientId} on this server.`);
      }
      targets.push(peer);
    } else {
      targets.push(...this.peers.values());
    }
    const { data, binary } = await encodeMessage(message, 2 * 1024 * 1024 * 1024 - 1);
    let sent = 0;
    for (const peer of targets) if (this.sendTo(peer, data, binary)) sent++;
    if (clientId === undefined) this.note(`Broadcast to ${sent} client${sent === 1 ? '' : 's'}`);
    return { sent, size: data.length };
  }

  async kick(clientId: string, code: number, reason: string): Promise<WsServerClient> {
    checkCloseReason(reason);
    const peer = this.peers.get(clientId);
    if (!peer) {
      const gone = this.closedClients.find((c) => c.id === clientId);
      if (gone) return this.clientSnapshot(gone);
      throw new SwitchboardError('NOT_FOUND', `No client ${clientId} on this server.`);
    }
    await this.closePeer(peer, code, reason);
    return this.clientSnapshot(peer.info);
  }

  private async closePeer(peer: Peer, code: number, reason: string): Promise<void> {
    if (peer.info.status === 'closed') return;
    const closed = new Promise<void>((resolve) => peer.closeWaiters.push(resolve));
    if (peer.ws.readyState === WebSocket.OPEN) {
      peer.closeSentByUs = true;
      peer.info.status = 'closing';
      this.record({ time: Date.now(), direction: 'out', kind: 'close', data: Buffer.from(reason), closeCode: code, clientId: peer.info.id });
      peer.ws.close(code, reason);
    }
    const timer = setTimeout(() => peer.ws.terminate(), CLOSE_WAIT_MS);
    await closed;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    if (this.status !== 'running' && this.status !== 'starting') return;
    const server = this.http;
    this.http = null;
    this.wss = null;
    await Promise.all([...this.peers.values()].map((p) => this.closePeer(p, 1001, 'Server stopping')));
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    this.status = 'stopped';
    this.boundPort = null;
    this.note('Stopped');
    this.changed();
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    this.removed = true;
    this.deps.batcher.forget(this.id);
    await this.log.destroy();
  }
}
