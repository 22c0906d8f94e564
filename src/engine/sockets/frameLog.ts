import type { WsDirection, WsEntryKind, WsFrameSummary, WsLogFilter } from '../../shared/model/sockets';
import { entryMatcher, toSummary, type Entry } from './frame';
import { decodeEntries, DIRECTIONS, encodeColumns, KINDS, type FrameExtras } from './spillCodec';
import { SpillFile } from './spillFile';

export interface FrameLogLimits {
  /** Frames kept in memory before the oldest half goes to disk. */
  maxFrames: number;
  /** Payload bytes kept in memory before the oldest half goes to disk. */
  maxBytes: number;
}

export const DEFAULT_LOG_LIMITS: FrameLogLimits = { maxFrames: 32_768, maxBytes: 32 * 1024 * 1024 };

/** Rare per-frame fields, kept aside so the common frame costs no object. */
export type { FrameExtras };

interface Chunk {
  firstSeq: number;
  lastSeq: number;
  count: number;
  offset: number;
  length: number;
}

export interface PageQuery extends Omit<WsLogFilter, 'logId'> {
  afterSeq?: number;
  beforeSeq?: number;
  newest: boolean;
  limit: number;
}

/** Payloads above this are kept by reference instead of being copied into the arena. */
const BIG_FRAME = 64 * 1024;
// Plain objects, not Maps: property loads with inline caches are cheapest on the per-frame path.
const DIR_CODE = Object.fromEntries(DIRECTIONS.map((d, i) => [d, i << 4])) as Record<WsDirection, number>;
const KIND_CODE = Object.fromEntries(KINDS.map((k, i) => [k, i])) as Record<WsEntryKind, number>;

/** The code FrameLog.appendCoded takes for a direction and kind. */
export function frameCode(direction: WsDirection, kind: WsEntryKind): number {
  return DIR_CODE[direction] | KIND_CODE[kind];
}

/**
 * The log of one connection or server. Recording a frame is on every message's path, so the
 * newest frames live in column arrays and one byte arena (no object per frame, so the garbage
 * collector has nothing to trace); when a cap is reached the oldest half is written to a spill
 * file in the data directory in one binary chunk. Reads materialise entries on demand.
 * Seqs are consecutive: memory holds firstSeq … lastSeq.
 */
export class FrameLog {
  private readonly cap: number;
  private count = 0;
  private firstSeq = 1;
  private times: Float64Array;
  private codes: Uint8Array;
  private offs: Uint32Array;
  private lens: Uint32Array;
  private clientOf: Int32Array;
  private arena: Buffer = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private bigBytes = 0;
  private readonly big = new Map<number, Buffer>();
  private readonly extras = new Map<number, FrameExtras>();
  private readonly clientIds: string[] = [];
  private readonly clientIndex = new Map<string, number>();
  private chunks: Chunk[] = [];
  private spilledCount = 0;
  private spill: SpillFile | null = null;
  private generation = 0;
  lastSeq = 0;

  constructor(
    readonly id: string,
    /** Spill files are `<base>.<generation>.frames`. */
    private readonly spillBase: string,
    private readonly limits: FrameLogLimits = DEFAULT_LOG_LIMITS,
  ) {
    this.cap = Math.max(2, limits.maxFrames);
    this.times = new Float64Array(this.cap);
    this.codes = new Uint8Array(this.cap);
    this.offs = new Uint32Array(this.cap);
    this.lens = new Uint32Array(this.cap);
    this.clientOf = new Int32Array(this.cap);
  }

  get size(): number {
    return this.spilledCount + this.count;
  }

  /** A client id's number in this log (stable for the log's life, clears included): for appendCoded. */
  clientNumber(id: string): number {
    let n = this.clientIndex.get(id);
    if (n === undefined) {
      n = this.clientIds.length;
      this.clientIds.push(id);
      this.clientIndex.set(id, n);
    }
    return n;
  }

