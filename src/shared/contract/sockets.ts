import { z } from 'zod';
import { defineCommand } from './define';
import { idSchema } from '../model/common';
import {
  closeSchema,
  wsConnectSettingsSchema,
  wsLogFilterSchema,
  wsMessageSchema,
  wsSavedMessageSchema,
  wsServerBehaviourSchema,
  wsServerSettingsSchema,
  type WsConnectionState,
  type WsFrame,
  type WsFrameSummary,
  type WsSavedMessage,
  type WsServerClient,
  type WsServerState,
} from '../model/sockets';

const pageSchema = wsLogFilterSchema.extend({
  /** Page through with seq cursors; `newest` takes the last `limit` matches instead of the first. */
  afterSeq: z.number().int().min(0).optional(),
  beforeSeq: z.number().int().min(0).optional(),
  newest: z.boolean().default(false),
  limit: z.number().int().min(1).max(10_000).default(500),
  /** Include each frame's whole payload (base64). For the CLI and exports; the UI fetches on demand. */
  includeData: z.boolean().default(false),
});

export const socketCommands = {
  // Client connections
  /** Open a connection; resolves when the first attempt opened or failed (the state says which). */
  'ws.connect': defineCommand<WsConnectionState>()(wsConnectSettingsSchema.strict()),
  /** Open again a closed connection with the same settings (or updated ones), keeping its log. */
  'ws.reconnect': defineCommand<WsConnectionState>()(
    z.object({ id: idSchema, settings: wsConnectSettingsSchema.partial().optional() }).strict(),
  ),
  'ws.list': defineCommand<WsConnectionState[]>()(z.object({}).strict()),
  'ws.send': defineCommand<{ seq: number; size: number }>()(
    z.object({ id: idSchema, message: wsMessageSchema }).strict(),
  ),
  /** Ping and wait for the pong; rejects with WS_PING_TIMEOUT after timeoutMs. */
  'ws.ping': defineCommand<{ rttMs: number }>()(
    z.object({ id: idSchema, data: z.string().max(125).default(''), timeoutMs: z.number().int().min(1).max(120_000).default(10_000) }).strict(),
  ),
  /** Start the closing handshake (also stops a pending reconnect); resolves once closed. */
  'ws.close': defineCommand<WsConnectionState>()(closeSchema.extend({ id: idSchema }).strict()),
  /** Close if needed and forget the connection and its log. */
  'ws.remove': defineCommand<{ ok: true }>()(z.object({ id: idSchema }).strict()),

  // Logs (a connection's id or a server's id)
  'ws.log.page': defineCommand<{ items: Array<WsFrameSummary | WsFrame>; total: number; lastSeq: number }>()(pageSchema.strict()),
  'ws.log.frame': defineCommand<WsFrame>()(z.object({ logId: idSchema, seq: z.number().int().min(1) }).strict()),
  'ws.log.clear': defineCommand<{ removed: number }>()(z.object({ logId: idSchema }).strict()),
  /** JSON lines, one per frame (payload as data or dataBase64); written to `path` when given. */
  'ws.log.export': defineCommand<{ count: number; jsonl?: string; path?: string }>()(
    wsLogFilterSchema.extend({ path: z.string().min(1).max(4096).optional() }).strict(),
  ),

  // Saved-message libraries, keyed by savedLibraryKey(url)
  'ws.saved.list': defineCommand<WsSavedMessage[]>()(z.object({ key: z.string().min(1).max(64 * 1024) }).strict()),
  'ws.saved.put': defineCommand<WsSavedMessage[]>()(
    z.object({ key: z.string().min(1).max(64 * 1024), message: wsSavedMessageSchema }).strict(),
  ),
  'ws.saved.delete': defineCommand<WsSavedMessage[]>()(
    z.object({ key: z.string().min(1).max(64 * 1024), id: z.string().min(1).max(100) }).strict(),
  ),

  // Servers
  'wsServer.start': defineCommand<WsServerState>()(wsServerSettingsSchema.strict()),
  /** Change greeting, echo and rules of a running server (no restart). */
  'wsServer.update': defineCommand<WsServerState>()(
    z.object({ id: idSchema, behaviour: wsServerBehaviourSchema.partial() }).strict(),
  ),
  /** Close every client with 1001 and stop listening; the server and its log stay listed. */
  'wsServer.stop': defineCommand<WsServerState>()(z.object({ id: idSchema }).strict()),
  /** Listen again with the same settings (same port when it was fixed). */
  'wsServer.restart': defineCommand<WsServerState>()(z.object({ id: idSchema }).strict()),
  'wsServer.remove': defineCommand<{ ok: true }>()(z.object({ id: idSchema }).strict()),
  'wsServer.list': defineCommand<WsServerState[]>()(z.object({}).strict()),
  /** Connected clients first, then recently closed ones. */
  'wsServer.clients': defineCommand<WsServerClient[]>()(z.object({ id: idSchema }).strict()),
  /** To one client, or to every open client when clientId is absent. */
  'wsServer.send': defineCommand<{ sent: number; size: number }>()(
    z.object({ id: idSchema, clientId: idSchema.optional(), message: wsMessageSchema }).strict(),
  ),
  'wsServer.kick': defineCommand<WsServerClient>()(
    closeSchema.extend({ id: idSchema, clientId: idSchema }).strict(),
  ),
};

export type SocketEvent =
  | { type: 'ws.connection'; connection: WsConnectionState }
  | { type: 'ws.removed'; id: string }
  /**
   * New log entries, batched (~16 ms). At most the newest 200 of the batch are carried; `skipped`
   * says how many earlier ones were left out (page them in with ws.log.page when needed).
   */
  | { type: 'ws.frames'; logId: string; frames: WsFrameSummary[]; skipped: number; lastSeq: number }
  | { type: 'ws.log.cleared'; logId: string }
  | { type: 'wsServer.state'; server: WsServerState }
  | { type: 'wsServer.removed'; id: string }
  /** A client connected, closed, or its counters moved (coalesced per batch). */
  | { type: 'wsServer.client'; client: WsServerClient };
