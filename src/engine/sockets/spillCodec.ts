import type { WsDirection, WsEntryKind } from '../../shared/model/sockets';
import type { Entry } from './frame';

// A spilled chunk is FrameLog's columns written as they are, not one record per frame: encoding
// is a handful of native copies whatever the number of frames (a per-frame JS loop cost more
// than the rest of logging a small frame). Only the rare parts (client ids, extras, big payloads)
// are walked. Spill files live and die with the process, so the layout is free to change.
//
//   0  u32 MAGIC | u32 count | f64 firstSeq | u32 metaLen | u32 arenaLen | u32 bigLen | u32 0
//   32 f64 times[count] | u32 offs[count] | u32 lens[count] | i32 client[count] | u8 codes[count]
//      meta (JSON: client ids by number, extras by index) | arena bytes | big payloads
//
// codes = direction << 4 | kind, bit 0x80: the payload is at offs in the big part, else in the
// arena part. Payloads come last, so a torn tail (damaged file) loses only the frames whose bytes
// are cut.

export const DIRECTIONS: WsDirection[] = ['in', 'out', 'none'];
export const KINDS: WsEntryKind[] = ['text', 'binary', 'ping', 'pong', 'close', 'info', 'error'];
const DIR_INDEX = new Map(DIRECTIONS.map((d, i) => [d, i]));
const KIND_INDEX = new Map(KINDS.map((k, i) => [k, i]));
const MAGIC = 0x32465753;
const HEADER = 32;
const BIG = 0x80;

export interface FrameExtras {
  rttMs?: number;
  closeCode?: number;
  errorCode?: string;
}

/** Frames being spilled, straight from FrameLog's columns. */
export interface ColumnSource {
  /** Frames 0 … count-1 of the columns; frame i has seq firstSeq + i. */
  count: number;
  firstSeq: number;
  times: Float64Array;
  /** direction << 4 | kind, as indexes into DIRECTIONS and KINDS; bit 0x80 = payload in `big`. */
  codes: Uint8Array;
  /** Offsets into `arena` (frames without bit 0x80). */
  offs: Uint32Array;
  lens: Uint32Array;
  /** Index into clientIds, or -1. */
  clientOf: Int32Array;
  arena: Buffer;
  /** Payloads of bit-0x80 frames by seq, in seq order. */
  big: ReadonlyMap<number, Buffer>;
  clientIds: readonly string[];
  /** By seq, in seq order. */
  extras: ReadonlyMap<number, FrameExtras>;
}

interface Meta {
  ids: Record<string, string>;
  extras: Array<[number, FrameExtras]>;
}

function bytesOf(a: ArrayBufferView, count: number, width: number): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, count * width);
}

export function encodeColumns(src: ColumnSource): Buffer {
  const { count, firstSeq, times, codes, offs, lens, clientOf, arena, big, clientIds, extras } = src;
  const end = firstSeq + count;
  // Client ids in use: frames of one client come in runs, so this is a compare per frame.
  const ids: Record<string, string> = {};
  let last = -1;
  for (let i = 0; i < count; i++) {
    const c = clientOf[i]!;
    if (c !== last) {
      last = c;
      if (c >= 0) ids[c] = clientIds[c]!;
    }
  }
  const meta: Meta = { ids, extras: [] };
  for (const [seq, x] of extras) {
    if (seq >= end) break;
    if (seq >= firstSeq) meta.extras.push([seq - firstSeq, x]);
  }
  const bigParts: Buffer[] = [];
  const bigAt = new Map<number, number>();
  let bigLen = 0;
  for (const [seq, data] of big) {
    if (seq >= end) break;
    if (seq < firstSeq) continue;
    bigAt.set(seq - firstSeq, bigLen);
    bigParts.push(data);
    bigLen += data.length;
  }
  // Arena frames are contiguous from the first one's offset.
  let arenaFrom = -1;
  let arenaTo = 0;
  for (let i = 0; i < count && arenaFrom < 0; i++) if (!(codes[i]! & BIG)) arenaFrom = offs[i]!;
  for (let i = count - 1; i >= 0; i--) {
    if (!(codes[i]! & BIG)) {
      arenaTo = offs[i]! + lens[i]!;
      break;
    }
  }
  if (arenaFrom < 0) arenaFrom = arenaTo = 0;
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const arenaLen = arenaTo - arenaFrom;
  const colsLen = count * (8 + 4 + 4 + 4 + 1);
  const buf = Buffer.allocUnsafe(HEADER + colsLen + metaBytes.length + arenaLen + bigLen);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, count, true);
  view.setFloat64(8, firstSeq, true);
  view.setUint32(16, metaBytes.length, true);
  view.setUint32(20, arenaLen, true);
  view.setUint32(24, bigLen, true);
  view.setUint32(28, 0, true);
  let p = HEADER;
  buf.set(bytesOf(times, count, 8), p);
  p += count * 8;
  const offsAt = p;
  buf.set(bytesOf(offs, count, 4), p);
  p += count * 4;
  buf.set(bytesOf(lens, count, 4), p);
  p += count * 4;
  buf.set(bytesOf(clientOf, count, 4), p);
  p += count * 4;
  buf.set(bytesOf(codes, count, 1), p);
  p += count;
  // Offsets become relative to their part: big frames (rare) one by one; arena frames start at 0
  // in FrameLog, so the loop below is for other sources only.
  if (arenaFrom !== 0) {
    for (let i = 0; i < count; i++) if (!(codes[i]! & BIG)) view.setUint32(offsAt + i * 4, offs[i]! - arenaFrom, true);
  }
  for (const [i, at] of bigAt) view.setUint32(offsAt + i * 4, at, true);
  buf.set(metaBytes, p);
  p += metaBytes.length;
  if (arenaLen > 0) arena.copy(buf, p, arenaFrom, arenaTo);
  p += arenaLen;
  for (const part of bigParts) {
    buf.set(part, p);
    p += part.length;
  }
  return buf;
}

