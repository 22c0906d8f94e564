import type { WsLogFilter } from '../../shared/model/sockets';
import { entryMatcher, type Entry } from './frame';
import { decodeEntries, encodeEntries } from './spillCodec';
import { SpillFile } from './spillFile';

export interface FrameLogLimits {
  /** Frames kept in memory before the oldest half goes to disk. */
  maxFrames: number;
  /** Payload bytes kept in memory before the oldest half goes to disk. */
  maxBytes: number;
}

export const DEFAULT_LOG_LIMITS: FrameLogLimits = { maxFrames: 20_000, maxBytes: 32 * 1024 * 1024 };

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

/**
 * The log of one connection or server: newest frames in memory, older ones spilled to a
 * file of binary records in the data directory in chunks, so memory stays bounded however long a
 * socket runs. Appending is synchronous and cheap (it is on every frame's path).
 */
export class FrameLog {
  private entries: Entry[] = [];
  private memBytes = 0;
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
  ) {}

  get size(): number {
    return this.spilledCount + this.entries.length;
  }

  /** Stamps `seq` on the entry and keeps it. */
  append(e: Omit<Entry, 'seq'>): Entry {
    const entry = e as Entry;
    entry.seq = ++this.lastSeq;
    this.entries.push(entry);
    this.memBytes += entry.data.length;
    if (this.entries.length > this.limits.maxFrames || this.memBytes > this.limits.maxBytes) this.spillOldest();
    return entry;
  }

  private spillOldest(): void {
    // Keep the newest half in memory (at least one frame, so a giant frame can still be shown).
    let keepBytes = 0;
    let keepFrom = this.entries.length;
    const byteBudget = this.limits.maxBytes / 2;
    const frameBudget = Math.floor(this.limits.maxFrames / 2);
    while (keepFrom > 0) {
      const next = this.entries[keepFrom - 1]!;
      if (this.entries.length - keepFrom >= Math.max(1, frameBudget)) break;
      if (keepFrom < this.entries.length && keepBytes + next.data.length > byteBudget) break;
      keepBytes += next.data.length;
      keepFrom--;
    }
    if (keepFrom === 0) return;
    const out = this.entries.splice(0, keepFrom);
    for (const e of out) this.memBytes -= e.data.length;
    this.spill ??= new SpillFile(`${this.spillBase}.${this.generation}.frames`);
    const where = this.spill.append(encodeEntries(out));
    this.chunks.push({ firstSeq: out[0]!.seq, lastSeq: out[out.length - 1]!.seq, count: out.length, ...where });
    this.spilledCount += out.length;
  }

  private async readChunk(chunk: Chunk): Promise<Entry[]> {
    if (!this.spill) return [];
    return decodeEntries(await this.spill.read(chunk.offset, chunk.length));
  }

  /** Every entry in seq order (or reverse), spilled chunks read as needed; stops when `visit` returns false. */
  private async scan(reverse: boolean, from: { afterSeq?: number; beforeSeq?: number }, visit: (e: Entry) => boolean): Promise<void> {
    const gen = this.generation;
    const memory = this.entries.slice();
    const chunks = this.chunks.slice();
    const after = from.afterSeq ?? 0;
    const before = from.beforeSeq ?? Number.POSITIVE_INFINITY;
    const inRange = (seq: number) => seq > after && seq < before;
    const visitList = (list: Entry[]): boolean => {
      if (reverse) {
        for (let i = list.length - 1; i >= 0; i--) {
          const e = list[i]!;
          if (inRange(e.seq) && !visit(e)) return false;
        }
      } else {
        for (const e of list) if (inRange(e.seq) && !visit(e)) return false;
      }
      return true;
    };
    const visitChunks = async (): Promise<boolean> => {
      const ordered = reverse ? chunks.slice().reverse() : chunks;
      for (const c of ordered) {
        if (c.lastSeq <= after || c.firstSeq >= before) continue;
        let list: Entry[];
        try {
          list = await this.readChunk(c);
        } catch {
          continue;
        }
        if (gen !== this.generation) return false;
        if (!visitList(list)) return false;
      }
      return true;
    };
    if (reverse) {
      if (!visitList(memory)) return;
      await visitChunks();
    } else {
      if (!(await visitChunks())) return;
      visitList(memory);
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
      await this.scan(q.newest, {}, (e) => {
        if (!match(e)) return true;
        total++;
        if (items.length < q.limit && e.seq > (q.afterSeq ?? 0) && e.seq < (q.beforeSeq ?? Number.POSITIVE_INFINITY)) items.push(e);
        return true;
      });
    }
    if (q.newest) items.reverse();
    return { items, total };
  }

  async get(seq: number): Promise<Entry | null> {
    const inMemory = this.entries[0] && seq >= this.entries[0].seq ? this.findInMemory(seq) : null;
    if (inMemory) return inMemory;
    const chunk = this.chunks.find((c) => seq >= c.firstSeq && seq <= c.lastSeq);
    if (!chunk) return null;
    const list = await this.readChunk(chunk).catch(() => []);
    return list.find((e) => e.seq === seq) ?? null;
  }

  private findInMemory(seq: number): Entry | null {
    // Seqs are increasing but not contiguous after a clear; binary search.
    let lo = 0;
    let hi = this.entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = this.entries[mid]!;
      if (e.seq === seq) return e;
      if (e.seq < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
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

  /** Forget everything; seqs keep growing so stale cursors never alias new frames. */
  async clear(): Promise<number> {
    const removed = this.size;
    this.generation++;
    this.entries = [];
    this.memBytes = 0;
    this.chunks = [];
    this.spilledCount = 0;
    const old = this.spill;
    this.spill = null;
    // The next spill opens a fresh file (new generation), so reads running against the old one
    // cannot see new frames.
    await old?.destroy().catch(() => undefined);
    return removed;
  }

  async destroy(): Promise<void> {
    this.generation++;
    this.entries = [];
    this.chunks = [];
    const old = this.spill;
    this.spill = null;
    await old?.destroy().catch(() => undefined);
  }

  /** For tests and the bench: how much is held in memory. */
  memoryStats(): { frames: number; bytes: number; spilledFrames: number } {
    return { frames: this.entries.length, bytes: this.memBytes, spilledFrames: this.spilledCount };
  }
}
