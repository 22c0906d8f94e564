import { z } from 'zod';
import type { HeaderPairs } from './common';
import type { EngineErrorShape } from '../errors';

// The HTTP sender's data model (issue 5). Also used by the workspace (issue 7) for collections,
// history and import/export, and by replay (issue 6). Values may hold {{variables}}.
// The zod schemas below validate specs coming from a door (untrusted); their output types are the
// interfaces of this file (checked at compile time at the bottom).

export interface KeyValue {
  name: string;
  value: string;
  enabled: boolean;
  /** Optional note shown in tables (Postman "description"). */
  description?: string;
}

export type MultipartPart =
  | { kind: 'text'; name: string; value: string; enabled: boolean; contentType?: string }
  | { kind: 'file'; name: string; path: string; enabled: boolean; filename?: string; contentType?: string };

export type RequestBody =
  | { kind: 'none' }
  | { kind: 'json'; text: string }
  | { kind: 'text'; text: string; contentType?: string }
  | { kind: 'xml'; text: string }
  | { kind: 'form'; fields: KeyValue[] }
  | { kind: 'multipart'; parts: MultipartPart[] }
  | { kind: 'binary'; path: string; contentType?: string }
  /** Exact bytes (replay of a capture, imported HAR with binary content). */
  | { kind: 'raw'; base64: string; contentType?: string }
  | { kind: 'graphql'; query: string; variables: string; operationName?: string };

export type RequestBodyKind = RequestBody['kind'];

export type RequestAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'apikey'; key: string; value: string; in: 'header' | 'query' }
  | { kind: 'digest'; username: string; password: string };

export interface RequestSettings {
  /** Whole send, redirects included; 0 means no timeout. */
  timeoutMs: number;
  followRedirects: boolean;
  maxRedirects: number;
  verifyTls: boolean;
  /** http://host:port of an HTTP proxy (user:pass@ allowed), or empty. */
  proxy: string;
}

export const DEFAULT_REQUEST_SETTINGS: RequestSettings = {
  timeoutMs: 30_000,
  followRedirects: true,
  maxRedirects: 10,
  verifyTls: true,
  proxy: '',
};

export interface RequestSpec {
  name?: string;
  method: string;
  /** Full URL including the query string; the params table is a view of it. */
  url: string;
  headers: KeyValue[];
  body: RequestBody;
  auth: RequestAuth;
  settings: RequestSettings;
}

/**
 * Milliseconds per phase of the final exchange, measured from socket events. Absent phases (reused
 * socket, no TLS) are 0. Phases are consecutive, so socketWait+dns+tcp+tls+send+ttfb+download = total.
 */
export interface Timings {
  /** Waiting for a socket from the pool (or for the proxy tunnel). */
  socketWait: number;
  dns: number;
  tcp: number;
  tls: number;
  /** Writing the request head and body. */
  send: number;
  /** Request fully written → response head received. */
  ttfb: number;
  download: number;
  total: number;
}

export interface RedirectHop {
  status: number;
  method: string;
  url: string;
  location: string;
  timings: Timings;
}

export interface ResponseCookie {
  name: string;
  value: string;
  domain?: string;
  path?: string;
  expires?: string;
  maxAge?: number;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: string;
}

export interface TlsInfo {
  protocol: string | null;
  cipher: string | null;
  /** True when the certificate chain verified; false when verification was off and it failed. */
  authorized: boolean;
  /** Why the chain did not verify (only when verification was off). */
  authorizationError: string | null;
  subject: string | null;
  issuer: string | null;
  validFrom: string | null;
  validTo: string | null;
}

/** What was actually put on the wire for the final hop (after variables, auth, redirects). */
export interface SentRequest {
  method: string;
  url: string;
  headers: HeaderPairs;
  bodySize: number;
}

export interface ResponseRecord {
  /** Handle for fetching the body in ranges (bodies never cross a door whole). */
  id: string;
  url: string;
  method: string;
  status: number;
  statusText: string;
  httpVersion: string;
  headers: HeaderPairs;
  cookies: ResponseCookie[];
  redirects: RedirectHop[];
  /** Final exchange only; see elapsedMs for the whole send. */
  timings: Timings;
  /** Whole send: redirects and digest challenge included. */
  elapsedMs: number;
  headersSize: number;
  /** Bytes received on the wire for the body (compressed size). */
  wireBodySize: number;
  /** Bytes after gzip/deflate/br decoding. */
  bodySize: number;
  /** The Content-Encoding that was decoded, e.g. 'gzip', or null. */
  contentEncoding: string | null;
  /** Set when the body claimed an encoding but could not be decoded; the decoded view is then the wire bytes. */
  decodeError: string | null;
  contentType: string | null;
  /** False when the user turned TLS verification off for this request. */
  tlsVerified: boolean;
  tls: TlsInfo | null;
  remoteAddress: string | null;
  startedAt: string;
  request: SentRequest;
}

