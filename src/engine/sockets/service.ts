import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SwitchboardError } from '../../shared/errors';
import type { WsConnectSettings, WsConnectionState, WsFrame, WsFrameSummary, WsServerState } from '../../shared/model/sockets';
import type { Handlers, Service, ServiceContext } from '../service';
import { checkRules } from './autoReply';
import { FrameBatcher } from './batcher';
import { ClientConnection, validateWsUrl } from './clientConnection';
import { exportLine, toFrame, toSummary } from './frame';
import { DEFAULT_LOG_LIMITS, type FrameLog, type FrameLogLimits } from './frameLog';
import { SavedMessages } from './savedMessages';
import { WsServerInstance } from './server';
import { resolveWsSettings } from './variables';

export interface SocketServiceOptions {
  /** In-memory log caps per connection/server; older frames go to disk. */
  logLimits?: FrameLogLimits;
  /** Workspace variables (global < environment) for {{names}} in URLs and headers; none when absent. */
  variables?: () => Record<string, string>;
}

/** What other services (tunnels) may use: the servers and their bound ports. */
export interface SocketApi {
  listServers(): WsServerState[];
  /** Bound port of a running server, or null. */
  serverPort(id: string): number | null;
  /** Where a running server listens (for the tunnel service), or null. */
  resolveServer(id: string): Promise<{ host: string; port: number } | null>;
}

export interface SocketService extends Service {
  api: SocketApi;
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Spill directories of engines that are gone (crashed) are removed; live ones are left alone. */
function sweepStaleSpills(root: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !pidAlive(pid)) {
      fs.rmSync(path.join(root, name), { recursive: true, force: true });
    }
  }
}

