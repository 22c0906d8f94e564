import { z } from 'zod';
import { headerPairs, idSchema, type HeaderPairs } from './common';
import type { EngineErrorShape } from '../errors';

// WebSocket client connections and servers (issue 4). A "log" belongs to one client connection or
// one server (its id is the log id); frames are numbered by `seq` within their log. Events carry
// small summaries with a preview; full payloads are fetched on demand with `ws.log.frame`.

export const DEFAULT_WS_MAX_PAYLOAD = 16 * 1024 * 1024;
/** Characters of payload text (or hex digits of binary) carried in a frame summary. */
export const WS_PREVIEW_CHARS = 256;

// ── Messages the user sends ────────────────────────────────────────────────────────────────────

/**
 * What to send. `text` and `json` go out as text frames (json is validated first); `hex` and
 * `base64` go out as binary; `file` sends a file's bytes (binary unless `asText`).
 */
export const wsMessageSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('text'), data: z.string().max(256 * 1024 * 1024) }),
  z.object({ format: z.literal('json'), data: z.string().max(256 * 1024 * 1024) }),
  z.object({ format: z.literal('hex'), data: z.string().max(512 * 1024 * 1024) }),
  z.object({ format: z.literal('base64'), data: z.string().max(512 * 1024 * 1024) }),
  z.object({ format: z.literal('file'), path: z.string().min(1).max(4096), asText: z.boolean().default(false) }),
]);
export type WsMessage = z.input<typeof wsMessageSchema>;
export type WsMessageFormat = WsMessage['format'];

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** Hex with any whitespace, `0x` prefixes, `:` or `-` separators removed ("de ad:be-ef"). */
export function normalizeHex(text: string): string {
  return text.replace(/0x/gi, '').replace(/[\s:,-]/g, '');
}

/**
 * Why `data` cannot be sent in `format`, or null when it can. Pure, so the composer shows the same
 * verdict the engine would give.
 */
