import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { HeaderPairs } from '../../shared/model/common';
import type { Capture, CatcherState } from '../../shared/model/catcher';
import type { CaptureAnnotations } from '../../shared/model/webhookTools';
import type { CaptureStore, StoreEntry } from '../store/captureStore';
import { captureId, type CaptureDetail, type CaptureUpdate } from '../store/codec';
import type { CatcherHooks, HookResponse, IncomingCapture } from './hooks';
import { listenerAnswer } from './listener';
import { headerValue, isoTime } from './view';

// One request: read the body (up to the cap), make it durable, then answer. Nothing is answered 2xx
// before the record is on disk.

export interface HandlerDeps {
  store: CaptureStore;
  /** The catcher as it is now (settings may change between requests). */
  catcher(): CatcherState;
  hooks(): CatcherHooks | null;
  stored(entry: StoreEntry): void;
  updated(entry: StoreEntry): void;
  storeFailed(err: unknown): void;
}

function pairs(raw: string[]): HeaderPairs {
  const out: HeaderPairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}

function flat(headers: HeaderPairs): string[] {
  const out: string[] = [];
  for (const [k, v] of headers) out.push(k, v);
  return out;
}

function hasHeader(headers: HeaderPairs, name: string): boolean {
  return headerValue(headers, name) !== null;
}

function corsHeaders(req: http.IncomingMessage, preflight: boolean): HeaderPairs {
  const origin = req.headers.origin;
  const out: HeaderPairs = [['Access-Control-Allow-Origin', origin ?? '*']];
  if (origin) out.push(['Vary', 'Origin'], ['Access-Control-Allow-Credentials', 'true']);
  if (preflight) {
    out.push(['Access-Control-Allow-Methods', req.headers['access-control-request-method'] ?? 'GET, POST, PUT, PATCH, DELETE, OPTIONS']);
    const asked = req.headers['access-control-request-headers'];
    if (asked) out.push(['Access-Control-Allow-Headers', asked]);
    out.push(['Access-Control-Max-Age', '600']);
  } else {
    out.push(['Access-Control-Expose-Headers', '*']);
  }
  return out;
}

/** Headers as written (with Content-Length when the status has a body), flattened for writeHead. */
function wireHeaders(status: number, headers: HeaderPairs, body: Buffer): string[] {
  const all = headers.slice();
  if (!noBodyStatus(status) && !hasHeader(all, 'content-length') && !hasHeader(all, 'transfer-encoding')) {
    all.push(['Content-Length', String(body.length)]);
  }
  return flat(all);
}

function noBodyStatus(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

interface WireAnswer {
  headers: HeaderPairs;
  body: Buffer;
  wire: string[];
}

// The catcher's configured answer, encoded once per settings object (the catcher's state object is
// replaced when its settings change), not once per request.
const configuredAnswers = new WeakMap<CatcherState['response'], WireAnswer>();

function configuredAnswer(configured: CatcherState['response']): WireAnswer {
  let a = configuredAnswers.get(configured);
  if (!a) {
    const body = Buffer.from(configured.body);
    a = { headers: configured.headers, body, wire: wireHeaders(configured.status, configured.headers, body) };
    configuredAnswers.set(configured, a);
  }
  return a;
}

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, headers: HeaderPairs, body: Buffer, wire?: string[]): Promise<void> {
  return new Promise((resolve) => {
    const noBody = noBodyStatus(status);
    res.on('close', () => resolve());
    try {
      res.writeHead(status, wire ?? wireHeaders(status, headers, body));
      res.end(noBody || req.method === 'HEAD' ? undefined : body);
    } catch {
      // Invalid user-configured headers: answer plainly rather than leave the sender hanging.
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('Catcher response headers are invalid.\n');
      } else res.destroy();
    }
  });
}

const delay = (ms: number): Promise<void> => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/**
 * The sender hung up (or hit the whole-request timeout) before its body ended. Nobody waits for an
 * answer, but what arrived is kept so the user can see the attempt: marked `bodyTruncated` (bodySize
 * below declaredLength shows how far it got) with responseStatus 0, "no answer" — or 408 when the
 * catcher's timeout cut it off. Webhook hooks do not run on it (a partial body would fail signature
 * checks and look like a duplicate delivery when the sender retries). A store failure here is not
 * reported as a storage problem: no sender was answered, and it happens when a catcher stops.
 */
