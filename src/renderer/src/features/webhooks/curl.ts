import type { Capture } from '../../../../shared/model/catcher';
import { looksLikeText } from '../../components/bodyDecode';

/** POSIX shell single-quoting: 'it'\''s'. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

// curl computes these itself; sending the captured ones would conflict or lie.
const SKIP = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'expect']);

/**
 * A curl command that replays the capture against `baseUrl` (the catcher's URL by default).
 * Text bodies go inline with --data-raw; binary or large ones are referenced as a file the user
 * downloads with "Download body".
 */
export function toCurl(capture: Capture, baseUrl: string, body: Uint8Array | null, bodyFileName = 'body.bin'): string {
  const lines: string[] = [];
  const method = capture.method.toUpperCase();
  const url = baseUrl.replace(/\/$/, '') + capture.url;
  const hasBody = capture.bodySize > 0;
  const head = method === 'HEAD' ? 'curl --head' : method === 'GET' && !hasBody ? 'curl' : `curl -X ${method}`;
  lines.push(`${head} ${shellQuote(url)}`);
  for (const [name, value] of capture.headers) {
    if (SKIP.has(name.toLowerCase())) continue;
    lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (hasBody) {
    const complete = body !== null && body.length === capture.bodySize;
    if (complete && body.length <= 64 * 1024 && looksLikeText(body)) {
      lines.push(`  --data-raw ${shellQuote(new TextDecoder().decode(body))}`);
    } else {
      lines.push(`  --data-binary @${shellQuote(bodyFileName)}`);
    }
  }
  return lines.join(' \\\n');
}

/** The sample request shown in a new catcher's empty state. */
export function sampleCurl(url: string): string {
  return `curl -X POST ${shellQuote(url.replace(/\/$/, '') + '/webhooks/test')} \\\n  -H 'Content-Type: application/json' \\\n  -d '{"event":"ping","id":1}'`;
}
