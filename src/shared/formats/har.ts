import type { Entry, Har, Header, PostData, Request as HarRequest } from 'har-format';
import type { KeyValue, MultipartPart, RequestBody, RequestSpec } from '../model/http';
import type { CollectionItem, HistoryEntry, ImportResult, SkippedItem } from '../model/workspace';
import { SwitchboardError } from '../errors';
import { bodyFromContentType, bodyText, bytesToBase64, defaultContentType, headerValue, makeSpec } from './specHelpers';
import { obj } from './json';

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): import (each entry a request) and export
// of history. Bodies that HAR cannot hold as text are base64 with `encoding: "base64"`.

export function isHar(doc: unknown): boolean {
  const log = obj(obj(doc)?.log);
  return !!log && Array.isArray(log.entries);
}

/** Headers the sender computes itself or that HTTP/2 devtools exports add (":authority", …). */
const DROP_ON_IMPORT = new Set(['content-length', 'host', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade', 'http2-settings', 'te']);

function requestFromHar(req: HarRequest, where: string, skipped: SkippedItem[]): RequestSpec {
  const headers: KeyValue[] = [];
  for (const h of req.headers ?? []) {
    if (h.name.startsWith(':') || DROP_ON_IMPORT.has(h.name.toLowerCase())) continue;
    headers.push({ name: h.name, value: h.value, enabled: true });
  }
  let body: RequestBody = { kind: 'none' };
  const pd = req.postData as (PostData & { encoding?: string }) | undefined;
  if (pd) {
    const mime = pd.mimeType || headerValue(headers, 'content-type');
    if (pd.encoding === 'base64' && typeof pd.text === 'string') {
      body = { kind: 'raw', base64: pd.text, ...(mime ? { contentType: mime } : {}) };
    } else if (typeof pd.text === 'string' && pd.text !== '') {
      body = bodyFromContentType(pd.text, mime);
      // A multipart text keeps its boundary in the Content-Type header, so it is sent byte for byte.
    } else if (Array.isArray(pd.params) && pd.params.length) {
      if ((mime ?? '').startsWith('multipart/form-data')) {
        const parts: MultipartPart[] = [];
        for (const p of pd.params) {
          if (p.fileName) {
            skipped.push({ where: `${where} › form field "${p.name}"`, reason: 'file content is not in the HAR; imported as a text field' });
          }
          parts.push({ kind: 'text', name: p.name, value: p.value ?? '', enabled: true, ...(p.contentType ? { contentType: p.contentType } : {}) });
        }
        body = { kind: 'multipart', parts };
        // The boundary of the original Content-Type would not match ours.
        const i = headers.findIndex((h) => h.name.toLowerCase() === 'content-type');
        if (i >= 0) headers.splice(i, 1);
      } else {
        body = { kind: 'form', fields: pd.params.map((p) => ({ name: p.name, value: p.value ?? '', enabled: true })) };
      }
    }
  }
  return makeSpec({ method: req.method || 'GET', url: req.url, headers, body, settings: { followRedirects: false } });
}

export function importHar(doc: unknown): ImportResult {
  if (!isHar(doc)) throw new SwitchboardError('IMPORT_INVALID', 'Not a HAR file: no log.entries.');
  const har = doc as Har;
  const skipped: SkippedItem[] = [];
  const items: CollectionItem[] = [];
  const seen = new Map<string, number>();
  har.log.entries.forEach((entry: Entry, i: number) => {
    const where = `entry ${i + 1}`;
    const req = entry.request;
    if (!req || typeof req.url !== 'string') {
      skipped.push({ where, reason: 'no request' });
      return;
    }
    if (!/^https?:/i.test(req.url)) {
      skipped.push({ where: `${where} (${req.url.slice(0, 80)})`, reason: 'not an http(s) URL' });
      return;
    }
    let base: string;
    try {
      base = `${req.method} ${new URL(req.url).pathname}`;
    } catch {
      base = `${req.method} ${req.url}`;
    }
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const name = n > 1 ? `${base} (${n})` : base;
    const spec = { ...requestFromHar(req, where, skipped), name };
    items.push({ kind: 'request', name, spec });
  });
  const page = har.log.pages?.[0]?.title;
  return { format: 'har', collection: { name: page ? `HAR: ${page}` : 'Imported HAR', items, variables: [] }, environments: [], skipped };
}

// ---- Export ----

export const HAR_CREATOR = { name: 'Switchboard', version: '0.1.0' };

function queryString(url: string): Array<{ name: string; value: string }> {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function harHeaders(pairs: Array<[string, string]>): Header[] {
  return pairs.map(([name, value]) => ({ name, value }));
}

function postDataFor(spec: RequestSpec, sentHeaders: Array<[string, string]>): PostData | undefined {
  const b = spec.body;
  if (b.kind === 'none') return undefined;
  const sentType = sentHeaders.find(([n]) => n.toLowerCase() === 'content-type')?.[1];
  const mimeType = sentType ?? defaultContentType(b) ?? 'application/octet-stream';
  if (b.kind === 'form') {
    // HAR allows text and params together for url-encoded bodies; the typings say otherwise.
    return { mimeType, text: bodyText(b) ?? '', params: b.fields.filter((f) => f.enabled).map((f) => ({ name: f.name, value: f.value })) } as unknown as PostData;
  }
  if (b.kind === 'multipart') {
    return {
      mimeType,
      params: b.parts
        .filter((p) => p.enabled)
        .map((p) => (p.kind === 'text' ? { name: p.name, value: p.value } : { name: p.name, fileName: p.filename || p.path, ...(p.contentType ? { contentType: p.contentType } : {}) })),
    };
  }
  if (b.kind === 'binary') return { mimeType, text: '', comment: `file: ${b.path}` } as PostData;
  if (b.kind === 'raw') {
    const text = bodyText(b);
    return text !== null ? { mimeType, text } : ({ mimeType, text: b.base64, encoding: 'base64' } as PostData);
  }
  return { mimeType, text: bodyText(b) ?? '' };
}

export interface HistoryWithBody {
  entry: HistoryEntry;
  /** Stored response body bytes (possibly truncated; see entry.bodyTruncated). */
  body: Uint8Array | null;
}

function isTextMime(mime: string): boolean {
  const m = mime.split(';')[0]?.trim().toLowerCase() ?? '';
  return m.startsWith('text/') || m.endsWith('json') || m.endsWith('+xml') || m === 'application/xml' || m === 'application/javascript' || m === 'application/x-www-form-urlencoded';
}

function decodeText(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** History entries (oldest first in the output) as a HAR 1.2 log. Failed sends are included with status 0. */
export function historyToHar(items: HistoryWithBody[]): Har {
  const entries: Entry[] = [];
  for (const { entry, body } of [...items].sort((a, b) => a.entry.at.localeCompare(b.entry.at))) {
    const sentHeaders = entry.sent?.headers ?? entry.spec.headers.filter((h) => h.enabled).map((h): [string, string] => [h.name, h.value]);
    const url = entry.sent?.url ?? entry.url;
    const request: HarRequest = {
      method: entry.sent?.method ?? entry.method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: harHeaders(sentHeaders),
      queryString: queryString(url),
      headersSize: -1,
      bodySize: entry.sent?.bodySize ?? -1,
    };
    const pd = postDataFor(entry.spec, sentHeaders);
    if (pd) request.postData = pd;
    const r = entry.response;
    const mimeType = r?.contentType ?? 'x-unknown';
    const content: Entry['response']['content'] = { size: r?.bodySize ?? 0, mimeType };
    if (body && body.length) {
      const text = isTextMime(mimeType) ? decodeText(body) : null;
      if (text !== null) content.text = text;
      else {
        content.text = bytesToBase64(body);
        content.encoding = 'base64';
      }
      if (entry.bodyTruncated) content.comment = `truncated to ${body.length} of ${r?.bodySize ?? '?'} bytes`;
    }
    const t = r?.timings;
    const location = r?.headers.find(([n]) => n.toLowerCase() === 'location')?.[1] ?? '';
    entries.push({
      startedDateTime: entry.at,
      time: entry.timeMs ?? 0,
      request,
      response: {
        status: r?.status ?? 0,
        statusText: r?.statusText ?? (entry.error ? `${entry.error.code}: ${entry.error.message}` : ''),
        httpVersion: r ? `HTTP/${r.httpVersion}` : 'HTTP/1.1',
        cookies: (r?.cookies ?? []).map((c) => ({
          name: c.name,
          value: c.value,
          ...(c.path ? { path: c.path } : {}),
          ...(c.domain ? { domain: c.domain } : {}),
          ...(c.expires ? { expires: c.expires } : {}),
          ...(c.httpOnly ? { httpOnly: true } : {}),
          ...(c.secure ? { secure: true } : {}),
        })),
        headers: harHeaders(r?.headers ?? []),
        content,
        redirectURL: location,
        headersSize: r?.headersSize ?? -1,
        bodySize: r?.wireBodySize ?? -1,
        ...(entry.error ? { _error: entry.error } : {}),
      },
      cache: {},
      timings: t
        ? {
            blocked: t.socketWait,
            dns: t.dns,
            connect: t.tcp + t.tls,
            ssl: t.tls,
            send: t.send,
            wait: t.ttfb,
            receive: t.download,
          }
        : { send: 0, wait: 0, receive: 0 },
      ...(r?.remoteAddress ? { serverIPAddress: r.remoteAddress } : {}),
    });
  }
  return { log: { version: '1.2', creator: HAR_CREATOR, entries } };
}