/** Decodes a chunk; frames whose payload a torn tail cut are left out. Payloads are copied out. */
export function decodeEntries(buf: Buffer): Entry[] {
  if (buf.length < HEADER) return [];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  if (view.getUint32(0, true) !== MAGIC) return [];
  const count = view.getUint32(4, true);
  const firstSeq = view.getFloat64(8, true);
  const metaLen = view.getUint32(16, true);
  const arenaLen = view.getUint32(20, true);
  const colsLen = count * (8 + 4 + 4 + 4 + 1);
  const metaAt = HEADER + colsLen;
  const arenaAt = metaAt + metaLen;
  const bigAt = arenaAt + arenaLen;
  if (arenaAt > buf.length) return [];
  let meta: Meta;
  try {
    meta = JSON.parse(buf.toString('utf8', metaAt, arenaAt)) as Meta;
  } catch {
    return [];
  }
  const extras = new Map(meta.extras);
  const timesAt = HEADER;
  const offsAt = timesAt + count * 8;
  const lensAt = offsAt + count * 4;
  const clientAt = lensAt + count * 4;
  const codesAt = clientAt + count * 4;
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const code = buf[codesAt + i]!;
    const len = view.getUint32(lensAt + i * 4, true);
    const from = (code & BIG ? bigAt : arenaAt) + view.getUint32(offsAt + i * 4, true);
    if (from + len > buf.length || (!(code & BIG) && from + len > bigAt)) continue;
    const e: Entry = {
      seq: firstSeq + i,
      time: view.getFloat64(timesAt + i * 8, true),
      direction: DIRECTIONS[(code >> 4) & 0x7] ?? 'none',
      kind: KINDS[code & 0xf] ?? 'info',
      data: Buffer.from(buf.subarray(from, from + len)),
    };
    const c = view.getInt32(clientAt + i * 4, true);
    if (c >= 0) {
      const id = meta.ids[c];
      if (id !== undefined) e.clientId = id;
    }
    const x = extras.get(i);
    if (x) {
      if (x.rttMs !== undefined) e.rttMs = x.rttMs;
      if (x.closeCode !== undefined) e.closeCode = x.closeCode;
      if (x.errorCode !== undefined) e.errorCode = x.errorCode;
    }
    out.push(e);
  }
  return out;
}

/** Entries (consecutive seqs) as one chunk, through the same columns FrameLog spills. */
export function encodeEntries(entries: Entry[]): Buffer {
  const count = entries.length;
  const times = new Float64Array(count);
  const codes = new Uint8Array(count);
  const offs = new Uint32Array(count);
  const lens = new Uint32Array(count);
  const clientOf = new Int32Array(count);
  const clientIds: string[] = [];
  const extras = new Map<number, FrameExtras>();
  const firstSeq = entries[0]?.seq ?? 1;
  let used = 0;
  entries.forEach((e, i) => {
    if (e.seq !== firstSeq + i) throw new Error('encodeEntries: seqs must be consecutive');
    times[i] = e.time;
    codes[i] = ((DIR_INDEX.get(e.direction) ?? 2) << 4) | (KIND_INDEX.get(e.kind) ?? 5);
    offs[i] = used;
    lens[i] = e.data.length;
    used += e.data.length;
    let c = -1;
    if (e.clientId !== undefined) {
      c = clientIds.indexOf(e.clientId);
      if (c < 0) c = clientIds.push(e.clientId) - 1;
    }
    clientOf[i] = c;
    const x: FrameExtras = {};
    if (e.rttMs !== undefined) x.rttMs = e.rttMs;
    if (e.closeCode !== undefined) x.closeCode = e.closeCode;
    if (e.errorCode !== undefined) x.errorCode = e.errorCode;
    if (Object.keys(x).length > 0) extras.set(e.seq, x);
  });
  const arena = Buffer.concat(entries.map((e) => e.data));
  return encodeColumns({ count, firstSeq, times, codes, offs, lens, clientOf, arena, big: new Map(), clientIds, extras });
}