  /** Records a frame and returns its seq. The payload is copied (small) or kept (big). */
  append(time: number, direction: WsDirection, kind: WsEntryKind, data: Buffer, clientId?: string, extras?: FrameExtras): number {
    return this.appendCoded(time, DIR_CODE[direction] | KIND_CODE[kind], data, clientId === undefined ? -1 : this.clientNumber(clientId), extras);
  }

  /**
   * append() for the per-frame path: `code` from frameCode(), `client` from clientNumber() or -1,
   * both worked out once per connection instead of once per frame.
   */
  appendCoded(time: number, code: number, data: Buffer, client: number, extras?: FrameExtras): number {
    const len = data.length;
    const isBig = len > BIG_FRAME;
    if (this.count === this.cap || (this.count > 0 && this.bigBytes + this.used + len > this.limits.maxBytes)) this.spillOldest();
    if (!isBig && this.used + len > this.arena.length) this.growArena(len);
    const i = this.count++;
    const seq = ++this.lastSeq;
    if (i === 0) this.firstSeq = seq;
    this.times[i] = time;
    this.codes[i] = isBig ? code | 0x80 : code;
    this.offs[i] = this.used;
    this.lens[i] = len;
    if (isBig) {
      this.big.set(seq, data);
      this.bigBytes += len;
    } else if (len > 0) {
      this.arena.set(data, this.used);
      this.used += len;
    }
    this.clientOf[i] = client;
    if (extras) this.extras.set(seq, extras);
    return seq;
  }

  appendEntry(e: Omit<Entry, 'seq'>): number {
    const extras: FrameExtras | undefined =
      e.rttMs !== undefined || e.closeCode !== undefined || e.errorCode !== undefined
        ? { ...(e.rttMs !== undefined ? { rttMs: e.rttMs } : {}), ...(e.closeCode !== undefined ? { closeCode: e.closeCode } : {}), ...(e.errorCode !== undefined ? { errorCode: e.errorCode } : {}) }
        : undefined;
    return this.append(e.time, e.direction, e.kind, e.data, e.clientId, extras);
  }

  private growArena(need: number): void {
    const budget = this.limits.maxBytes - this.bigBytes;
    if (this.arena.length < budget) {
      const size = Math.min(Math.max(budget, need), Math.max(this.arena.length * 2, this.used + need));
      if (size >= this.used + need) {
        const next = Buffer.allocUnsafe(size);
        this.arena.copy(next, 0, 0, this.used);
        this.arena = next;
        return;
      }
    }
    this.spillOldest();
    if (this.used + need > this.arena.length) {
      const next = Buffer.allocUnsafe(Math.max(this.arena.length, this.used + need));
      this.arena.copy(next, 0, 0, this.used);
      this.arena = next;
    }
  }

  /** Moves the oldest frames to disk, keeping the newest half by count and by bytes. */
  private spillOldest(): void {
    const frameBudget = Math.floor(this.cap / 2);
    const byteBudget = this.limits.maxBytes / 2;
    let keep = 0;
    let keepBytes = 0;
    while (keep < this.count && keep < frameBudget) {
      const len = this.lens[this.count - 1 - keep]!;
      if (keep > 0 && keepBytes + len > byteBudget) break;
      keepBytes += len;
      keep++;
    }
    const k = this.count - keep;
    if (k <= 0) return;
    const firstSeq = this.firstSeq;
    const bytes = encodeColumns({
      count: k,
      firstSeq,
      times: this.times,
      codes: this.codes,
      offs: this.offs,
      lens: this.lens,
      clientOf: this.clientOf,
      arena: this.arena,
      big: this.big,
      clientIds: this.clientIds,
      extras: this.extras,
    });
    this.spill ??= new SpillFile(`${this.spillBase}.${this.generation}.frames`);
    const where = this.spill.append(bytes);
    this.chunks.push({ firstSeq, lastSeq: firstSeq + k - 1, count: k, ...where });
    this.spilledCount += k;
    // Both maps are in seq order: drop the spilled prefix without visiting every frame.
    const end = firstSeq + k;
    for (const [seq, data] of this.big) {
      if (seq >= end) break;
      this.bigBytes -= data.length;
      this.big.delete(seq);
    }
    for (const seq of this.extras.keys()) {
      if (seq >= end) break;
      this.extras.delete(seq);
    }
    // Shift the kept frames (and their bytes) to the front.
    const base = k < this.count ? this.offs[k]! : this.used;
    this.arena.copyWithin(0, base, this.used);
    this.used -= base;
    this.times.copyWithin(0, k, this.count);
    this.codes.copyWithin(0, k, this.count);
    this.offs.copyWithin(0, k, this.count);
    this.lens.copyWithin(0, k, this.count);
    this.clientOf.copyWithin(0, k, this.count);
    this.count -= k;
    for (let i = 0; i < this.count; i++) this.offs[i]! -= base;
    this.firstSeq += k;
  }

