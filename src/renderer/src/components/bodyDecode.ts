// Pure views over raw body bytes. The bytes are never replaced; these compute what to show.

export type BodyKind = 'empty' | 'json' | 'form' | 'multipart' | 'xml' | 'html' | 'image' | 'text' | 'binary';

export interface MultipartPart {
  headers: Array<[string, string]>;
  name: string | null;
  filename: string | null;
  contentType: string | null;
  /** Bytes of the part's body. */
  size: number;
  body: Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function mimeOf(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function contentTypeParam(contentType: string | null | undefined, param: string): string | null {
  if (!contentType) return null;
  const re = new RegExp(`(?:^|;)\\s*${param}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i');
  const m = re.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

export function decodeText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** Text when the bytes are valid UTF-8 without control characters other than whitespace. */
export function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 64 * 1024);
  try {
    // A multi-byte char cut at the sample edge is not binary: allow a short tail.
    utf8Strict.decode(sample.length === bytes.length ? sample : sample.subarray(0, sample.length - 4));
  } catch {
    return false;
  }
  for (const b of sample) {
    if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) return false;
  }
  return true;
}

export function detectKind(contentType: string | null | undefined, bytes: Uint8Array): BodyKind {
  if (bytes.length === 0) return 'empty';
  const mime = mimeOf(contentType);
  if (mime.startsWith('image/')) return 'image';
  if (mime === 'multipart/form-data' || mime.startsWith('multipart/')) return 'multipart';
  if (mime === 'application/x-www-form-urlencoded') return 'form';
  if (mime === 'application/json' || mime.endsWith('+json') || mime === 'text/json') return 'json';
  if (mime === 'text/html' || mime === 'application/xhtml+xml') return 'html';
  if (mime.endsWith('/xml') || mime.endsWith('+xml')) return 'xml';
  if (!looksLikeText(bytes)) return sniffImage(bytes) ? 'image' : 'binary';
  // No or vague content type: sniff the text.
  const head = decodeText(bytes.subarray(0, 512)).trimStart();
  if ((head.startsWith('{') || head.startsWith('[')) && prettyJson(decodeText(bytes)) !== null) return 'json';
  if (/^<!doctype html|^<html/i.test(head)) return 'html';
  if (head.startsWith('<?xml')) return 'xml';
  return 'text';
}

export function sniffImage(bytes: Uint8Array): string | null {
  const b = bytes;
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return 'image/gif';
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45) return 'image/webp';
  return null;
}

/** Two-space indented JSON, or null when the text is not JSON. */
export function prettyJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

/** application/x-www-form-urlencoded → ordered pairs; tolerant of bad escapes. */
export function parseForm(text: string): Array<[string, string]> {
  if (text === '') return [];
  return text.split('&').map((part) => {
    const eq = part.indexOf('=');
    const k = eq === -1 ? part : part.slice(0, eq);
    const v = eq === -1 ? '' : part.slice(eq + 1);
    return [safeDecode(k), safeDecode(v)];
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Query string of a request target ("/path?a=1&b") → ordered pairs. */
export function parseQuery(url: string): Array<[string, string]> {
  const q = url.indexOf('?');
  if (q === -1) return [];
  const hash = url.indexOf('#', q);
  return parseForm(url.slice(q + 1, hash === -1 ? undefined : hash));
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  outer: for (let i = hay.indexOf(first!, from); i !== -1 && i <= hay.length - needle.length; i = hay.indexOf(first!, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** RFC 7578 multipart, parsed from bytes so binary parts keep their exact size. */
export function parseMultipart(bytes: Uint8Array, boundary: string): MultipartPart[] | null {
  const enc = new TextEncoder();
  const delim = enc.encode(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = indexOf(bytes, delim, 0);
  if (pos === -1) return null;
  while (pos !== -1) {
    let start = pos + delim.length;
    if (bytes[start] === 0x2d && bytes[start + 1] === 0x2d) break; // closing --boundary--
    if (bytes[start] === 0x0d && bytes[start + 1] === 0x0a) start += 2;
    else if (bytes[start] === 0x0a) start += 1;
    const next = indexOf(bytes, enc.encode(`\r\n--${boundary}`), start);
    const end = next === -1 ? bytes.length : next;
    const headerEnd = indexOf(bytes, enc.encode('\r\n\r\n'), start);
    const hasHeaders = headerEnd !== -1 && headerEnd < end;
    const headerText = hasHeaders ? decodeText(bytes.subarray(start, headerEnd)) : '';
    const body = bytes.subarray(hasHeaders ? headerEnd + 4 : start, end);
    const headers = headerText
      .split(/\r\n/)
      .filter(Boolean)
      .map((line): [string, string] => {
        const c = line.indexOf(':');
        return c === -1 ? [line, ''] : [line.slice(0, c).trim(), line.slice(c + 1).trim()];
      });
    const disposition = headers.find(([k]) => k.toLowerCase() === 'content-disposition')?.[1] ?? null;
    const ct = headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? null;
    parts.push({
      headers,
      name: contentTypeParam(disposition, 'name'),
      filename: contentTypeParam(disposition, 'filename'),
      contentType: ct,
      size: body.length,
      body,
    });
    if (next === -1) break;
    pos = next + 2;
  }
  return parts;
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Largest decoded copy made for viewing. A stranger's 10 MB gzip body can inflate a thousandfold
 * (a "zip bomb"); past this the view shows the raw bytes instead of exhausting the page's memory.
 */
export const DECOMPRESS_VIEW_LIMIT = 64 * 1024 * 1024;

/** gzip/deflate bodies are kept as sent; this decodes a copy for viewing (null: show raw). */
export async function decompress(bytes: Uint8Array, encoding: string, limit = DECOMPRESS_VIEW_LIMIT): Promise<Uint8Array | null> {
  const format = encoding.toLowerCase().trim();
  if (format !== 'gzip' && format !== 'x-gzip' && format !== 'deflate') return null;
  if (typeof DecompressionStream === 'undefined') return null;
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream(format === 'x-gzip' ? 'gzip' : (format as CompressionFormat)));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        return null;
      }
      chunks.push(value);
    }
  } catch {
    return null;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
