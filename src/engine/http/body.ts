import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { MultipartPart, RequestBody } from '../../shared/model/http';
import { SwitchboardError } from '../../shared/errors';

/**
 * A request body that can be opened again (digest retry, 307/308 redirect) with a known length, so
 * every body goes out with Content-Length and files are streamed, never read whole.
 */
export interface BodySource {
  length: number;
  /** Default Content-Type for this kind; a user-set header wins. */
  contentType: string | null;
  open(): Buffer | Readable;
}

export const EMPTY_BODY: BodySource = { length: 0, contentType: null, open: () => Buffer.alloc(0) };

function bufferSource(buf: Buffer, contentType: string | null): BodySource {
  return { length: buf.length, contentType, open: () => buf };
}

const MIME_BY_EXT: Record<string, string> = {
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.xml': 'application/xml',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.mp4': 'video/mp4',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
};

export function guessContentType(file: string): string {
  return MIME_BY_EXT[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

async function fileSize(file: string): Promise<number> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a regular file');
    return s.size;
  } catch (err) {
    throw new SwitchboardError(
      'FILE_READ_FAILED',
      `Cannot read the body file ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** Per the HTML spec's multipart/form-data encoding: quote, and percent-escape CR, LF and '"'. */
function escapeQuoted(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

async function multipartSource(parts: MultipartPart[]): Promise<BodySource> {
  const boundary = `----SwitchboardBoundary${randomBytes(12).toString('hex')}`;
  type Piece = Buffer | { file: string; size: number };
  const pieces: Piece[] = [];
  for (const part of parts) {
    if (!part.enabled) continue;
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(part.name)}"`;
    if (part.kind === 'text') {
      head += '\r\n';
      if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
      pieces.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.from(part.value, 'utf8'), Buffer.from('\r\n'));
    } else {
      const size = await fileSize(part.path);
      const filename = part.filename || path.basename(part.path);
      head += `; filename="${escapeQuoted(filename)}"\r\nContent-Type: ${part.contentType || guessContentType(filename)}\r\n\r\n`;
      pieces.push(Buffer.from(head, 'utf8'), { file: part.path, size }, Buffer.from('\r\n'));
    }
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  const length = pieces.reduce((n, p) => n + (Buffer.isBuffer(p) ? p.length : p.size), 0);
  return {
    length,
    contentType: `multipart/form-data; boundary=${boundary}`,
    open: () =>
      Readable.from(
        (async function* () {
          for (const p of pieces) {
            if (Buffer.isBuffer(p)) yield p;
            else for await (const chunk of createReadStream(p.file)) yield chunk as Buffer;
          }
        })(),
        { objectMode: false },
      ),
  };
}

/** Builds the body; Content-Type defaults follow what Postman sends for each kind. */
export async function bodySource(body: RequestBody): Promise<BodySource> {
  switch (body.kind) {
    case 'none':
      return EMPTY_BODY;
    case 'json':
      return bufferSource(Buffer.from(body.text, 'utf8'), 'application/json');
    case 'text':
      return bufferSource(Buffer.from(body.text, 'utf8'), body.contentType || 'text/plain');
    case 'xml':
      return bufferSource(Buffer.from(body.text, 'utf8'), 'application/xml');
    case 'form': {
      const params = new URLSearchParams();
      for (const f of body.fields) if (f.enabled) params.append(f.name, f.value);
      return bufferSource(Buffer.from(params.toString(), 'utf8'), 'application/x-www-form-urlencoded');
    }
    case 'multipart':
      return multipartSource(body.parts);
    case 'binary': {
      const size = await fileSize(body.path);
      const file = body.path;
      return {
        length: size,
        contentType: body.contentType || guessContentType(file),
        open: () => createReadStream(file),
      };
    }
    case 'raw': {
      if (!/^[A-Za-z0-9+/\-_]*={0,2}$/.test(body.base64.replace(/\s+/g, ''))) {
        throw new SwitchboardError('VALIDATION_FAILED', 'The raw body is not valid base64.');
      }
      return bufferSource(Buffer.from(body.base64, 'base64'), body.contentType || 'application/octet-stream');
    }
    case 'graphql': {
      const payload: { query: string; variables?: unknown; operationName?: string } = { query: body.query };
      if (body.variables.trim()) {
        try {
          payload.variables = JSON.parse(body.variables) as unknown;
        } catch (err) {
          throw new SwitchboardError(
            'VALIDATION_FAILED',
            `The GraphQL variables are not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
      if (body.operationName) payload.operationName = body.operationName;
      return bufferSource(Buffer.from(JSON.stringify(payload), 'utf8'), 'application/json');
    }
  }
}
