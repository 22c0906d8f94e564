import { crc32 } from './checksum';
import type { HeaderPairs } from '../../shared/model/common';
import type { CaptureAnnotations } from '../../shared/model/webhookTools';

// The capture store's on-disk format, as pure functions (no I/O) so it can be tested byte by byte.
//
// A segment is two files: `NNNNNN.idx` holds small fixed records (the list index), `NNNNNN.body`
// holds each capture's detail JSON followed by its raw body bytes. Opening the store reads only the
// .idx files, so a million captures open without touching their bodies.
//
// Every .idx record: u32 payloadLength | u32 crc32(payload) | payload, payload[0] = record kind.
// A record whose length runs past the end of the file or whose checksum fails is a torn tail.
//
// The .body file is the write-ahead log: each blob is preceded by a copy of its capture record
// (blobOffset = where that record ends), and only the .body file is fsynced before a capture is
// acknowledged. The .idx file is written after that fsync without one of its own, so after a power
// cut it may lack the newest records; opening rebuilds them from the records in front of the blobs
// past the last indexed one (stores written before this layout have bare blobs, never re-read so).

export const RECORD_HEADER = 8;

/** A segment's file name: `000001.idx`, `000001.body`. */
export const segName = (n: number, ext: 'idx' | 'body'): string => `${String(n).padStart(6, '0')}.${ext}`;
/** Far above any real record (URL ≤ a few hundred KiB); a larger length means garbage. */
export const MAX_RECORD = 16 * 1024 * 1024;

export const enum RecordKind {
  /** Starts every segment; carries the next seq so ids stay unique after old segments are cleared. */
  Marker = 1,
  Capture = 2,
  /** Annotations / answered status added after the capture was stored; merged on read. */
  Update = 3,
  /** Captures of one catcher (or all) up to a seq are gone. */
  Clear = 4,
}

/** Fields of a capture that live in the index (everything the list needs). */
export interface IndexedCapture {
  seq: number;
  receivedAtMs: number;
  catcherId: string;
  method: string;
  url: string;
  contentType: string | null;
  bodySize: number;
  bodyTruncated: boolean;
  responseStatus: number;
  signatureStatus: string | null;
  duplicateOf: string | null;
  /** Where the detail JSON starts in the segment's .body file; the body follows it. */
  blobOffset: number;
  detailLength: number;
  /** crc32 of detail + body, checked when read back. */
  blobCrc: number;
}

/** Fields of a capture kept in the .body file next to the bytes (read on demand). */
export interface CaptureDetail {
  httpVersion: string;
  headers: HeaderPairs;
  remoteAddress: string;
  remotePort: number;
  forwardedFor: string | null;
  declaredLength: number | null;
  durationMs: number;
  annotations?: Partial<CaptureAnnotations>;
}

export interface CaptureUpdate {
  responseStatus?: number;
  durationMs?: number;
  annotations?: Partial<CaptureAnnotations>;
}

export type StoreRecord =
  | { kind: RecordKind.Marker; nextSeq: number }
  | { kind: RecordKind.Capture; capture: IndexedCapture }
  | { kind: RecordKind.Update; seq: number; update: CaptureUpdate }
  | { kind: RecordKind.Clear; uptoSeq: number; catcherId: string | null };

const NULL_STRING = 0xffffffff;

function strLen(s: string | null): number {
  return 4 + (s === null ? 0 : Buffer.byteLength(s, 'utf8'));
}

function writeStr(buf: Buffer, pos: number, s: string | null): number {
  if (s === null) {
    buf.writeUInt32LE(NULL_STRING, pos);
    return pos + 4;
  }
  // Short ASCII strings (ids, methods, content types) are copied in JS: cheaper than a native call.
  if (s.length <= 48) {
    let i = 0;
    for (; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      if (ch > 0x7f) break;
      buf[pos + 4 + i] = ch;
    }
    if (i === s.length) {
      buf.writeUInt32LE(i, pos);
      return pos + 4 + i;
    }
  }
  const n = buf.write(s, pos + 4, 'utf8');
  buf.writeUInt32LE(n, pos);
  return pos + 4 + n;
}

