import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Engine } from '../../engine';
import { toErrorShape, type EngineErrorShape } from '../../shared/errors';
import { DOWNLOAD_CSP } from '../security/csp';
import { attachmentHeader, sendJsonError } from './headers';

type DoorEngine = Pick<Engine, 'invoke'>;
type RangeRead = (offset: number, length: number) => Promise<{ base64: string; offset: number; total: number }>;

/** Bytes fetched from the engine per step: big enough to be quick, small enough to stay flat in memory. */
const CHUNK = 1024 * 1024;

/** Keeps ids inside a filename harmless. */
function safePart(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'body';
}

const EXTENSIONS: Record<string, string> = {
  'application/json': '.json',
  'application/xml': '.xml',
  'text/xml': '.xml',
  'text/html': '.html',
  'text/plain': '.txt',
  'text/csv': '.csv',
  'application/pdf': '.pdf',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/svg+xml': '.svg',
  'application/zip': '.zip',
  'application/gzip': '.gz',
  'application/x-www-form-urlencoded': '.txt',
  'multipart/form-data': '.txt',
};

export function extensionFor(contentType: string | null | undefined): string {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (EXTENSIONS[essence]) return EXTENSIONS[essence];
  if (essence.endsWith('+json')) return '.json';
  if (essence.endsWith('+xml')) return '.xml';
  return '.bin';
}

function statusFor(error: EngineErrorShape): number {
  if (error.code === 'NOT_FOUND') return 404;
  if (error.code === 'VALIDATION_FAILED') return 400;
  return 500;
}

/**
 * Streams a body the engine keeps, range by range, as an attachment. The bytes are strangers':
 * they are always `application/octet-stream`, sandboxed by CSP, and never rendered in our origin.
 */
async function streamRanges(res: ServerResponse, filename: string, read: RangeRead, headOnly: boolean): Promise<void> {
  let first: Awaited<ReturnType<RangeRead>>;
  try {
    first = await read(0, CHUNK);
  } catch (err) {
    const shape = toErrorShape(err);
    sendJsonError(res, statusFor(shape), shape);
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Length', first.total);
  res.setHeader('Content-Disposition', attachmentHeader(filename));
  res.setHeader('Content-Security-Policy', DOWNLOAD_CSP);
  res.setHeader('Cache-Control', 'no-store');
  if (headOnly) {
    res.end();
    return;
  }
  let chunk = Buffer.from(first.base64, 'base64');
  let offset = chunk.length;
  for (;;) {
    if (chunk.length > 0 && !res.write(chunk)) {
      await once(res, 'drain');
    }
    if (res.destroyed) return;
    if (offset >= first.total || chunk.length === 0) break;
    try {
      const next = await read(offset, CHUNK);
      chunk = Buffer.from(next.base64, 'base64');
      offset += chunk.length;
    } catch {
      // Headers are out; the only honest signal left is a cut connection (length mismatch).
      res.destroy();
      return;
    }
  }
  res.end();
}

export async function downloadCaptureBody(engine: DoorEngine, res: ServerResponse, id: string, headOnly: boolean): Promise<void> {
  let ext: string;
  try {
    const capture = await engine.invoke('captures.get', { id });
    ext = extensionFor(capture.contentType);
  } catch (err) {
    const shape = toErrorShape(err);
    sendJsonError(res, statusFor(shape), shape);
    return;
  }
  await streamRanges(
    res,
    `capture-${safePart(id)}${ext}`,
    (offset, length) => engine.invoke('captures.body', { id, offset, length }),
    headOnly,
  );
}

export async function downloadResponseBody(
  engine: DoorEngine,
  res: ServerResponse,
  id: string,
  options: { decoded: boolean; filename: string | null },
  headOnly: boolean,
): Promise<void> {
  const filename = options.filename ? safePart(options.filename) : `response-${safePart(id)}.bin`;
  await streamRanges(
    res,
    filename,
    (offset, length) => engine.invoke('http.responseBody', { id, offset, length, decoded: options.decoded }),
    headOnly,
  );
}

export async function downloadHar(
  engine: DoorEngine,
  res: ServerResponse,
  query: URLSearchParams,
  headOnly: boolean,
): Promise<void> {
  const params: { catcherId?: string; text?: string; methods?: string[]; ids?: string[] } = {};
  const catcherId = query.get('catcherId');
  if (catcherId) params.catcherId = catcherId;
  const text = query.get('text');
  if (text) params.text = text;
  const methods = query.getAll('method').flatMap((m) => m.split(',')).filter(Boolean);
  if (methods.length) params.methods = methods;
  const ids = query.getAll('id').flatMap((m) => m.split(',')).filter(Boolean);
  if (ids.length) params.ids = ids;
  let har: string;
  try {
    har = (await engine.invoke('captures.exportHar', params)).har;
  } catch (err) {
    const shape = toErrorShape(err);
    sendJsonError(res, statusFor(shape), shape);
    return;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(har));
  res.setHeader('Content-Disposition', attachmentHeader(`switchboard-${stamp}.har`));
  res.setHeader('Content-Security-Policy', DOWNLOAD_CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.end(headOnly ? undefined : har);
}
