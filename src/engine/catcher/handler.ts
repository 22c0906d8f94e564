import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { HeaderPairs } from '../../shared/model/common';
import type { Capture, CatcherState } from '../../shared/model/catcher';
import type { CaptureAnnotations } from '../../shared/model/webhookTools';
import { BODY_CRC_FROM, type CaptureStore, type StoreEntry } from '../store/captureStore';
import { crc32 } from '../store/checksum';
import { captureId, type CaptureUpdate, type DetailInput } from '../store/codec';
import { PLAIN_BODY_HEAD, type CatcherHooks, type HookResponse, type IncomingCapture } from './hooks';
import { answer500, answerPlain, configuredAnswer, corsHeaders, delay, send } from './answer';
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
  body: readonly Buffer[],
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
        forwardedFor: firstForwarded(forwarded),
        declaredLength: declaredLengthOf(declared),
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

/** Content-Length as a number when it is only digits (spaces around allowed), else null. */
function declaredLengthOf(value: string | null): number | null {
  if (value === null) return null;
  // A loop rather than trim() + a regex: this runs for every request.
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 32) start++;
  while (end > start && value.charCodeAt(end - 1) <= 32) end--;
  if (start === end) return null;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  return n;
}

function firstForwarded(value: string | null): string | null {
  if (!value) return null;
  const comma = value.indexOf(',');
  return (comma < 0 ? value : value.slice(0, comma)).trim() || null;
}

/** What the handler learnt about a request, for building the view hooks get. */
interface Seen {
  catcherId: string;
  receivedAtMs: number;
  method: string;
  url: string;
  /** The body as it arrived, in pieces (see bodyOf). */
  parts: readonly Buffer[];
  size: number;
  joined: Buffer | null;
  truncated: boolean;
  facts: HeaderFacts;
  plannedStatus: number;
  /** req.rawHeaders; paired up only when a hook view needs them (see headersOf). */
  raw: string[];
  headers: HeaderPairs | null;
  forwardedFor: string | null;
  declaredLength: number | null;
}

function headersOf(s: Seen): HeaderPairs {
  return (s.headers ??= pairs(s.raw));
}

// A body of several pieces is joined only for a hook that reads it whole (a signature check, a
// rule, forwarding): the store writes the pieces as they are.
function bodyOf(s: Seen): Buffer {
  return (s.joined ??= s.parts.length === 1 ? (s.parts[0] as Buffer) : Buffer.concat(s.parts as Buffer[], s.size));
}

/** What plainAnnotations looks at: the body, or at least its first PLAIN_BODY_HEAD bytes. */
function bodyHead(s: Seen): Buffer {
  const first = s.parts[0];
  return first !== undefined && (s.parts.length === 1 || first.length >= PLAIN_BODY_HEAD) ? first : bodyOf(s);
}

// Module level, not a closure in the handler: built only when a hook runs.
function incomingCapture(req: http.IncomingMessage, s: Seen, durationMs: number): IncomingCapture {
  return {
    catcherId: s.catcherId,
    receivedAt: isoTime(s.receivedAtMs),
    method: s.method,
    url: s.url,
    bodySize: s.size,
    bodyTruncated: s.truncated,
    contentType: s.facts.contentType,
    responseStatus: s.plannedStatus,
    httpVersion: req.httpVersion,
    headers: headersOf(s),
    remoteAddress: req.socket.remoteAddress ?? '',
    remotePort: req.socket.remotePort ?? 0,
    forwardedFor: s.forwardedFor,
    declaredLength: s.declaredLength,
    durationMs,
  };
}

/**
 * Entry point, callback style (see RequestHandler): the body is read with stream events, stored
 * with the store's callback append, and the common answer written from the batch's completion.
 * Anything unusual (413, CORS, rules, delays, a store failure) continues in answerAfterStore.
 */
export function handleRequest(req: http.IncomingMessage, res: http.ServerResponse, deps: HandlerDeps, finished: () => void): void {
  const t0 = performance.now();
  const receivedAtMs = Date.now();
  const catcher = deps.catcher();
  const limit = catcher.bodyLimit;
  // Body: keep up to the cap, drain (and count) the rest so the 413 reaches the sender cleanly.
  const chunks: Buffer[] = [];
  let kept = 0;
  let received = 0;
  let settled = false;
  // The CRC of a large body is taken here, piece by piece while each is in cache (see
  // AppendInput.bodyCrc): `folded` pieces are in `crc`, once the body is large enough to need it.
  let crc = 0;
  let folded = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (kept < limit) {
      const take = Math.min(chunk.length, limit - kept);
      chunks.push(take === chunk.length ? chunk : chunk.subarray(0, take));
      kept += take;
      if (kept >= BODY_CRC_FROM) for (; folded < chunks.length; folded++) crc = crc32(chunks[folded] as Buffer, crc);
    }
  });
  // No 'error' listener: an IncomingMessage emits 'error' only to listeners, and 'close' follows.
  const settle = (complete: boolean): void => {
    if (settled) return;
    settled = true;
    if (!complete) {
      void storeIncomplete(req, deps, catcher.id, receivedAtMs, pairs(req.rawHeaders), chunks, performance.now() - t0).then(finished);
      return;
    }
    const bodyCrc = folded === chunks.length && kept >= BODY_CRC_FROM ? crc : undefined;
    store(req, res, deps, catcher, { t0, receivedAtMs, parts: chunks, size: kept, received, truncated: received > limit, bodyCrc }, finished);
  };
  req.on('end', () => settle(true));
  // 'close' also follows a normal end (settled by then); alone it means the sender was cut off.
  req.on('close', () => settle(req.complete));
}