async function storeIncomplete(
  req: http.IncomingMessage,
  deps: HandlerDeps,
  catcherId: string,
  receivedAtMs: number,
  headers: HeaderPairs,
  body: Buffer,
  elapsedMs: number,
): Promise<void> {
  const declared = headerValue(headers, 'content-length');
  const forwarded = headerValue(headers, 'x-forwarded-for');
  try {
    const entry = await deps.store.append({
      catcherId,
      receivedAtMs,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      contentType: headerValue(headers, 'content-type'),
      bodyTruncated: true,
      responseStatus: listenerAnswer(req.socket) ?? 0,
      signatureStatus: null,
      duplicateOf: null,
      detail: {
        httpVersion: req.httpVersion,
        headers,
        remoteAddress: req.socket.remoteAddress ?? '',
        remotePort: req.socket.remotePort ?? 0,
        forwardedFor: forwarded ? (forwarded.split(',')[0] as string).trim() || null : null,
        declaredLength: declared !== null && /^\d+$/.test(declared.trim()) ? Number(declared.trim()) : null,
        durationMs: Math.round(elapsedMs * 1000) / 1000,
      },
      body,
    });
    deps.stored(entry);
  } catch {
    // See above: nothing was acknowledged, so nothing is lost that a sender counts on.
  }
}

/** What the request's headers say that the capture needs, found in one pass over the raw list. */
interface HeaderFacts {
  contentType: string | null;
  contentLength: string | null;
  forwardedFor: string | null;
}

// Lower-casing every name for every lookup showed in profiles (thousands of requests a second):
// names are compared only when their length matches one we look for.
function headerFacts(raw: string[]): HeaderFacts {
  const out: HeaderFacts = { contentType: null, contentLength: null, forwardedFor: null };
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const len = name.length;
    if (len === 12) {
      if (out.contentType === null && name.toLowerCase() === 'content-type') out.contentType = raw[i + 1] as string;
    } else if (len === 14) {
      if (out.contentLength === null && name.toLowerCase() === 'content-length') out.contentLength = raw[i + 1] as string;
    } else if (len === 15) {
      if (out.forwardedFor === null && name.toLowerCase() === 'x-forwarded-for') out.forwardedFor = raw[i + 1] as string;
    }
  }
  return out;
}

const DIGITS = /^\d+$/;

function declaredLengthOf(value: string | null): number | null {
  if (value === null) return null;
  const v = value.trim();
  return DIGITS.test(v) ? Number(v) : null;
}

function firstForwarded(value: string | null): string | null {
  if (!value) return null;
  const comma = value.indexOf(',');
  return (comma < 0 ? value : value.slice(0, comma)).trim() || null;
}

/** Reads the body up to `limit` bytes (counting, not keeping, the rest); resolves false if the sender hung up first. */
function readBody(req: http.IncomingMessage, limit: number, into: { chunks: Buffer[]; kept: number; received: number }): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    req.on('data', (chunk: Buffer) => {
      into.received += chunk.length;
      if (into.kept < limit) {
        const take = Math.min(chunk.length, limit - into.kept);
        into.chunks.push(take === chunk.length ? chunk : chunk.subarray(0, take));
        into.kept += take;
      }
    });
    req.on('end', () => resolve(true));
    // 'close' also follows a normal end (the promise is settled by then); alone it means cut off.
    req.on('close', () => resolve(req.complete));
    req.on('error', () => resolve(false));
  });
}

/** What the handler learnt about a request, for building the view hooks get. */
interface Seen {
  catcherId: string;
  receivedAtMs: number;
  method: string;
  url: string;
  body: Buffer;
  truncated: boolean;
  facts: HeaderFacts;
  plannedStatus: number;
  headers: HeaderPairs;
  forwardedFor: string | null;
  declaredLength: number | null;
}

// Module level, not a closure in the handler: built only when a hook runs.
function incomingCapture(req: http.IncomingMessage, s: Seen, durationMs: number): IncomingCapture {
  return {
    catcherId: s.catcherId,
    receivedAt: isoTime(s.receivedAtMs),
    method: s.method,
    url: s.url,
    bodySize: s.body.length,
    bodyTruncated: s.truncated,
    contentType: s.facts.contentType,
    responseStatus: s.plannedStatus,
    httpVersion: req.httpVersion,
    headers: s.headers,
    remoteAddress: req.socket.remoteAddress ?? '',
    remotePort: req.socket.remotePort ?? 0,
    forwardedFor: s.forwardedFor,
    declaredLength: s.declaredLength,
    durationMs,
  };
}

