import type { WsDirection, WsEntryKind } from '../../shared/model/sockets';
import type { Entry } from './frame';

// Spilled frames are binary records, not JSON: encoding them is a memcpy of the payload plus a
// few fixed fields, which keeps logging every frame cheap at 100,000+ frames a second.
//   u32 length of the rest | f64 seq | f64 time | u8 direction | u8 kind | u8 flags
//   [u16 n + clientId] [f64 rttMs] [u16 closeCode] [u16 n + errorCode] | payload

export const DIRECTIONS: WsDirection[] = ['in', 'out', 'none'];
export const KINDS: WsEntryKind[] = ['text', 'binary', 'ping', 'pong', 'close', 'info', 'error'];
const DIR_INDEX = new Map(DIRECTIONS.map((d, i) => [d, i]));
const KIND_INDEX = new Map(KINDS.map((k, i) => [k, i]));
const FIXED = 4 + 8 + 8 + 3;

// Client ids repeat on every frame of a server log: encode each once.
const idCache = new Map<string, Buffer>();
function idBytes(id: string): Buffer {
  let b = idCache.get(id);
  if (!b) {
    if (idCache.size > 10_000) idCache.clear();
    b = Buffer.from(id, 'utf8');
    idCache.set(id, b);
  }
  return b;
}

function recordSize(e: Entry): number {
  let n = FIXED + e.data.length;
  if (e.clientId !== undefined) n += 2 + idBytes(e.clientId).length;
  if (e.rttMs !== undefined) n += 8;
  if (e.closeCode !== undefined) n += 2;
  if (e.errorCode !== undefined) n += 2 + Buffer.byteLength(e.errorCode);
  return n;
}

export function encodeEntries(entries: Entry[]): Buffer {
  let total = 0;
  for (const e of entries) total += recordSize(e);
  const buf = Buffer.allocUnsafe(total);
  let off = 0;
  for (const e of entries) {
    const start = off;
    off += 4;
    buf.writeDoubleLE(e.seq, off);
    buf.writeDoubleLE(e.time, off + 8);
    buf[off + 16] = DIR_INDEX.get(e.direction) ?? 2;
    buf[off + 17] = KIND_INDEX.get(e.kind) ?? 5;
    const flags = (e.clientId !== undefined ? 1 : 0) | (e.rttMs !== undefined ? 2 : 0) | (e.closeCode !== undefined ? 4 : 0) | (e.errorCode !== undefined ? 8 : 0);
    buf[off + 18] = flags;
    off += 19;
    if (e.clientId !== undefined) {
      const id = idBytes(e.clientId);
      buf.writeUInt16LE(id.length, off);
      buf.set(id, off + 2);
      off += 2 + id.length;
    }
    if (e.rttMs !== undefined) {
      buf.writeDoubleLE(e.rttMs, off);
      off += 8;
    }
    if (e.closeCode !== undefined) {
      buf.writeUInt16LE(e.closeCode, off);
      off += 2;
    }
    if (e.errorCode !== undefined) {
      const n = buf.write(e.errorCode, off + 2, 'utf8');
      buf.writeUInt16LE(n, off);
      off += 2 + n;
    }
    buf.set(e.data, off);
    off += e.data.length;
    buf.writeUInt32LE(off - start - 4, start);
  }
  return buf;
}

/** Decodes records; a truncated tail (damaged file) is ignored. Payloads are copied out. */
export function decodeEntries(buf: Buffer): Entry[] {
  const out: Entry[] = [];
  let off = 0;
  while (off + 4 <= buf.length) {
    const len = buf.readUInt32LE(off);
    const end = off + 4 + len;
    if (len < FIXED - 4 || end > buf.length) break;
    let p = off + 4;
    const e: Entry = {
      seq: buf.readDoubleLE(p),
      time: buf.readDoubleLE(p + 8),
      direction: DIRECTIONS[buf[p + 16]!] ?? 'none',
      kind: KINDS[buf[p + 17]!] ?? 'info',
      data: Buffer.alloc(0),
    };
    const flags = buf[p + 18]!;
    p += 19;
    if (flags & 1) {
      const n = buf.readUInt16LE(p);
      e.clientId = buf.toString('utf8', p + 2, p + 2 + n);
      p += 2 + n;
    }
    if (flags & 2) {
      e.rttMs = buf.readDoubleLE(p);
      p += 8;
    }
    if (flags & 4) {
      e.closeCode = buf.readUInt16LE(p);
      p += 2;
    }
    if (flags & 8) {
      const n = buf.readUInt16LE(p);
      e.errorCode = buf.toString('utf8', p + 2, p + 2 + n);
      p += 2 + n;
    }
    e.data = Buffer.from(buf.subarray(p, end));
    out.push(e);
    off = end;
  }
  return out;
}