interface Arrived {
  t0: number;
  receivedAtMs: number;
  parts: Buffer[];
  size: number;
  received: number;
  truncated: boolean;
  /** CRC-32 of `parts`, for a large body (see AppendInput.bodyCrc). */
  bodyCrc: number | undefined;
}

/** A whole request: its record is built, annotated and appended; the answer waits for the fsync. */
function store(req: http.IncomingMessage, res: http.ServerResponse, deps: HandlerDeps, catcher: CatcherState, got: Arrived, finished: () => void): void {
  const { truncated } = got;
  const raw = req.rawHeaders;
  const facts = headerFacts(raw);
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const preflight = catcher.cors && method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  const configured = catcher.response;
  const plannedStatus = truncated ? 413 : preflight ? 204 : configured.status;
  const forwardedFor = firstForwarded(facts.forwardedFor);
  const declaredLength = declaredLengthOf(facts.contentLength);

  const seen: Seen = { catcherId: catcher.id, receivedAtMs: got.receivedAtMs, method, url, parts: got.parts, size: got.size, joined: null, truncated, facts, plannedStatus, raw, headers: null, forwardedFor, declaredLength };
  const hooks = deps.hooks();
  let annotations: Partial<CaptureAnnotations> | null = null;
  if (hooks?.annotate) {
    try {
      // The plain case (no signature or delivery id to look at) is answered from the raw request.
      annotations = hooks.plainAnnotations?.(raw, bodyHead(seen), facts.contentType) ?? hooks.annotate({ catcher, capture: incomingCapture(req, seen, 0), body: bodyOf(seen) }) ?? null;
    } catch {
      annotations = null;
    }
  }
  const durationMs = Math.round((performance.now() - got.t0 + (truncated || preflight ? 0 : configured.delayMs)) * 1000) / 1000;
  const detail: DetailInput = {
    httpVersion: req.httpVersion,
    rawHeaders: raw,
    remoteAddress: req.socket.remoteAddress ?? '',
    remotePort: req.socket.remotePort ?? 0,
    forwardedFor,
    declaredLength,
    durationMs,
  };
  if (annotations) detail.annotations = annotations;
  const input = {
    catcherId: catcher.id,
    receivedAtMs: got.receivedAtMs,
    method,
    url,
    contentType: facts.contentType,
    bodyTruncated: truncated,
    responseStatus: plannedStatus,
    signatureStatus: annotations?.signature?.status ?? null,
    duplicateOf: annotations?.duplicateOf ?? null,
    detail,
    body: got.parts,
    bodyCrc: got.bodyCrc,
  };
  deps.store.appendThen(input, (err, entry) => {
    try {
      if (entry) deps.stored(entry);
      else deps.storeFailed(err);
      // The usual case: the configured answer, nothing for the hooks to do.
      if (entry && !truncated && !preflight && !catcher.cors && configured.delayMs === 0 && !wantsHooks(hooks, catcher, annotations)) {
        answerPlain(req, res, configured, finished);
        return;
      }
      const after: AfterStore = { catcher, seen, annotations, durationMs, received: got.received, preflight, hooks };
      answerAfterStore(req, res, deps, after, entry).then(finished, () => failed(res, finished));
    } catch {
      failed(res, finished);
    }
  });
}

function failed(res: http.ServerResponse, finished: () => void): void {
  answer500(res);
  finished();
}

/** Whether the answering hooks have anything to do (rules, forwarding, a delivery id to settle). */
function wantsHooks(hooks: CatcherHooks | null, catcher: CatcherState, annotations: Partial<CaptureAnnotations> | null): boolean {
  return !!hooks && !!(hooks.respond || hooks.afterResponse) && (!hooks.wants || hooks.wants(catcher, annotations));
}

interface AfterStore {
  catcher: CatcherState;
  seen: Seen;
  annotations: Partial<CaptureAnnotations> | null;
  durationMs: number;
  received: number;
  preflight: boolean;
  hooks: CatcherHooks | null;
}

/** Every answer but the plain one: 503 (not stored), 413, preflight, CORS, rules, delays, updates. */
async function answerAfterStore(req: http.IncomingMessage, res: http.ServerResponse, deps: HandlerDeps, a: AfterStore, entry: StoreEntry | null): Promise<void> {
  const { catcher, seen, annotations, durationMs, preflight, hooks } = a;
  const { truncated, plannedStatus } = seen;
  const configured = catcher.response;
  const limit = catcher.bodyLimit;
  if (!entry) {
    const msg = JSON.stringify({
      error: 'Service Unavailable',
      message: 'Switchboard could not save this request (the disk is full or not writable), so it was not accepted. Retry later.',
    });
    await send(req, res, 503, [['Content-Type', 'application/json'], ['Retry-After', '5'], ['Connection', 'close']], Buffer.from(msg));
    return;
  }
  const extra: HeaderPairs = catcher.cors ? corsHeaders(req, preflight) : [];
  if (truncated) {
    const msg = JSON.stringify({
      error: 'Payload Too Large',
      message: `The body is larger than this catcher's limit of ${limit} bytes; the first ${limit} bytes were captured.`,
      limit,
      received: a.received,
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
  if (wantsHooks(hooks, catcher, annotations)) {
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
      answer = await hooks.respond({ catcher, capture, body: bodyOf(seen) });
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
      hooks.afterResponse({ catcher, capture, body: bodyOf(seen), response: { status, headers: respHeaders, body: respBody } });
    } catch {
      // Hooks must not break capture.
    }
  }
}