export async function handleRequest(req: http.IncomingMessage, res: http.ServerResponse, deps: HandlerDeps): Promise<void> {
  const t0 = performance.now();
  const receivedAtMs = Date.now();
  const catcher = deps.catcher();
  const limit = catcher.bodyLimit;

  // Body: keep up to the cap, drain (and count) the rest so the 413 reaches the sender cleanly.
  const got = { chunks: [] as Buffer[], kept: 0, received: 0 };
  const complete = await readBody(req, limit, got);
  const truncated = got.received > limit;
  const body = got.chunks.length === 1 ? (got.chunks[0] as Buffer) : Buffer.concat(got.chunks, got.kept);
  const headers = pairs(req.rawHeaders);
  if (!complete) {
    await storeIncomplete(req, deps, catcher.id, receivedAtMs, headers, body, performance.now() - t0);
    return;
  }

  const facts = headerFacts(req.rawHeaders);
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const preflight = catcher.cors && method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  const configured = catcher.response;
  const plannedStatus = truncated ? 413 : preflight ? 204 : configured.status;
  const remoteAddress = req.socket.remoteAddress ?? '';
  const remotePort = req.socket.remotePort ?? 0;
  const forwardedFor = firstForwarded(facts.forwardedFor);
  const declaredLength = declaredLengthOf(facts.contentLength);

  const seen: Seen = { catcherId: catcher.id, receivedAtMs, method, url, body, truncated, facts, plannedStatus, headers, forwardedFor, declaredLength };
  const hooks = deps.hooks();
  let annotations: Partial<CaptureAnnotations> | null = null;
  if (hooks?.annotate) {
    try {
      annotations = hooks.annotate({ catcher, capture: incomingCapture(req, seen, 0), body }) ?? null;
    } catch {
      annotations = null;
    }
  }

  let entry: StoreEntry;
  const durationMs = Math.round((performance.now() - t0 + (truncated || preflight ? 0 : configured.delayMs)) * 1000) / 1000;
  try {
    const detail: CaptureDetail = { httpVersion: req.httpVersion, headers, remoteAddress, remotePort, forwardedFor, declaredLength, durationMs };
    if (annotations) detail.annotations = annotations;
    entry = await deps.store.append({
      catcherId: catcher.id,
      receivedAtMs,
      method,
      url,
      contentType: facts.contentType,
      bodyTruncated: truncated,
      responseStatus: plannedStatus,
      signatureStatus: annotations?.signature?.status ?? null,
      duplicateOf: annotations?.duplicateOf ?? null,
      detail,
      body,
    });
  } catch (err) {
    deps.storeFailed(err);
    const msg = JSON.stringify({
      error: 'Service Unavailable',
      message: 'Switchboard could not save this request (the disk is full or not writable), so it was not accepted. Retry later.',
    });
    await send(req, res, 503, [['Content-Type', 'application/json'], ['Retry-After', '5'], ['Connection', 'close']], Buffer.from(msg));
    return;
  }
  deps.stored(entry);

  const extra: HeaderPairs = catcher.cors ? corsHeaders(req, preflight) : [];
  if (truncated) {
    const msg = JSON.stringify({
      error: 'Payload Too Large',
      message: `The body is larger than this catcher's limit of ${limit} bytes; the first ${limit} bytes were captured.`,
      limit,
      received: got.received,
    });
    await send(req, res, 413, [['Content-Type', 'application/json'], ...extra], Buffer.from(msg));
    return;
  }
  if (preflight) {
    await send(req, res, 204, extra, Buffer.alloc(0));
    return;
  }

  // The Capture the answering hooks see is built only when they have something to do for it
  // (rules, forwarding, a delivery id to settle): most captures need none of it.
  let capture: Capture | null = null;
  if (hooks && (hooks.respond || hooks.afterResponse) && (!hooks.wants || hooks.wants(catcher, annotations))) {
    capture = {
      ...incomingCapture(req, seen, durationMs),
      id: captureId(entry.seq),
      seq: entry.seq,
      signatureStatus: (entry.signatureStatus as Capture['signatureStatus']) ?? null,
      duplicateOf: entry.duplicateOf,
    };
    if (annotations) capture.annotations = annotations;
  }
  let answer: HookResponse | null = null;
  if (hooks?.respond && capture) {
    try {
      answer = await hooks.respond({ catcher, capture, body });
    } catch {
      answer = null;
    }
  }
  const status = answer?.status ?? configured.status;
  const plain = !answer && extra.length === 0 ? configuredAnswer(configured) : null;
  const respHeaders = plain ? plain.headers : [...(answer?.headers ?? configured.headers), ...extra];
  const respBody = plain ? plain.body : answer ? (typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body) : Buffer.from(configured.body);
  const wait = answer ? (answer.delayMs ?? 0) : configured.delayMs;
  if (wait > 0) await delay(wait);
  await send(req, res, status, respHeaders, respBody, plain?.wire);

  if (status !== plannedStatus || answer?.annotations) {
    const update: CaptureUpdate = {};
    if (status !== plannedStatus) update.responseStatus = status;
    if (answer?.annotations) update.annotations = answer.annotations;
    const updated = await deps.store.update(entry.seq, update).catch((err: unknown) => {
      deps.storeFailed(err);
      return null;
    });
    if (updated) deps.updated(updated);
  }
  if (hooks?.afterResponse && capture) {
    try {
      capture.responseStatus = status;
      hooks.afterResponse({ catcher, capture, body, response: { status, headers: respHeaders, body: respBody } });
    } catch {
      // Hooks must not break capture.
    }
  }
}