export type SendOutcome = { ok: true; response: ResponseRecord } | { ok: false; error: EngineErrorShape };

// ---- Schemas (untrusted input from a door) ----

const MAX_TEXT = 64 * 1024 * 1024;
const shortText = z.string().max(64 * 1024);
const longText = z.string().max(MAX_TEXT);

export const keyValueSchema = z.object({
  name: shortText,
  value: z.string().max(1024 * 1024),
  enabled: z.boolean().default(true),
  description: z.string().max(10_000).optional(),
});

export const multipartPartSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('text'),
    name: shortText,
    value: longText,
    enabled: z.boolean().default(true),
    contentType: shortText.optional(),
  }),
  z.object({
    kind: z.literal('file'),
    name: shortText,
    path: z.string().max(4096),
    enabled: z.boolean().default(true),
    filename: shortText.optional(),
    contentType: shortText.optional(),
  }),
]);

export const requestBodySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('json'), text: longText }),
  z.object({ kind: z.literal('text'), text: longText, contentType: shortText.optional() }),
  z.object({ kind: z.literal('xml'), text: longText }),
  z.object({ kind: z.literal('form'), fields: z.array(keyValueSchema).max(10_000) }),
  z.object({ kind: z.literal('multipart'), parts: z.array(multipartPartSchema).max(10_000) }),
  z.object({ kind: z.literal('binary'), path: z.string().max(4096), contentType: shortText.optional() }),
  z.object({ kind: z.literal('raw'), base64: z.string().max(Math.ceil(MAX_TEXT / 3) * 4), contentType: shortText.optional() }),
  z.object({
    kind: z.literal('graphql'),
    query: longText,
    variables: longText.default(''),
    operationName: shortText.optional(),
  }),
]);

export const requestAuthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('basic'), username: shortText, password: shortText }),
  z.object({ kind: z.literal('bearer'), token: z.string().max(1024 * 1024) }),
  z.object({ kind: z.literal('apikey'), key: shortText, value: z.string().max(1024 * 1024), in: z.enum(['header', 'query']) }),
  z.object({ kind: z.literal('digest'), username: shortText, password: shortText }),
]);

export const requestSettingsSchema = z.object({
  timeoutMs: z.number().int().min(0).max(24 * 3600_000).default(DEFAULT_REQUEST_SETTINGS.timeoutMs),
  followRedirects: z.boolean().default(DEFAULT_REQUEST_SETTINGS.followRedirects),
  maxRedirects: z.number().int().min(0).max(100).default(DEFAULT_REQUEST_SETTINGS.maxRedirects),
  verifyTls: z.boolean().default(DEFAULT_REQUEST_SETTINGS.verifyTls),
  proxy: z.string().max(4096).default(DEFAULT_REQUEST_SETTINGS.proxy),
});

export const requestSpecSchema = z.object({
  name: z.string().max(1000).optional(),
  method: z.string().min(1).max(64),
  url: z.string().min(1).max(1024 * 1024),
  headers: z.array(keyValueSchema).max(10_000).default([]),
  body: requestBodySchema.default({ kind: 'none' }),
  auth: requestAuthSchema.default({ kind: 'none' }),
  settings: requestSettingsSchema.default(DEFAULT_REQUEST_SETTINGS),
});

/** A spec as a door may send it: everything but method and url optional. */
export type RequestSpecInput = z.input<typeof requestSpecSchema>;

// Compile-time check that the schema's output is exactly the interface above.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _specMatches: Same<z.output<typeof requestSpecSchema>, RequestSpec> = true;
void _specMatches;

/** A blank request, as a new tab opens it. */
export function emptyRequestSpec(): RequestSpec {
  return {
    method: 'GET',
    url: '',
    headers: [],
    body: { kind: 'none' },
    auth: { kind: 'none' },
    settings: { ...DEFAULT_REQUEST_SETTINGS },
  };
}