export function validateWsMessage(format: WsMessageFormat, data: string): string | null {
  if (format === 'json') {
    try {
      JSON.parse(data);
      return null;
    } catch (err) {
      return `Not valid JSON: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  if (format === 'hex') {
    const hex = normalizeHex(data);
    if (!HEX_RE.test(hex)) {
      return hex.length % 2 === 1 ? 'Hex needs an even number of digits.' : 'Hex may only hold 0-9, a-f (spaces, : and - are ignored).';
    }
    return null;
  }
  if (format === 'base64') {
    const b64 = data.replace(/\s/g, '').replace(/-/g, '+').replace(/_/g, '/');
    if (!BASE64_RE.test(b64)) return 'Not valid base64.';
    return null;
  }
  return null;
}

// ── Close codes ────────────────────────────────────────────────────────────────────────────────

const CLOSE_MEANINGS: Record<number, string> = {
  1000: 'Normal closure',
  1001: 'Going away',
  1002: 'Protocol error',
  1003: 'Unsupported data',
  1004: 'Reserved',
  1005: 'No status received',
  1006: 'Abnormal closure (no close frame)',
  1007: 'Invalid frame payload data (e.g. invalid UTF-8)',
  1008: 'Policy violation',
  1009: 'Message too big',
  1010: 'Mandatory extension missing',
  1011: 'Internal server error',
  1012: 'Service restart',
  1013: 'Try again later',
  1014: 'Bad gateway',
  1015: 'TLS handshake failed',
};

/** Words for a close code, as RFC 6455 §7.4 and the IANA registry give them. */
export function closeCodeMeaning(code: number): string {
  const known = CLOSE_MEANINGS[code];
  if (known) return known;
  if (code >= 4000 && code <= 4999) return 'Application-defined (private use)';
  if (code >= 3000 && code <= 3999) return 'Registered by a library or framework';
  if (code >= 1016 && code <= 2999) return 'Reserved for the WebSocket protocol';
  return 'Invalid close code';
}

/** Codes an endpoint may put in a close frame it sends (RFC 6455 §7.4.1, §7.4.2). */
export function isSendableCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

export const closeSchema = z.object({
  code: z
    .number()
    .int()
    .refine(isSendableCloseCode, { message: 'Close code must be 1000–1003, 1007–1014 or 3000–4999.' })
    .default(1000),
  /** At most 123 bytes of UTF-8 once encoded (checked by the engine). */
  reason: z.string().max(123).default(''),
});

// ── Frames (the log) ───────────────────────────────────────────────────────────────────────────

export type WsOpcode = 'text' | 'binary' | 'ping' | 'pong' | 'close';
/** `info` entries are the log's own notes: connected, reconnecting, errors, kicked, … */
export type WsEntryKind = WsOpcode | 'info' | 'error';
export type WsDirection = 'in' | 'out' | 'none';

/** One log entry as it crosses a door: small, payload cut to a preview. */
export interface WsFrameSummary {
  logId: string;
  seq: number;
  /** Epoch milliseconds. */
  time: number;
  direction: WsDirection;
  kind: WsEntryKind;
  /** Payload bytes (before any preview cut). */
  size: number;
  /** Text (text frames, close reasons, notes) or lowercase hex (binary, ping, pong), cut to WS_PREVIEW_CHARS. */
  preview: string;
  /** The preview is shorter than the payload. */
  truncated: boolean;
  /** Server logs: which client. */
  clientId?: string;
  /** Pong answering one of our pings. */
  rttMs?: number;
  closeCode?: number;
  /** Set on error entries. */
  errorCode?: string;
}

/** A frame with its whole payload (`ws.log.frame`, `ws.log.page` with includeData). */
export interface WsFrame extends WsFrameSummary {
  /** The payload bytes, base64. */
  dataBase64: string;
}

export const wsLogFilterSchema = z.object({
  logId: idSchema,
  /** Server logs: only this client's frames. */
  clientId: idSchema.optional(),
  /** Case-insensitive substring over the payload text (and hex for binary). */
  text: z.string().max(10_000).optional(),
  directions: z.array(z.enum(['in', 'out', 'none'])).max(3).optional(),
  kinds: z.array(z.enum(['text', 'binary', 'ping', 'pong', 'close', 'info', 'error'])).max(7).optional(),
});
export type WsLogFilter = z.infer<typeof wsLogFilterSchema>;

// ── Client connections ────────────────────────────────────────────────────────────────────────

export const wsConnectSettingsSchema = z.object({
  url: z.string().min(1).max(64 * 1024),
  /** Tab title; defaults to the URL's host and path. */
  name: z.string().max(200).optional(),
  headers: headerPairs.default([]),
  protocols: z.array(z.string().min(1).max(1024)).max(64).default([]),
  perMessageDeflate: z.boolean().default(true),
  handshakeTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  /** Largest message accepted from the peer (decompressed); 0 uses the engine's limit. */
  maxPayload: z.number().int().min(0).max(2 * 1024 * 1024 * 1024).default(0),
  /** Skip TLS certificate checks (wss:// to self-signed servers). */
  insecure: z.boolean().default(false),
  followRedirects: z.boolean().default(true),
  reconnect: z
    .object({
      enabled: z.boolean().default(false),
      /** Attempts after each unexpected close. */
      attempts: z.number().int().min(1).max(1000).default(5),
      /** First delay; doubles each attempt, capped at 30 s. */
      intervalMs: z.number().int().min(50).max(600_000).default(1000),
    })
    .default({ enabled: false, attempts: 5, intervalMs: 1000 }),
});
export type WsConnectSettings = z.infer<typeof wsConnectSettingsSchema>;
export type WsConnectInput = z.input<typeof wsConnectSettingsSchema>;

export interface WsHandshake {
  /** The URL actually requested (after redirects). */
  url: string;
  /** e.g. `GET /chat?room=1 HTTP/1.1`, exactly as sent ('' until sent). */
  requestLine: string;
  /** Request headers exactly as sent, Host and Sec-WebSocket-* included. */
  requestHeaders: HeaderPairs;
  status: number | null;
  statusText: string;
  responseHeaders: HeaderPairs;
  /** Negotiated subprotocol ('' when none). */
  protocol: string;
  /** Negotiated extensions, as in Sec-WebSocket-Extensions ('' when none). */
  extensions: string;
  /** When the upgrade was refused: the body the server answered (first 64 KiB). */
  failedBody: { text: string; base64: string; size: number; truncated: boolean } | null;
  durationMs: number | null;
}

export type WsConnectionStatus = 'connecting' | 'open' | 'closing' | 'closed' | 'reconnecting';

export interface WsCloseInfo {
  code: number;
  reason: string;
  meaning: string;
  /** Who started the closing handshake (or 'network' when the TCP connection just dropped). */
  initiatedBy: 'us' | 'peer' | 'network';
  wasClean: boolean;
}

export interface WsStats {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
}

export interface WsConnectionState {
  id: string;
  name: string;
  settings: WsConnectSettings;
  status: WsConnectionStatus;
  handshake: WsHandshake | null;
  /** Why the last attempt failed or the connection broke. */
  error: EngineErrorShape | null;
  close: WsCloseInfo | null;
  /** While reconnecting: attempt n of max, next try at (epoch ms). */
  reconnect: { attempt: number; max: number; nextAt: number } | null;
  openedAt: number | null;
  closedAt: number | null;
  createdAt: number;
  stats: WsStats;
  lastRttMs: number | null;
  /** Highest seq in the connection's log (0 when empty). */
  lastSeq: number;
}

// ── Servers ────────────────────────────────────────────────────────────────────────────────────

export const wsReplyMatchSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('any') }),
  z.object({ type: z.literal('equals'), text: z.string().max(1024 * 1024) }),
  z.object({ type: z.literal('contains'), text: z.string().max(1024 * 1024) }),
  z.object({ type: z.literal('regex'), pattern: z.string().max(10_000), flags: z.string().regex(/^[imsu]*$/).default('') }),
  /** Message is JSON and the value at `path` (dot path, e.g. `type` or `data.items.0.id`) … */
  z.object({
    type: z.literal('jsonField'),
    path: z.string().min(1).max(1000),
    /** … equals this (compared as text); absent: the field just exists. */
    equals: z.string().max(1024 * 1024).optional(),
  }),
]);
export type WsReplyMatch = z.infer<typeof wsReplyMatchSchema>;

export const wsReplyRuleSchema = z.object({
  id: z.string().min(1).max(100),
  enabled: z.boolean().default(true),
  match: wsReplyMatchSchema,
  /**
   * Reply template. Placeholders: {{message}}, {{json.path}}, {{$1}}…{{$9}} (regex groups),
   * {{clientId}}, {{now}} (ISO time), {{timestamp}} (epoch ms), {{count}} (messages from client).
   */
  reply: z.string().max(1024 * 1024),
  /** Send the reply as text or as binary (template result read as hex). */
  replyFormat: z.enum(['text', 'hex']).default('text'),
  delayMs: z.number().int().min(0).max(60_000).default(0),
});
export type WsReplyRule = z.infer<typeof wsReplyRuleSchema>;
export type WsReplyRuleInput = z.input<typeof wsReplyRuleSchema>;

export const wsServerBehaviourSchema = z.object({
  /** Echo every message back to its sender (when no rule matched). */
  echo: z.boolean().default(false),
  /** Sent to each client as it connects; null for none. */
  greeting: z.string().max(1024 * 1024).nullable().default(null),
  /** First enabled rule that matches answers; rules run before echo. */
  rules: z.array(wsReplyRuleSchema).max(200).default([]),
});
export type WsServerBehaviour = z.infer<typeof wsServerBehaviourSchema>;

export const wsServerSettingsSchema = wsServerBehaviourSchema.extend({
  name: z.string().max(200).optional(),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).max(255).default('127.0.0.1'),
  /** Upgrades must ask for exactly this path (query ignored); others get 404 unless anyPath. */
  path: z.string().min(1).max(2048).regex(/^\//, 'Path must start with /').default('/'),
  /** Accept upgrades on any path. */
  anyPath: z.boolean().default(false),
  /** Subprotocols we accept, in preference order; empty accepts the client's first offer. */
  protocols: z.array(z.string().min(1).max(1024)).max(64).default([]),
  perMessageDeflate: z.boolean().default(false),
  /** Largest message accepted (decompressed); 0 uses the engine's limit. */
  maxPayload: z.number().int().min(0).max(2 * 1024 * 1024 * 1024).default(0),
});
export type WsServerSettings = z.infer<typeof wsServerSettingsSchema>;
export type WsServerSettingsInput = z.input<typeof wsServerSettingsSchema>;

export type WsServerStatus = 'starting' | 'running' | 'stopped' | 'error';

export interface WsServerState {
  id: string;
  name: string;
  settings: WsServerSettings;
  status: WsServerStatus;
  boundPort: number | null;
  /** ws://127.0.0.1:PORT/path while running. */
  url: string | null;
  error: EngineErrorShape | null;
  startedAt: number | null;
  clientsConnected: number;
  clientsTotal: number;
  stats: WsStats;
  lastSeq: number;
}

export interface WsServerClient {
  serverId: string;
  id: string;
  remoteAddress: string;
  remotePort: number;
  /** Path and query the client asked for. */
  url: string;
  requestHeaders: HeaderPairs;
  protocol: string;
  extensions: string;
  connectedAt: number;
  status: 'open' | 'closing' | 'closed';
  closedAt: number | null;
  close: WsCloseInfo | null;
  stats: WsStats;
}

// ── Saved messages ─────────────────────────────────────────────────────────────────────────────

export const wsSavedMessageSchema = z.object({
  id: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  format: z.enum(['text', 'json', 'hex', 'base64']),
  data: z.string().max(16 * 1024 * 1024),
});
export type WsSavedMessage = z.infer<typeof wsSavedMessageSchema>;

/** Library key for a URL: scheme, host and path (query dropped), so a library follows an endpoint. */
export function savedLibraryKey(url: string): string {
  const q = url.search(/[?#]/);
  return (q === -1 ? url : url.slice(0, q)).toLowerCase();
}