/** Frames being spilled, straight from FrameLog's columns (no Entry, view or closure per frame). */
export interface ColumnSource {
  /** Records 0 … count-1 of the columns; record i has seq firstSeq + i. */
  count: number;
  firstSeq: number;
  times: Float64Array;
  /** direction << 4 | kind, as indexes into DIRECTIONS and KINDS; bit 0x80 = payload in `big`. */
  codes: Uint8Array;
  offs: Uint32Array;
  lens: Uint32Array;
  /** Index into clientIds, or -1. */
  clientOf: Int32Array;
  arena: Buffer;
  big: ReadonlyMap<number, Buffer>;
  clientIds: readonly string[];
  extras: ReadonlyMap<number, { rttMs?: number; closeCode?: number; errorCode?: string }>;
}

/** Payloads up to this size are copied byte by byte: cheaper than making a view to copy from. */
const SMALL_COPY = 64;

/** Same records as encodeEntries, straight from columns. */
export function encodeColumns(src: ColumnSource): Buffer {
  const { count, firstSeq, times, codes, offs, lens, clientOf, arena, big, clientIds, extras } = src;
  const hasExtras = extras.size > 0;
  // Client ids as bytes, looked up once per client rather than once per frame.
  const ids: Array<Buffer | undefined> = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    total += FIXED + lens[i]!;
    const c = clientOf[i]!;
    if (c >= 0) total += 2 + (ids[c] ??= idBytes(clientIds[c]!)).length;
    if (hasExtras) {
      const x = extras.get(firstSeq + i);
      if (x) {
        if (x.rttMs !== undefined) total += 8;
        if (x.closeCode !== undefined) total += 2;
        if (x.errorCode !== undefined) total += 2 + Buffer.byteLength(x.errorCode);
      }
    }
  }
  const buf = Buffer.allocUnsafe(total);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  let off = 0;
  for (let i = 0; i < count; i++) {
    const start = off;
    const code = codes[i]!;
    const c = clientOf[i]!;
    const x = hasExtras ? extras.get(firstSeq + i) : undefined;
    off += 4;
    view.setFloat64(off, firstSeq + i, true);
    view.setFloat64(off + 8, times[i]!, true);
    buf[off + 16] = (code >> 4) & 0x7;
    buf[off + 17] = code & 0xf;
    buf[off + 18] = (c >= 0 ? 1 : 0) | (x?.rttMs !== undefined ? 2 : 0) | (x?.closeCode !== undefined ? 4 : 0) | (x?.errorCode !== undefined ? 8 : 0);
    off += 19;
    if (c >= 0) {
      const id = ids[c]!;
      view.setUint16(off, id.length, true);
      for (let j = 0; j < id.length; j++) buf[off + 2 + j] = id[j]!;
      off += 2 + id.length;
    }
    if (x) {
      if (x.rttMs !== undefined) {
        view.setFloat64(off, x.rttMs, true);
        off += 8;
      }
      if (x.closeCode !== undefined) {
        view.setUint16(off, x.closeCode, true);
        off += 2;
      }
      if (x.errorCode !== undefined) {
        const n = buf.write(x.errorCode, off + 2, 'utf8');
        view.setUint16(off, n, true);
        off += 2 + n;
      }
    }
    const len = lens[i]!;
    if (code & 0x80) {
      const data = big.get(firstSeq + i);
      if (data) buf.set(data, off);
      else buf.fill(0, off, off + len);
    } else if (len <= SMALL_COPY) {
      const from = offs[i]!;
      for (let j = 0; j < len; j++) buf[off + j] = arena[from + j]!;
    } else {
      arena.copy(buf, off, offs[i]!, offs[i]! + len);
    }
    off += len;
    view.setUint32(start, off - start - 4, true);
  }
  return buf;
}