  /** The payload of memory frame i as a view (valid until the next append). */
  private payloadView(i: number): Buffer {
    if (this.codes[i]! & 0x80) return this.big.get(this.firstSeq + i) ?? Buffer.alloc(0);
    return this.arena.subarray(this.offs[i]!, this.offs[i]! + this.lens[i]!);
  }

  /** Memory frame i as an Entry; `copy` detaches the payload from the arena. */
  private entryAt(i: number, copy: boolean): Entry {
    const code = this.codes[i]!;
    const seq = this.firstSeq + i;
    const view = this.payloadView(i);
    const e: Entry = {
      seq,
      time: this.times[i]!,
      direction: DIRECTIONS[(code >> 4) & 0x7] ?? 'none',
      kind: KINDS[code & 0xf] ?? 'info',
      data: copy && !(code & 0x80) ? Buffer.from(view) : view,
    };
    const c = this.clientOf[i]!;
    if (c >= 0) e.clientId = this.clientIds[c]!;
    const x = this.extras.get(seq);
    if (x) {
      if (x.rttMs !== undefined) e.rttMs = x.rttMs;
      if (x.closeCode !== undefined) e.closeCode = x.closeCode;
      if (x.errorCode !== undefined) e.errorCode = x.errorCode;
    }
    return e;
  }

  /** Summaries of the frames with seq in [from, to] still in memory (for event batches). */
  summaries(from: number, to: number): WsFrameSummary[] {
    const out: WsFrameSummary[] = [];
    const start = Math.max(from, this.firstSeq);
    const end = Math.min(to, this.firstSeq + this.count - 1);
    for (let seq = start; seq <= end; seq++) out.push(toSummary(this.id, this.entryAt(seq - this.firstSeq, false)));
    return out;
  }

  private async readChunk(chunk: Chunk): Promise<Entry[]> {
    if (!this.spill) return [];
    return decodeEntries(await this.spill.read(chunk.offset, chunk.length));
  }

