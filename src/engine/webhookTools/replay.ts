import type { HeaderPairs } from '../../shared/model/common';
import type { RequestSpec, ResponseRecord } from '../../shared/model/http';
import { DEFAULT_REQUEST_SETTINGS } from '../../shared/model/http';
import { SIGNATURE_SCHEME_LABELS, type ReplayResult, type SignatureScheme } from '../../shared/model/webhookTools';
import { toErrorShape } from '../../shared/errors';
import { detectScheme, resign } from './signatures';
import { parseTargetUrl, rawSend } from './rawSend';
import type { LiveSecret } from './configStore';

/** The sender's api (issue 5), when present: replays then land in history. */
export interface SenderPort {
  send(spec: RequestSpec, opts?: { source?: string }): Promise<ResponseRecord>;
  readBody(id: string, opts?: { decoded?: boolean }): Promise<Buffer>;
}

const DROP = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade', 'proxy-connection']);

export interface ReplayInput {
  captureId: string;
  method: string;
  headers: HeaderPairs;
  body: Buffer;
  /** Full URL to send to. */
  url: string;
  resign: boolean;
  secrets: LiveSecret[];
  timeoutMs: number;
  nowSeconds: number;
}

/** Headers and URL after optional re-signing; `resigned` explains what happened. */
export function prepareReplay(input: ReplayInput): { url: string; headers: HeaderPairs; resigned: ReplayResult['resigned'] } {
  parseTargetUrl(input.url);
  let headers: HeaderPairs = input.headers.filter(([n]) => !DROP.has(n.toLowerCase()));
  let url = input.url;
  let resigned: ReplayResult['resigned'] = null;
  if (input.resign) {
    const scheme: SignatureScheme | null = detectScheme(headers);
    if (!scheme) {
      resigned = null;
    } else {
      const secret = input.secrets.find((s) => s.scheme === scheme);
      if (!secret) {
        resigned = { scheme, ok: false, message: `No ${SIGNATURE_SCHEME_LABELS[scheme]} secret is configured for this catcher; sent with the original signature.` };
      } else {
        try {
          const out = resign(scheme, { body: input.body, timestamp: input.nowSeconds, headers, url }, secret.secret);
          headers = out.headersOut;
          if (out.url) url = out.url;
          resigned = { scheme, ok: true, message: `Re-signed with "${secret.label}" at ${new Date(input.nowSeconds * 1000).toISOString()}.` };
        } catch (err) {
          resigned = { scheme, ok: false, message: toErrorShape(err).message };
        }
      }
    }
  }
  return { url, headers, resigned };
}

export async function sendReplay(
  input: ReplayInput,
  sender: SenderPort | null,
): Promise<ReplayResult> {
  let prepared: ReturnType<typeof prepareReplay>;
  try {
    prepared = prepareReplay(input);
  } catch (err) {
    return { captureId: input.captureId, url: input.url, resigned: null, outcome: { ok: false, error: toErrorShape(err), durationMs: 0 } };
  }
  const { url, headers, resigned } = prepared;
  const base = { captureId: input.captureId, url, resigned };
  if (sender) {
    const spec: RequestSpec = {
      name: `Replay of ${input.captureId}`,
      method: input.method,
      url,
      headers: headers.map(([name, value]) => ({ name, value, enabled: true })),
      body: input.body.length > 0 || !['GET', 'HEAD'].includes(input.method.toUpperCase()) ? { kind: 'raw', base64: input.body.toString('base64') } : { kind: 'none' },
      auth: { kind: 'none' },
      settings: { ...DEFAULT_REQUEST_SETTINGS, followRedirects: false, timeoutMs: input.timeoutMs },
    };
    const started = performance.now();
    try {
      const res = await sender.send(spec, { source: 'replay' });
      const body = await sender.readBody(res.id, { decoded: true }).catch(() => Buffer.alloc(0));
      return {
        ...base,
        outcome: { ok: true, status: res.status, headers: res.headers, bodyBase64: body.subarray(0, 256 * 1024).toString('base64'), durationMs: res.timings.total, historyId: res.id },
      };
    } catch (err) {
      return { ...base, outcome: { ok: false, error: toErrorShape(err), durationMs: Math.round(performance.now() - started) } };
    }
  }
  const host = new URL(url).host;
  const out = await rawSend({
    method: input.method,
    url,
    headers: [['Host', host], ...headers, ['Content-Length', String(input.body.length)]],
    body: input.body,
    timeoutMs: input.timeoutMs,
    maxBody: 256 * 1024,
  });
  if (!out.ok) return { ...base, outcome: { ok: false, error: out.error, durationMs: out.durationMs } };
  return { ...base, outcome: { ok: true, status: out.status, headers: out.headers, bodyBase64: out.body.toString('base64'), durationMs: out.durationMs } };
}
