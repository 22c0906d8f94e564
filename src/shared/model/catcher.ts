import { z } from 'zod';
import { headerPairs, type HeaderPairs } from './common';
import type { EngineErrorShape } from '../errors';
import type { CaptureAnnotations, SignatureStatus } from './webhookTools';

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/** What a catcher answers when no mock rule matches. */
export const catcherResponseSchema = z.object({
  status: z.number().int().min(100).max(599).default(200),
  headers: headerPairs.default([['Content-Type', 'application/json']]),
  body: z.string().max(10 * 1024 * 1024).default('{"ok":true}'),
  delayMs: z.number().int().min(0).max(60_000).default(0),
});
export type CatcherResponse = z.infer<typeof catcherResponseSchema>;

/** User-editable settings of a catcher (persisted). */
export const catcherSettingsSchema = z.object({
  name: z.string().min(1).max(200),
  /** Requested port; 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).max(255).default('127.0.0.1'),
  bodyLimit: z.number().int().min(0).max(2 * 1024 * 1024 * 1024).default(DEFAULT_BODY_LIMIT),
  response: catcherResponseSchema.default({
    status: 200,
    headers: [['Content-Type', 'application/json']],
    body: '{"ok":true}',
    delayMs: 0,
  }),
  /** Answer CORS preflights and add Access-Control-Allow-* to responses. */
  cors: z.boolean().default(false),
});
export type CatcherSettings = z.infer<typeof catcherSettingsSchema>;

export type CatcherStatus = 'starting' | 'running' | 'stopped' | 'error';

export interface CatcherState extends CatcherSettings {
  id: string;
  status: CatcherStatus;
  /** Port actually bound while running. */
  boundPort: number | null;
  /** e.g. http://127.0.0.1:4000 while running. */
  url: string | null;
  error: EngineErrorShape | null;
  captureCount: number;
}

/** What the live list needs; small, so thousands per second can cross a door. */
export interface CaptureSummary {
  id: string;
  catcherId: string;
  /** Monotonic per data directory; defines list order. */
  seq: number;
  /** ISO 8601 with milliseconds. */
  receivedAt: string;
  method: string;
  /** Path and query exactly as sent in the request line. */
  url: string;
  /** Bytes stored (≤ bodyLimit). */
  bodySize: number;
  bodyTruncated: boolean;
  contentType: string | null;
  /** Status we answered (413 when truncated, 503 when the store failed). */
  responseStatus: number;
  /** Badge for the list; set by the webhook tools (issue 6). */
  signatureStatus?: SignatureStatus | null;
  duplicateOf?: string | null;
}

/**
 * The sender hung up (or was cut off by a 408/400 from the listener) before its body ended: the
 * bytes that arrived are kept, nothing was answered 2xx. A body over the cap is also `bodyTruncated`
 * but always answered 413, so the two never mix.
 */
export function isIncompleteCapture(c: Pick<CaptureSummary, 'bodyTruncated' | 'responseStatus'>): boolean {
  return c.bodyTruncated && c.responseStatus !== 413;
}

/** The full record of one request (body fetched separately, on demand). */
export interface Capture extends CaptureSummary {
  httpVersion: string;
  headers: HeaderPairs;
  remoteAddress: string;
  remotePort: number;
  /** Original client from X-Forwarded-For when the request came through a tunnel/proxy. */
  forwardedFor: string | null;
  /** Content-Length the sender announced, if any (differs from bodySize when truncated). */
  declaredLength: number | null;
  /** Milliseconds from first byte of the request to our response being written. */
  durationMs: number;
  /** Added by the webhook tools (issue 6); absent when they did not run. */
  annotations?: Partial<CaptureAnnotations>;
}

export interface CaptureFilter {
  catcherId?: string;
  text?: string;
  methods?: string[];
}
