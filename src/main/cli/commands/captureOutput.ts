import type { Capture } from '../../../shared/model/catcher';

// The shapes `catch` and `captures list` print, shared so scripts can parse both the same way.

export function captureJson(capture: Capture, body: Buffer): Record<string, unknown> {
  return { ...capture, bodyBase64: body.toString('base64') };
}

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** One readable line: time, method, url, size, type, answer, sender. */
export function captureLine(c: Capture): string {
  const time = c.receivedAt.slice(11, 23);
  const type = c.contentType ? `  ${c.contentType.split(';')[0]}` : '';
  const cut = c.bodyTruncated ? ' (truncated)' : '';
  const from = c.forwardedFor ?? c.remoteAddress;
  return `${time}  ${c.method.padEnd(7)} ${c.url}  ${size(c.bodySize)}${cut}${type}  → ${c.responseStatus}  from ${from}`;
}