function frame(payloadLength: number, fill: (buf: Buffer, pos: number) => number): Buffer {
  const buf = Buffer.allocUnsafe(RECORD_HEADER + payloadLength);
  const end = fill(buf, RECORD_HEADER);
  if (end !== buf.length) throw new Error(`record encoder wrote ${end - RECORD_HEADER} of ${payloadLength} bytes`);
  buf.writeUInt32LE(payloadLength, 0);
  buf.writeUInt32LE(crc32(buf.subarray(RECORD_HEADER)), 4);
  return buf;
}

export function encodeMarker(nextSeq: number): Buffer {
  return frame(1 + 8, (buf, pos) => {
    buf[pos] = RecordKind.Marker;
    buf.writeDoubleLE(nextSeq, pos + 1);
    return pos + 9;
  });
}

const CAPTURE_FIXED = 1 + 8 + 8 + 8 + 4 + 4 + 4 + 2 + 1;

/** Bytes a capture record can take at most (UTF-8 is at most 3 bytes per UTF-16 unit). */
export function maxCaptureRecord(c: IndexedCapture): number {
  const chars = c.catcherId.length + c.method.length + c.url.length + (c.contentType?.length ?? 0) + (c.signatureStatus?.length ?? 0) + (c.duplicateOf?.length ?? 0);
  return RECORD_HEADER + CAPTURE_FIXED + 6 * 4 + 3 * chars;
}

/**
 * Writes a framed capture record at `start` (room for maxCaptureRecord(c) bytes needed) and returns
 * where it ends. The group commit writes a batch's records into one buffer this way.
 *
 * With `blobAt` (the file offset of `start` in the .body file) the record is the one written in
 * front of its blob: `c.blobOffset` is set to where the record ends, i.e. where the detail starts.
 */
export function writeCaptureRecord(buf: Buffer, start: number, c: IndexedCapture, blobAt?: number): number {
  const p = start + RECORD_HEADER;
  buf[p] = RecordKind.Capture;
  buf.writeDoubleLE(c.seq, p + 1);
  buf.writeDoubleLE(c.receivedAtMs, p + 9);
  buf.writeDoubleLE(c.blobOffset, p + 17);
  buf.writeUInt32LE(c.detailLength, p + 25);
  buf.writeUInt32LE(c.bodySize, p + 29);
  buf.writeUInt32LE(c.blobCrc >>> 0, p + 33);
  buf.writeUInt16LE(c.responseStatus, p + 37);
  buf[p + 39] = c.bodyTruncated ? 1 : 0;
  let pos = p + CAPTURE_FIXED;
  pos = writeStr(buf, pos, c.catcherId);
  pos = writeStr(buf, pos, c.method);
  pos = writeStr(buf, pos, c.url);
  pos = writeStr(buf, pos, c.contentType);
  pos = writeStr(buf, pos, c.signatureStatus);
  pos = writeStr(buf, pos, c.duplicateOf);
  if (blobAt !== undefined) {
    c.blobOffset = blobAt + (pos - start);
    buf.writeDoubleLE(c.blobOffset, p + 17);
  }
  buf.writeUInt32LE(pos - p, start);
  buf.writeUInt32LE(crc32(buf.subarray(p, pos)), start + 4);
  return pos;
}

export function encodeCapture(c: IndexedCapture): Buffer {
  const buf = Buffer.allocUnsafe(maxCaptureRecord(c));
  return buf.subarray(0, writeCaptureRecord(buf, 0, c));
}

export function encodeUpdate(seq: number, update: CaptureUpdate): Buffer {
  const json = JSON.stringify(update);
  return frame(1 + 8 + Buffer.byteLength(json), (buf, p) => {
    buf[p] = RecordKind.Update;
    buf.writeDoubleLE(seq, p + 1);
    return p + 9 + buf.write(json, p + 9, 'utf8');
  });
}

export function encodeClear(uptoSeq: number, catcherId: string | null): Buffer {
  return frame(1 + 8 + strLen(catcherId), (buf, p) => {
    buf[p] = RecordKind.Clear;
    buf.writeDoubleLE(uptoSeq, p + 1);
    return writeStr(buf, p + 9, catcherId);
  });
}

export type ReadResult =
  | { ok: true; record: StoreRecord; next: number }
  /** The buffer ends inside this record: read more, or (at end of file) it is a torn tail. */
  | { ok: false; reason: 'incomplete' }
  | { ok: false; reason: 'corrupt'; message: string };

/** Small strings repeat (catcher ids, methods, content types): share one copy in memory. */
export class Interner {
  private readonly map = new Map<string, string>();
  get(s: string): string {
    const found = this.map.get(s);
    if (found !== undefined) return found;
    if (this.map.size < 10_000) this.map.set(s, s);
    return s;
  }
}

