import type { ForwardConfig, ForwardResult } from '../../shared/model/webhookTools';
import type { HeaderPairs } from '../../shared/model/common';
import { toErrorShape } from '../../shared/errors';
import { joinTarget, relayHeaders } from './relay';
import { rawSend } from './rawSend';

export interface ForwardInput {
  method: string;
  url: string;
  headers: HeaderPairs;
  body: Buffer;
  remoteAddress: string;
}

/** Response bytes read from the target (what pass-through can answer with). */
export const FORWARD_MAX_BODY = 10 * 1024 * 1024;
/** Response bytes kept on the capture's annotation; the rest is cut and flagged. */
export const FORWARD_RECORD_MAX = 256 * 1024;

/** Relay one capture to the target; never throws (a down target is a result, not a failure). */
export async function forwardCapture(config: ForwardConfig, input: ForwardInput): Promise<{ result: ForwardResult; body: Buffer }> {
  let url: string;
  try {
    url = joinTarget(config.target, input.url);
  } catch (err) {
    return { result: { target: config.target, error: toErrorShape(err), durationMs: 0 }, body: Buffer.alloc(0) };
  }
  const headers = relayHeaders({ headers: input.headers, targetUrl: url, bodyLength: input.body.length, remoteAddress: input.remoteAddress, protocol: 'http' });
  const out = await rawSend({ method: input.method, url, headers, body: input.body, timeoutMs: config.timeoutMs, maxBody: FORWARD_MAX_BODY });
  if (!out.ok) return { result: { target: url, error: out.error, durationMs: out.durationMs }, body: Buffer.alloc(0) };
  return {
    result: {
      target: url,
      status: out.status,
      headers: out.headers,
      bodyBase64: out.body.subarray(0, FORWARD_RECORD_MAX).toString('base64'),
      durationMs: out.durationMs,
      ...(out.bodyTruncated || out.body.length > FORWARD_RECORD_MAX ? { bodyTruncated: true } : {}),
    },
    body: out.body,
  };
}
