import fs from 'node:fs';
import path from 'node:path';
import { blobChecksum, encodeCapture, encodeDetail, encodeMarker, type IndexedCapture } from '../../src/engine/store/codec';

// Writes a capture store directly with the store's own codec: a million captures in seconds
// instead of a million HTTP requests. The files are exactly what CaptureStore writes.

export interface GenOptions {
  dir: string;
  count: number;
  bodySize: number;
  catcherId?: string;
  /** Put `needle` into the body of every n-th capture (0 = never). */
  needleEvery?: number;
  needle?: string;
  /** Leave the bodies as a sparse hole (open never reads them): for huge stores generated quickly. */
  sparseBodies?: boolean;
}

const SEGMENT_IDX = 64 * 1024 * 1024;
const SEGMENT_BODY = 1024 * 1024 * 1024;

export function generateStore(o: GenOptions): void {
  const dir = path.join(o.dir, 'captures');
  fs.mkdirSync(dir, { recursive: true });
  const catcherId = o.catcherId ?? 'kbench000001';
  let segment = 0;
  let idxFd = -1;
  let bodyFd = -1;
  let idxPos = 0;
  let bodyPos = 0;
  let idxChunks: Buffer[] = [];
  let idxChunkBytes = 0;
  let bodyChunks: Buffer[] = [];
  let bodyChunkBytes = 0;
  const flushChunks = (): void => {
    if (idxChunks.length) fs.writeSync(idxFd, Buffer.concat(idxChunks, idxChunkBytes));
    if (bodyChunks.length) fs.writeSync(bodyFd, Buffer.concat(bodyChunks, bodyChunkBytes));
    idxChunks = [];
    bodyChunks = [];
    idxChunkBytes = 0;
    bodyChunkBytes = 0;
  };
  const closeSegment = (): void => {
    if (idxFd < 0) return;
    flushChunks();
    if (o.sparseBodies) fs.ftruncateSync(bodyFd, bodyPos);
    fs.closeSync(idxFd);
    fs.closeSync(bodyFd);
  };
  const openSegment = (nextSeq: number): void => {
    closeSegment();
    segment++;
    const name = String(segment).padStart(6, '0');
    idxFd = fs.openSync(path.join(dir, `${name}.idx`), 'w');
    bodyFd = fs.openSync(path.join(dir, `${name}.body`), 'w');
    idxPos = 0;
    bodyPos = 0;
    const marker = encodeMarker(nextSeq);
    idxChunks.push(marker);
    idxChunkBytes += marker.length;
    idxPos += marker.length;
  };
  const plain = Buffer.alloc(o.bodySize, 'a');
  const withNeedle = Buffer.from(plain);
  if (o.needle) withNeedle.write(o.needle, Math.max(0, Math.floor(o.bodySize / 2) - o.needle.length));
  const t0 = Date.UTC(2026, 0, 1);
  // One detail for all: encoding a million JSON objects would dominate the generation time.
  const mkDetail = (body: Buffer): Buffer =>
    encodeDetail({
      httpVersion: '1.1',
      headers: [
        ['Host', 'hooks.example.test'],
        ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'],
        ['Content-Type', 'application/json; charset=utf-8'],
        ['Content-Length', String(body.length)],
        ['Stripe-Signature', `t=1767225600,v1=${'5d1e'.repeat(16)}`],
        ['X-Request-Id', 'req_1234567890'],
        ['Accept', '*/*'],
      ],
      remoteAddress: '127.0.0.1',
      remotePort: 40000,
      forwardedFor: null,
      declaredLength: body.length,
      durationMs: 0.8,
    });
  const detailPlain = mkDetail(plain);
  const detailNeedle = mkDetail(withNeedle);
  const crcPlain = blobChecksum(detailPlain, plain);
  const crcNeedle = blobChecksum(detailNeedle, withNeedle);
  openSegment(1);
  for (let seq = 1; seq <= o.count; seq++) {
    if (idxPos > SEGMENT_IDX || bodyPos > SEGMENT_BODY) openSegment(seq);
    const body = o.needleEvery && seq % o.needleEvery === 0 ? withNeedle : plain;
    const detail = body === withNeedle ? detailNeedle : detailPlain;
    const c: IndexedCapture = {
      seq,
      receivedAtMs: t0 + seq * 10,
      catcherId,
      method: 'POST',
      url: `/hooks/stripe?event=${seq}`,
      contentType: 'application/json; charset=utf-8',
      bodySize: body.length,
      bodyTruncated: false,
      responseStatus: 200,
      signatureStatus: null,
      duplicateOf: null,
      blobOffset: bodyPos,
      detailLength: detail.length,
      blobCrc: body === withNeedle ? crcNeedle : crcPlain,
    };
    const rec = encodeCapture(c);
    idxChunks.push(rec);
    idxChunkBytes += rec.length;
    idxPos += rec.length;
    if (!o.sparseBodies) {
      bodyChunks.push(detail, body);
      bodyChunkBytes += detail.length + body.length;
    }
    bodyPos += detail.length + body.length;
    if (idxChunkBytes > 8 * 1024 * 1024 || bodyChunkBytes > 32 * 1024 * 1024) flushChunks();
  }
  closeSegment();
}