/**
 * Decoding a million records is mostly string decoding: consecutive records usually repeat the
 * catcher id, method and content type, so each slot remembers its last bytes and reuses the string.
 */
/** Short ranges compare faster in a JS loop than through Buffer.compare's native call. */
function sameBytes(a: Buffer, aStart: number, b: Buffer, bStart: number, len: number): boolean {
  if (len > 64) return a.compare(b, bStart, bStart + len, aStart, aStart + len) === 0;
  for (let i = 0; i < len; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

class SlotCache {
  private start = -1;
  private len = -1;
  private buf: Buffer | null = null;
  private value: string | null = null;
  get(buf: Buffer, start: number, len: number, interner: Interner | undefined): string {
    if (len === this.len && this.buf !== null && this.value !== null && sameBytes(buf, start, this.buf, this.start, len)) {
      return this.value;
    }
    let v = buf.toString('utf8', start, start + len);
    if (interner) v = interner.get(v);
    this.buf = buf;
    this.start = start;
    this.len = len;
    this.value = v;
    return v;
  }
  /** Drops the reference to the last buffer (a whole segment index while opening). */
  reset(): void {
    this.buf = null;
    this.value = null;
    this.len = -1;
  }
}

const slots = { catcher: new SlotCache(), method: new SlotCache(), type: new SlotCache(), sig: new SlotCache() };

/** Call after decoding a large buffer so the caches do not keep it alive. */
export function releaseDecodeCaches(): void {
  for (const slot of Object.values(slots)) slot.reset();
}

/** Where the last readStr call ended (saves allocating a tuple per string on the hot path). */
let strEnd = 0;

/** Reads a length-prefixed string at `pos` (end position in `strEnd`); `slot` reuses repeated values. */
function readStr(buf: Buffer, pos: number, end: number, slot: SlotCache | null, interner: Interner | undefined): string | null {
  if (pos + 4 > end) throw new RangeError('string length past record end');
  const n = buf.readUInt32LE(pos);
  if (n === NULL_STRING) {
    strEnd = pos + 4;
    return null;
  }
  const start = pos + 4;
  if (start + n > end) throw new RangeError('string past record end');
  strEnd = start + n;
  return slot ? slot.get(buf, start, n, interner) : buf.toString('utf8', start, start + n);
}

type FrameFailure = Exclude<ReadResult, { ok: true }>;
const INCOMPLETE: FrameFailure = { ok: false, reason: 'incomplete' };
const CHECKSUM_MISMATCH: FrameFailure = { ok: false, reason: 'corrupt', message: 'checksum mismatch' };

/**
 * The framing of the record at `pos` (length, and checksum when `verify`): where it ends, or why it
 * cannot be read. A number on success so that opening a million records allocates nothing here.
 */
function frameAt(buf: Buffer, pos: number, verify: boolean): number | FrameFailure {
  if (pos + RECORD_HEADER > buf.length) return INCOMPLETE;
  const len = buf.readUInt32LE(pos);
  if (len < 9 || len > MAX_RECORD) return { ok: false, reason: 'corrupt', message: `bad record length ${len}` };
  const end = pos + RECORD_HEADER + len;
  if (end > buf.length) return INCOMPLETE;
  if (verify && crc32(buf.subarray(pos + RECORD_HEADER, end)) !== buf.readUInt32LE(pos + 4)) return CHECKSUM_MISMATCH;
  return end;
}

/**
 * Checks the record at `pos` (framing and checksum) without decoding it; the end of it when whole.
 * For records already decoded once: a checksum that holds means the bytes are the ones written.
 */
export function checkRecord(buf: Buffer, pos: number): { ok: true; next: number } | FrameFailure {
  const end = frameAt(buf, pos, true);
  return typeof end === 'number' ? { ok: true, next: end } : end;
}

/**
 * Decodes the record at `pos`. `verify` checks the checksum (on open we verify every record: it is
 * what tells a torn tail from a good one).
 */
export function readRecord(buf: Buffer, pos: number, interner?: Interner, verify = true, segment = 0): ReadResult {
  const end = frameAt(buf, pos, verify);
  if (typeof end !== 'number') return end;
  try {
    const record = decodePayload(buf, pos + RECORD_HEADER, end, interner, segment);
    return { ok: true, record, next: end };
  } catch (err) {
    return { ok: false, reason: 'corrupt', message: err instanceof Error ? err.message : String(err) };
  }
}

/** An index entry as decoded, with the store's two bookkeeping fields (see decodeCapture). */
export type DecodedCapture = IndexedCapture & { segment: number; updates: number[] | null };

function decodeCapture(buf: Buffer, p: number, end: number, interner: Interner | undefined, segment: number): DecodedCapture {
  if (p + CAPTURE_FIXED > end) throw new RangeError('capture record too short');
  const catcherId = readStr(buf, p + CAPTURE_FIXED, end, slots.catcher, interner);
  const method = readStr(buf, strEnd, end, slots.method, interner);
  const url = readStr(buf, strEnd, end, null, undefined);
  const contentType = readStr(buf, strEnd, end, slots.type, interner);
  const signatureStatus = readStr(buf, strEnd, end, slots.sig, interner);
  const duplicateOf = readStr(buf, strEnd, end, null, undefined);
  return {
    seq: buf.readDoubleLE(p + 1),
    receivedAtMs: buf.readDoubleLE(p + 9),
    blobOffset: buf.readDoubleLE(p + 17),
    detailLength: buf.readUInt32LE(p + 25),
    bodySize: buf.readUInt32LE(p + 29),
    blobCrc: buf.readUInt32LE(p + 33),
    responseStatus: buf.readUInt16LE(p + 37),
    bodyTruncated: buf[p + 39] === 1,
    catcherId: catcherId ?? '',
    method: method ?? '',
    url: url ?? '',
    contentType,
    signatureStatus,
    duplicateOf,
    // Created with the store's two bookkeeping fields so the object never changes shape.
    segment,
    updates: null,
  };
}

/** Where the record read by the last successful readCaptureEntry ends. */
export let captureEnd = 0;

/**
 * Opening's fast path (nearly every record is a capture): the capture record at `pos` decoded
 * straight into its entry, its end in `captureEnd`; null when the record there is anything else,
 * damaged or incomplete (readRecord then says which). readRecord's two wrapper objects per record
 * were two million short-lived allocations when opening a million captures.
 */
export function readCaptureEntry(buf: Buffer, pos: number, interner: Interner, verify: boolean, segment: number): DecodedCapture | null {
  const end = frameAt(buf, pos, verify);
  if (typeof end !== 'number' || buf[pos + RECORD_HEADER] !== RecordKind.Capture) return null;
  try {
    const entry = decodeCapture(buf, pos + RECORD_HEADER, end, interner, segment);
    captureEnd = end;
    return entry;
  } catch {
    return null;
  }
}

/** What counting a record needs (see OlderSegments.add); one object reused for every record. */
export interface CaptureFacts {
  kind: number;
  /** Where the record ends. */
  next: number;
  /** A capture's seq, or a marker's next seq. */
  seq: number;
  /** Where a capture's blob ends in its body file. */
  blobEnd: number;
  catcherId: string;
  uptoSeq: number;
  clearCatcherId: string | null;
}

/**
 * The few facts of the record at `pos` that counting needs, into `out`, without building an
 * entry; false when the record is damaged, incomplete or unknown.
 */
export function captureFacts(buf: Buffer, pos: number, verify: boolean, out: CaptureFacts): boolean {
  const end = frameAt(buf, pos, verify);
  if (typeof end !== 'number') return false;
  const p = pos + RECORD_HEADER;
  out.kind = buf[p] as number;
  out.next = end;
  try {
    switch (out.kind) {
      case RecordKind.Capture:
        if (p + CAPTURE_FIXED > end) return false;
        out.seq = buf.readDoubleLE(p + 1);
        out.blobEnd = buf.readDoubleLE(p + 17) + buf.readUInt32LE(p + 25) + buf.readUInt32LE(p + 29);
        out.catcherId = readStr(buf, p + CAPTURE_FIXED, end, slots.catcher, undefined) ?? '';
        return true;
      case RecordKind.Clear:
        out.uptoSeq = buf.readDoubleLE(p + 1);
        out.clearCatcherId = readStr(buf, p + 9, end, null, undefined);
        return true;
      case RecordKind.Marker:
        out.seq = buf.readDoubleLE(p + 1);
        return true;
      case RecordKind.Update:
        return true;
      default:
        return false;
    }
  } catch {
    return false;
  }
}

function decodePayload(buf: Buffer, p: number, end: number, interner: Interner | undefined, segment: number): StoreRecord {
  const kind = buf[p];
  switch (kind) {
    case RecordKind.Marker:
      return { kind: RecordKind.Marker, nextSeq: buf.readDoubleLE(p + 1) };
    case RecordKind.Capture:
      return { kind: RecordKind.Capture, capture: decodeCapture(buf, p, end, interner, segment) };
    case RecordKind.Update:
      return {
        kind: RecordKind.Update,
        seq: buf.readDoubleLE(p + 1),
        update: JSON.parse(buf.toString('utf8', p + 9, end)) as CaptureUpdate,
      };
    case RecordKind.Clear:
      return { kind: RecordKind.Clear, uptoSeq: buf.readDoubleLE(p + 1), catcherId: readStr(buf, p + 9, end, null, undefined) };
    default:
      throw new RangeError(`unknown record kind ${String(kind)}`);
  }
}

/** The blob written to the .body file: detail JSON then the body bytes. */
export function encodeDetail(detail: DetailInput): Buffer {
  return Buffer.from(detailText(detail), 'utf8');
}

// Most captures share one annotations object (see the webhook tools' annotate): encode it once.
let lastAnnotations: unknown = null;
let lastAnnotationsJson = '';
function annotationsJson(a: NonNullable<CaptureDetail['annotations']>): string {
  if (a !== lastAnnotations || !Object.isFrozen(a)) {
    lastAnnotations = a;
    lastAnnotationsJson = JSON.stringify(a);
  }
  return lastAnnotationsJson;
}

function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/**
 * The detail as the JSON text stored in front of the body. Headers are stored as one flat array
 * (`"rawHeaders":["Name","value",…]`, as node gives them) rather than pairs: one call to the
 * native stringifier instead of an array per header, which made detail encoding the largest single
 * cost of storing a small capture. decodeDetail turns them back into pairs; details written as
 * `"headers":[[…]]` before this still decode.
 */
/** A detail to write, with the headers as node's flat rawHeaders list (encoded as is) or as pairs. */
export type DetailInput = CaptureDetail | (Omit<CaptureDetail, 'headers'> & { rawHeaders: readonly string[] });

export function detailText(d: DetailInput): string {
  let flat: readonly string[];
  if ('rawHeaders' in d) flat = d.rawHeaders;
  else {
    const pairs: string[] = [];
    for (const [name, value] of d.headers) pairs.push(name, value);
    flat = pairs;
  }
  let out = `{"httpVersion":${JSON.stringify(d.httpVersion)},"rawHeaders":${JSON.stringify(flat)}`;
  out += `,"remoteAddress":${JSON.stringify(d.remoteAddress)},"remotePort":${jsonNumber(d.remotePort)}`;
  out += `,"forwardedFor":${d.forwardedFor === null ? 'null' : JSON.stringify(d.forwardedFor)}`;
  out += `,"declaredLength":${d.declaredLength === null ? 'null' : jsonNumber(d.declaredLength)},"durationMs":${jsonNumber(d.durationMs)}`;
  if (d.annotations !== undefined) out += `,"annotations":${annotationsJson(d.annotations)}`;
  return `${out}}`;
}

export function decodeDetail(buf: Buffer): CaptureDetail {
  const parsed = JSON.parse(buf.toString('utf8')) as CaptureDetail & { rawHeaders?: string[] };
  if (parsed.rawHeaders) {
    const headers: HeaderPairs = [];
    const raw = parsed.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i] as string, raw[i + 1] as string]);
    const { rawHeaders: _flat, ...rest } = parsed;
    return { ...rest, headers };
  }
  return parsed;
}

/** CRC-32 of a blob: its detail, then its body (whole, or in the pieces it arrived in). */
export function blobChecksum(detail: Buffer, body: Buffer | readonly Buffer[]): number {
  let crc = crc32(detail);
  for (const part of Buffer.isBuffer(body) ? [body] : body) crc = crc32(part, crc);
  return crc;
}

/** Capture ids are derived from seq, which never repeats within a data directory. */
export function captureId(seq: number): string {
  return `c${seq.toString(36).padStart(6, '0')}`;
}

export function seqFromId(id: string): number | null {
  if (!/^c[0-9a-z]{1,12}$/.test(id)) return null;
  const n = parseInt(id.slice(1), 36);
  return Number.isSafeInteger(n) ? n : null;
}
