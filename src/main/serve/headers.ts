import type { ServerResponse } from 'node:http';
import { rendererCsp } from '../security/csp';
import type { EngineErrorShape } from '../../shared/errors';

/**
 * Headers on every response. No Access-Control-Allow-* at all: the door serves its own page only,
 * and a missing ACAO keeps every cross-origin read blocked by the browser.
 */
export function applySecurityHeaders(res: ServerResponse, hostHeader: string | undefined): void {
  const connect = hostHeader ? [`ws://${hostHeader.trim().toLowerCase()}`] : [];
  res.setHeader('Content-Security-Policy', rendererCsp({ connectSrc: connect }));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), usb=(), payment=()');
}

export function sendJsonError(res: ServerResponse, status: number, error: EngineErrorShape): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.setHeader('Cache-Control', 'no-store');
  res.end(text);
}

/** RFC 6266 filename with an ASCII fallback; the id part is already sanitised by callers. */
export function attachmentHeader(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
