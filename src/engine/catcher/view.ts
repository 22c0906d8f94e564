import type { Capture, CaptureSummary } from '../../shared/model/catcher';
import { captureId } from '../store/codec';
import type { StoreEntry, StoredCapture } from '../store/captureStore';

// Index entries and stored details → the contract's shapes.

// One ISO string per millisecond: at thousands of captures a second many share one.
let isoMs = -1;
let isoText = '';
export function isoTime(ms: number): string {
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

export function toSummary(e: StoreEntry): CaptureSummary {
  return {
    id: captureId(e.seq),
    catcherId: e.catcherId,
    seq: e.seq,
    receivedAt: isoTime(e.receivedAtMs),
    method: e.method,
    url: e.url,
    bodySize: e.bodySize,
    bodyTruncated: e.bodyTruncated,
    contentType: e.contentType,
    responseStatus: e.responseStatus,
    signatureStatus: (e.signatureStatus as CaptureSummary['signatureStatus']) ?? null,
    duplicateOf: e.duplicateOf,
  };
}

export function toCapture({ entry, detail }: StoredCapture): Capture {
  const capture: Capture = {
    ...toSummary(entry),
    httpVersion: detail.httpVersion,
    headers: detail.headers,
    remoteAddress: detail.remoteAddress,
    remotePort: detail.remotePort,
    forwardedFor: detail.forwardedFor,
    declaredLength: detail.declaredLength,
    durationMs: detail.durationMs,
  };
  if (detail.annotations) capture.annotations = detail.annotations;
  return capture;
}

/** First header value by case-insensitive name. */
export function headerValue(headers: Array<[string, string]>, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [k, v] of headers) if (k.toLowerCase() === lower) return v;
  return null;
}
