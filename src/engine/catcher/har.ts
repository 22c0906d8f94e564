import type { Entry, Har, Header, PostData, QueryString } from 'har-format';
import type { Capture, CatcherState } from '../../shared/model/catcher';
import { headerValue } from './view';

// HAR 1.2 of captured requests. Bodies that are not valid UTF-8 text go in as base64 with the
// `_encoding` custom field (HAR allows fields prefixed with "_"), as browsers do for responses.

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout', 413: 'Payload Too Large', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

function isUtf8Text(body: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

function queryOf(url: string): QueryString[] {
  const q = url.indexOf('?');
  if (q === -1) return [];
  const out: QueryString[] = [];
  for (const [name, value] of new URLSearchParams(url.slice(q + 1))) out.push({ name, value });
  return out;
}

export function harEntry(capture: Capture, body: Buffer, catcher: CatcherState | null): Entry {
  const headers: Header[] = capture.headers.map(([name, value]) => ({ name, value }));
  const host = headerValue(capture.headers, 'host') ?? (catcher?.boundPort ? `127.0.0.1:${catcher.boundPort}` : 'localhost');
  const absolute = /^https?:\/\//i.test(capture.url) ? capture.url : `http://${host}${capture.url.startsWith('/') ? '' : '/'}${capture.url}`;
  const mimeType = capture.contentType ?? 'application/octet-stream';
  let postData: PostData | undefined;
  if (body.length > 0 || capture.declaredLength !== null) {
    if (isUtf8Text(body)) {
      const text = body.toString('utf8');
      postData = mimeType.toLowerCase().startsWith('application/x-www-form-urlencoded')
        ? // Browsers export both (params for tools, text for exact bytes); the types allow one or the other.
          ({ mimeType, text, params: [...new URLSearchParams(text)].map(([name, value]) => ({ name, value })) } as unknown as PostData)
        : { mimeType, text };
    } else {
      postData = { mimeType, text: body.toString('base64'), _encoding: 'base64' } as PostData;
    }
  }
  const entry: Entry = {
    startedDateTime: capture.receivedAt,
    time: capture.durationMs,
    request: {
      method: capture.method,
      url: absolute,
      httpVersion: `HTTP/${capture.httpVersion}`,
      cookies: [],
      headers,
      queryString: queryOf(capture.url),
      headersSize: -1,
      bodySize: capture.bodySize,
      ...(postData ? { postData } : {}),
    },
    response: {
      status: capture.responseStatus,
      statusText: STATUS_TEXT[capture.responseStatus] ?? '',
      httpVersion: `HTTP/${capture.httpVersion}`,
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: capture.durationMs, receive: 0 },
    comment: catcher ? `Caught by ${catcher.name}` : undefined,
  };
  if (entry.comment === undefined) delete entry.comment;
  const extra = entry as Entry & { _captureId?: string; _bodyTruncated?: boolean; _remoteAddress?: string };
  extra._captureId = capture.id;
  extra._remoteAddress = capture.remoteAddress;
  if (capture.bodyTruncated) extra._bodyTruncated = true;
  return entry;
}

export function harLog(entries: Entry[], version: string): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: 'Switchboard', version },
      pages: [],
      entries,
    },
  };
}
