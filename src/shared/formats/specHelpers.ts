import { DEFAULT_REQUEST_SETTINGS, type KeyValue, type RequestBody, type RequestSpec } from '../model/http';

// Small pure helpers shared by the importers and exporters.

export function headerValue(headers: KeyValue[], name: string): string | null {
  const lower = name.toLowerCase();
  for (const h of headers) if (h.enabled && h.name.toLowerCase() === lower) return h.value;
  return null;
}

function mime(ct: string | null): string {
  return (ct ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function isJsonMime(ct: string | null): boolean {
  const m = mime(ct);
  return m === 'application/json' || m.endsWith('+json');
}

export function isXmlMime(ct: string | null): boolean {
  const m = mime(ct);
  return m === 'application/xml' || m === 'text/xml' || m.endsWith('+xml');
}

/** URL-encoded text as fields, only when re-encoding gives back exactly the same bytes. */
export function formFieldsIfExact(text: string): KeyValue[] | null {
  if (text === '') return [];
  const params = new URLSearchParams(text);
  if (params.toString() !== text) return null;
  return [...params].map(([name, value]) => ({ name, value, enabled: true }));
}

/**
 * The body kind that sends `text` byte for byte with this Content-Type. JSON and XML keep their
 * text; url-encoded data becomes a form table only when that re-encodes to the same bytes.
 */
export function bodyFromContentType(text: string, contentType: string | null): RequestBody {
  if (isJsonMime(contentType) && mime(contentType) === 'application/json') return { kind: 'json', text };
  if (mime(contentType) === 'application/xml') return { kind: 'xml', text };
  if (mime(contentType) === 'application/x-www-form-urlencoded') {
    const fields = formFieldsIfExact(text);
    if (fields) return { kind: 'form', fields };
  }
  return contentType ? { kind: 'text', text, contentType } : { kind: 'text', text };
}

/** The Content-Type the sender uses for a body kind when no header sets one. */
export function defaultContentType(body: RequestBody): string | null {
  switch (body.kind) {
    case 'json':
    case 'graphql':
      return 'application/json';
    case 'xml':
      return 'application/xml';
    case 'text':
      return body.contentType || 'text/plain';
    case 'form':
      return 'application/x-www-form-urlencoded';
    case 'multipart':
      return 'multipart/form-data';
    case 'binary':
    case 'raw':
      return body.contentType || 'application/octet-stream';
    case 'none':
      return null;
  }
}

/** The body as text when it is textual (form encoded as the sender does), else null. */
export function bodyText(body: RequestBody): string | null {
  switch (body.kind) {
    case 'json':
    case 'xml':
    case 'text':
      return body.text;
    case 'form': {
      const p = new URLSearchParams();
      for (const f of body.fields) if (f.enabled) p.append(f.name, f.value);
      return p.toString();
    }
    case 'graphql': {
      const payload: Record<string, unknown> = { query: body.query };
      if (body.variables.trim()) {
        try {
          payload.variables = JSON.parse(body.variables) as unknown;
        } catch {
          payload.variables = body.variables;
        }
      }
      if (body.operationName) payload.operationName = body.operationName;
      return JSON.stringify(payload);
    }
    case 'raw':
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(base64ToBytes(body.base64));
      } catch {
        return null;
      }
    case 'none':
    case 'multipart':
    case 'binary':
      return null;
  }
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64.replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(bin);
}

export function textToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text));
}

/** A spec with every field present (importers build partial ones). */
export function makeSpec(
  partial: Partial<Omit<RequestSpec, 'settings'>> & { method: string; url: string; settings?: Partial<RequestSpec['settings']> },
): RequestSpec {
  return {
    ...(partial.name !== undefined ? { name: partial.name } : {}),
    method: partial.method,
    url: partial.url,
    headers: partial.headers ?? [],
    body: partial.body ?? { kind: 'none' },
    auth: partial.auth ?? { kind: 'none' },
    settings: { ...DEFAULT_REQUEST_SETTINGS, ...partial.settings },
  };
}

/** File-name-safe slug: lower case ASCII, digits and dashes; never empty. */
export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\{\{|\}\}/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return s || 'untitled';
}

/** `base`, or `base-2`, `base-3`… so it is not in `taken` (compared case-insensitively). */
export function uniqueName(base: string, taken: Set<string>): string {
  const lower = new Set([...taken].map((t) => t.toLowerCase()));
  if (!lower.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!lower.has(candidate.toLowerCase())) return candidate;
  }
}
