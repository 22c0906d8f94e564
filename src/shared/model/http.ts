import type { HeaderPairs } from './common';
import type { EngineErrorShape } from '../errors';

// The HTTP sender's data model (issue 5). Also used by the workspace (issue 7) for collections,
// history and import/export, and by replay (issue 6). Values may hold {{variables}}.

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

export type RequestAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'apikey'; key: string; value: string; in: 'header' | 'query' }
  | { kind: 'digest'; username: string; password: string };

export interface RequestSettings {
  timeoutMs: number;
  followRedirects: boolean;
  maxRedirects: number;
  verifyTls: boolean;
  /** http://host:port of an HTTP proxy, or empty. */
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

/** Milliseconds per phase, measured from socket events. Absent phases (reused socket, no TLS) are 0. */
export interface Timings {
  socketWait: number;
  dns: number;
  tcp: number;
  tls: number;
  /** Request fully written → first response byte. */
  ttfb: number;
  download: number;
  total: number;
}

export interface RedirectHop {
  status: number;
  method: string;
  url: string;
  location: string;
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
  timings: Timings;
  headersSize: number;
  /** Bytes received on the wire for the body (compressed size). */
  wireBodySize: number;
  /** Bytes after gzip/deflate/br decoding. */
  bodySize: number;
  contentType: string | null;
  /** False when the user turned TLS verification off for this request. */
  tlsVerified: boolean;
  remoteAddress: string | null;
  startedAt: string;
}

export type SendOutcome = { ok: true; response: ResponseRecord } | { ok: false; error: EngineErrorShape };