export async function createSocketService(ctx: ServiceContext, options: SocketServiceOptions = {}): Promise<SocketService> {
  const socketsDir = path.join(ctx.dataDir, 'sockets');
  const spillRoot = path.join(socketsDir, 'spill');
  sweepStaleSpills(spillRoot);
  const spillDir = path.join(spillRoot, `${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(spillDir, { recursive: true });
  const spillBase = path.join(spillDir, 'log');
  const logLimits = options.logLimits ?? DEFAULT_LOG_LIMITS;
  const batcher = new FrameBatcher(ctx.emit);
  const saved = new SavedMessages(path.join(socketsDir, 'saved-messages.json'));
  const connections = new Map<string, ClientConnection>();
  const servers = new Map<string, WsServerInstance>();

  const emitNow = (event: Parameters<typeof ctx.emit>[0]) => {
    // Frames queued before a state change are delivered before it.
    batcher.flush();
    ctx.emit(event);
  };

  const connectionDeps = {
    batcher,
    logLimits,
    spillBase,
    defaultMaxPayload: ctx.limits.wsMaxPayload,
    onState: (connection: WsConnectionState) => emitNow({ type: 'ws.connection', connection }),
  };
  const serverDeps = {
    batcher,
    logLimits,
    spillBase,
    defaultMaxPayload: ctx.limits.wsMaxPayload,
    onState: (server: WsServerState) => emitNow({ type: 'wsServer.state', server }),
  };

  const connection = (id: string): ClientConnection => {
    const c = connections.get(id);
    if (!c) throw new SwitchboardError('NOT_FOUND', `No WebSocket connection ${id}.`);
    return c;
  };
  const server = (id: string): WsServerInstance => {
    const s = servers.get(id);
    if (!s) throw new SwitchboardError('NOT_FOUND', `No WebSocket server ${id}.`);
    return s;
  };
  const logOf = (logId: string): FrameLog => {
    const owner = connections.get(logId) ?? servers.get(logId);
    if (!owner) throw new SwitchboardError('NOT_FOUND', `No WebSocket log ${logId}.`);
    return owner.log;
  };
  const rulesOk = (rules: Parameters<typeof checkRules>[0] | undefined) => {
    if (!rules) return;
    try {
      checkRules(rules);
    } catch (err) {
      throw new SwitchboardError('VALIDATION_FAILED', err instanceof Error ? err.message : String(err));
    }
  };

  const resolve = (settings: WsConnectSettings): WsConnectSettings => resolveWsSettings(settings, options.variables?.() ?? {});

  const handlers: Handlers = {
    async 'ws.connect'(settings) {
      const target = resolve(settings);
      validateWsUrl(target.url);
      const c = new ClientConnection(newId('wsc'), settings, connectionDeps, target);
      connections.set(c.id, c);
      return c.connect();
    },
    async 'ws.reconnect'({ id, settings }) {
      const c = connection(id);
      const next = settings ? { ...c.settings, ...settings } : c.settings;
      // Resolved again: the environment may have changed since the last connect.
      const target = resolve(next);
      validateWsUrl(target.url);
      const status = c.snapshot().status;
      if (status !== 'closed') await c.close(1000, 'Reconnecting');
      c.settings = next;
      c.target = target;
      return c.connect();
    },
    async 'ws.list'() {
      return [...connections.values()].map((c) => c.snapshot());
    },
    async 'ws.send'({ id, message }) {
      return connection(id).send(message);
    },
    async 'ws.ping'({ id, data, timeoutMs }) {
      return connection(id).ping(data, timeoutMs);
    },
    async 'ws.close'({ id, code, reason }) {
      return connection(id).close(code, reason);
    },
    async 'ws.remove'({ id }) {
      const c = connection(id);
      connections.delete(id);
      await c.destroy();
      emitNow({ type: 'ws.removed', id });
      return { ok: true as const };
    },

    async 'ws.log.page'(q) {
      const log = logOf(q.logId);
      const { items, total } = await log.page(q);
      const out: Array<WsFrameSummary | WsFrame> = items.map((e) => (q.includeData ? toFrame(q.logId, e) : toSummary(q.logId, e)));
      return { items: out, total, lastSeq: log.lastSeq };
    },
    async 'ws.log.frame'({ logId, seq }) {
      const e = await logOf(logId).get(seq);
      if (!e) throw new SwitchboardError('NOT_FOUND', `Frame ${seq} is not in the log (cleared?).`);
      return toFrame(logId, e);
    },
    async 'ws.log.clear'({ logId }) {
      const log = logOf(logId);
      batcher.forget(logId);
      const removed = await log.clear();
      emitNow({ type: 'ws.log.cleared', logId });
      return { removed };
    },
    async 'ws.log.export'({ path: file, ...filter }) {
      const log = logOf(filter.logId);
      if (!file) {
        const lines: string[] = [];
        const count = await log.forEach(filter, (e) => lines.push(JSON.stringify(exportLine(e))));
        return { count, jsonl: lines.length ? lines.join('\n') + '\n' : '' };
      }
      const out = fs.createWriteStream(file);
      const failed = new Promise<never>((_, reject) => out.on('error', reject));
      try {
        const count = await Promise.race([
          log.forEach(filter, (e) => {
            out.write(JSON.stringify(exportLine(e)) + '\n');
          }),
          failed,
        ]);
        await Promise.race([new Promise<void>((resolve) => out.end(resolve)), failed]);
        return { count, path: file };
      } catch (err) {
        out.destroy();
        throw new SwitchboardError('FILE_WRITE_FAILED', `Could not write ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    },

    async 'ws.saved.list'({ key }) {
      return saved.list(key);
    },
    async 'ws.saved.put'({ key, message }) {
      return saved.put(key, message);
    },
    async 'ws.saved.delete'({ key, id }) {
      return saved.delete(key, id);
    },

    async 'wsServer.start'(settings) {
      rulesOk(settings.rules);
      const s = new WsServerInstance(newId('wss'), settings, serverDeps);
      try {
        await s.start();
      } catch (err) {
        await s.destroy();
        throw err;
      }
      servers.set(s.id, s);
      return s.snapshot();
    },
    async 'wsServer.update'({ id, behaviour }) {
      const s = server(id);
      rulesOk(behaviour.rules);
      s.setBehaviour(behaviour);
      return s.snapshot();
    },
    async 'wsServer.stop'({ id }) {
      const s = server(id);
      await s.stop();
      return s.snapshot();
    },
    async 'wsServer.restart'({ id }) {
      const s = server(id);
      await s.stop();
      await s.start();
      return s.snapshot();
    },
    async 'wsServer.remove'({ id }) {
      const s = server(id);
      servers.delete(id);
      await s.destroy();
      emitNow({ type: 'wsServer.removed', id });
      return { ok: true as const };
    },
    async 'wsServer.list'() {
      return [...servers.values()].map((s) => s.snapshot());
    },
    async 'wsServer.clients'({ id }) {
      return server(id).clients();
    },
    async 'wsServer.send'({ id, clientId, message }) {
      return server(id).send(clientId, message);
    },
    async 'wsServer.kick'({ id, clientId, code, reason }) {
      return server(id).kick(clientId, code, reason);
    },
  };

  return {
    handlers,
    api: {
      listServers: () => [...servers.values()].map((s) => s.snapshot()),
      serverPort: (id) => servers.get(id)?.port ?? null,
      resolveServer: async (id) => {
        const s = servers.get(id);
        const port = s?.port ?? null;
        return s && port !== null ? { host: s.settings.host, port } : null;
      },
    },
    async close() {
      await Promise.all([
        ...[...connections.values()].map((c) => c.destroy()),
        ...[...servers.values()].map((s) => s.destroy()),
      ]);
      connections.clear();
      servers.clear();
      batcher.close();
      fs.rmSync(spillDir, { recursive: true, force: true });
    },
  };
}