  /**
   * Every entry in seq order (or reverse) within (afterSeq, beforeSeq), reading spilled chunks as
   * needed; stops when `visit` returns false. Memory only ever moves forward into chunks, so a
   * seq cursor stays right across the awaits.
   */
  private async scan(reverse: boolean, from: { afterSeq?: number; beforeSeq?: number }, visit: (e: Entry) => boolean): Promise<void> {
    const gen = this.generation;
    const after = from.afterSeq ?? 0;
    const before = from.beforeSeq ?? Number.POSITIVE_INFINITY;
    if (reverse) {
      for (let i = this.count - 1; i >= 0; i--) {
        const seq = this.firstSeq + i;
        if (seq >= before) continue;
        if (seq <= after) return;
        if (!visit(this.entryAt(i, true))) return;
      }
      const chunks = this.chunks.slice().reverse();
      for (const c of chunks) {
        if (c.firstSeq >= before) continue;
        if (c.lastSeq <= after) return;
        const list = await this.readChunk(c).catch(() => [] as Entry[]);
        if (gen !== this.generation) return;
        for (let i = list.length - 1; i >= 0; i--) {
          const e = list[i]!;
          if (e.seq >= before || e.seq <= after) continue;
          if (!visit(e)) return;
        }
      }
      return;
    }
    let cursor = after + 1;
    for (;;) {
      if (gen !== this.generation || cursor >= before) return;
      if (this.count > 0 && cursor >= this.firstSeq) {
        for (let i = cursor - this.firstSeq; i < this.count; i++) {
          const seq = this.firstSeq + i;
          if (seq >= before) return;
          if (!visit(this.entryAt(i, true))) return;
        }
        return;
      }
      const chunk = this.chunks.find((c) => c.lastSeq >= cursor);
      if (!chunk) {
        if (this.count === 0) return;
        cursor = this.firstSeq;
        continue;
      }
      const list = await this.readChunk(chunk).catch(() => [] as Entry[]);
      if (gen !== this.generation) return;
      for (const e of list) {
        if (e.seq < cursor) continue;
        if (e.seq >= before) return;
        if (!visit(e)) return;
      }
      cursor = chunk.lastSeq + 1;
    }
  }

  async page(q: PageQuery): Promise<{ items: Entry[]; total: number }> {
    const match = entryMatcher(q);
    const items: Entry[] = [];
    let total = 0;
    if (!match) {
      total = this.size;
      await this.scan(q.newest, q, (e) => {
        items.push(e);
        return items.length < q.limit;
      });
    } else {
      // Filtered: one pass counts every match and keeps the first page.
      const after = q.afterSeq ?? 0;
      const before = q.beforeSeq ?? Number.POSITIVE_INFINITY;
      await this.scan(q.newest, {}, (e) => {
        if (!match(e)) return true;
        total++;
        if (items.length < q.limit && e.seq > after && e.seq < before) items.push(e);
        return true;
      });
    }
    if (q.newest) items.reverse();
    return { items, total };
  }

  async get(seq: number): Promise<Entry | null> {
    if (this.count > 0 && seq >= this.firstSeq && seq < this.firstSeq + this.count) return this.entryAt(seq - this.firstSeq, true);
    const chunk = this.chunks.find((c) => seq >= c.firstSeq && seq <= c.lastSeq);
    if (!chunk) return null;
    const list = await this.readChunk(chunk).catch(() => [] as Entry[]);
    return list.find((e) => e.seq === seq) ?? null;
  }

  /** Every matching entry in order, for exports. */
  async forEach(filter: Omit<WsLogFilter, 'logId'>, visit: (e: Entry) => void): Promise<number> {
    const match = entryMatcher(filter);
    let count = 0;
    await this.scan(false, {}, (e) => {
      if (match && !match(e)) return true;
      visit(e);
      count++;
      return true;
    });
    return count;
  }

  private reset(): void {
    this.generation++;
    this.count = 0;
    this.used = 0;
    this.bigBytes = 0;
    this.big.clear();
    this.extras.clear();
    this.chunks = [];
    this.spilledCount = 0;
    this.firstSeq = this.lastSeq + 1;
    if (this.arena.length > 1024 * 1024) this.arena = Buffer.allocUnsafe(64 * 1024);
  }

  /** Forget everything; seqs keep growing so stale cursors never alias new frames. */
  async clear(): Promise<number> {
    const removed = this.size;
    this.reset();
    // The next spill opens a fresh file (new generation), so reads running against the old one
    // cannot see new frames.
    const old = this.spill;
    this.spill = null;
    await old?.destroy().catch(() => undefined);
    return removed;
  }

  async destroy(): Promise<void> {
    this.reset();
    const old = this.spill;
    this.spill = null;
    await old?.destroy().catch(() => undefined);
  }

  /** For tests and the bench: how much is held in memory. */
  memoryStats(): { frames: number; bytes: number; spilledFrames: number } {
    return { frames: this.count, bytes: this.used + this.bigBytes, spilledFrames: this.spilledCount };
  }
}
