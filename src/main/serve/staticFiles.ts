import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendText } from './headers';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Resolves a URL path inside `root`, or null when it would escape it (`..`, encoded slashes,
 * NUL bytes) or cannot be decoded.
 */
export function resolveStaticPath(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const resolved = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  const rootWithSep = root.endsWith(path.sep) ? root : root + path.sep;
  if (resolved !== root && !resolved.startsWith(rootWithSep)) return null;
  return resolved;
}

/**
 * Serves the built renderer. Paths without an extension fall back to index.html (client-side
 * routes); a missing asset is a 404, never the page, so a broken build shows up as one.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, pathname: string): Promise<void> {
  let file = resolveStaticPath(root, pathname);
  if (!file) {
    sendText(res, 400, 'Bad path.');
    return;
  }
  let stat = await fs.stat(file).catch(() => null);
  if (stat?.isDirectory()) {
    file = path.join(file, 'index.html');
    stat = await fs.stat(file).catch(() => null);
  }
  if (!stat?.isFile()) {
    if (pathname === '/favicon.ico') {
      // Browsers ask for it unprompted; a 404 would only add noise to the console.
      res.statusCode = 204;
      res.end();
      return;
    }
    if (path.extname(pathname) !== '') {
      sendText(res, 404, 'Not found.');
      return;
    }
    file = path.join(root, 'index.html');
    stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) {
      sendText(res, 404, 'The renderer is not built: run `npm run build`.');
      return;
    }
  }
  const ext = path.extname(file).toLowerCase();
  res.statusCode = 200;
  res.setHeader('Content-Type', MIME[ext] ?? 'application/octet-stream');
  res.setHeader('Content-Length', stat.size);
  // Vite fingerprints everything under assets/; the page itself must always be fresh.
  const fingerprinted = pathname.startsWith('/assets/');
  res.setHeader('Cache-Control', fingerprinted ? 'private, max-age=31536000, immutable' : 'no-store');
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
