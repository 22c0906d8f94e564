import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Capture } from '../../../src/shared/model/catcher';
import { loadRenderer, type Curl } from './load';

const { shellQuote, toCurl } = await loadRenderer<Curl>('features/webhooks/curl.ts');

const capture = (over: Partial<Capture>): Capture => ({
  id: 'c1', catcherId: 'k1', seq: 1, receivedAt: '2026-01-01T00:00:00.000Z', method: 'POST', url: '/hooks?a=1',
  bodySize: 0, bodyTruncated: false, contentType: null, responseStatus: 200, httpVersion: '1.1',
  headers: [], remoteAddress: '127.0.0.1', remotePort: 5000, forwardedFor: null, declaredLength: null, durationMs: 1,
  ...over,
});

describe('copy as cURL', () => {
  it('quotes for a POSIX shell: the shell gives back the exact string', () => {
    for (const s of [`it's`, `a'b'c`, '$HOME `x` "q" \\ !', 'line1\nline2']) {
      expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(s)}`]).toString()).toBe(s);
    }
  });

  it('keeps headers in order and case, drops the ones curl computes, inlines text bodies', () => {
    const body = new TextEncoder().encode(`{"msg":"it's"}`);
    const cmd = toCurl(
      capture({ headers: [['Host', 'x'], ['X-Custom-CASE', 'v'], ['Content-Length', '14'], ['Content-Type', 'application/json']], bodySize: body.length }),
      'http://127.0.0.1:4000/',
      body,
    );
    expect(cmd).toBe(
      [`curl -X POST 'http://127.0.0.1:4000/hooks?a=1'`, `  -H 'X-Custom-CASE: v'`, `  -H 'Content-Type: application/json'`, `  --data-raw '{"msg":"it'\\''s"}'`].join(' \\\n'),
    );
  });

  it('refers binary or partial bodies to a file instead of inlining them', () => {
    const cmd = toCurl(capture({ bodySize: 3 }), 'http://h', new Uint8Array([0, 1, 2]), 'body-1.bin');
    expect(cmd).toContain(`--data-binary @'body-1.bin'`);
    expect(toCurl(capture({ method: 'GET' }), 'http://h', null)).toBe(`curl 'http://h/hooks?a=1'`);
    expect(toCurl(capture({ method: 'HEAD' }), 'http://h', null)).toBe(`curl --head 'http://h/hooks?a=1'`);
  });
});
