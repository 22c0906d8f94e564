import fs from 'node:fs';
import path from 'node:path';
import { closeFile, readAt, writeAll } from './fileIo';

// Body-file writes that bypass the page cache (O_DIRECT, durable on return with O_DSYNC).
//
// Why: on the VMs we measure on, copying a 64 KiB body into the page cache costs 30-130 µs of
// kernel CPU on the catcher's main thread (page allocation, ext4's per-page delayed-allocation
// bookkeeping), more than receiving it did; a direct write costs the thread pool ~6-9 µs per
// 64 KiB and the main thread only a memcpy (~3 µs) into an aligned staging buffer. One O_DSYNC
// write also replaces a write plus an fdatasync: one thread-pool job per batch, not two.
//
// Direct I/O wants the file offset, the length and the memory address aligned (to the device's
// logical block; BLOCK covers the usual 512 and 4096). Node cannot allocate aligned memory, so
// the staging buffer's aligned start is found by trial on a probe file: a misaligned direct write
// fails with EINVAL. Data rarely ends on a block boundary, so each batch rewrites the partial
// block it starts in (the bytes already there, then its own) and pads its end with zeros; the
// store's opening already treats zeros after the last record as space written ahead and cuts
// them off. Rewriting acknowledged bytes with the same bytes is what buffered writes do as well:
// writeback writes whole pages, the last partial one included. Where direct I/O is not available (macOS, Windows, tmpfs, a probe that fails), the
// store keeps its buffered writes and fdatasync.

export const BLOCK = 4096;
/** Bytes staged per write; a larger batch goes out in several writes. */
const STAGE = 4 * 1024 * 1024;
/**
 * Zeros written ahead of small batches, so that their writes land in blocks the file already has
 * and need no metadata commit of their own (file size, block allocation): the same reason as the
 * buffered path's preallocation in captureStore.ts.
 */
const AHEAD = 1024 * 1024;
/**
 * Only ahead of batches smaller than this: a large batch writes more than AHEAD itself, so zeros
 * ahead of it would be rewritten by the next batch at once, doubling the bytes written.
 */
const AHEAD_MAX_BATCH = 256 * 1024;

const alignDown = (n: number): number => n - (n % BLOCK);
const alignUp = (n: number): number => alignDown(n + BLOCK - 1);

/**
 * A staging buffer whose start is BLOCK-aligned in memory, or null when direct I/O does not work
 * in `dir`. The buffer never moves: V8 keeps large ArrayBuffer backing stores in place.
 */
export function alignedStage(dir: string): Buffer | null {
  const O_DIRECT = (fs.constants as Record<string, number | undefined>).O_DIRECT;
  if (!O_DIRECT) return null;
  const probe = path.join(dir, `.direct-probe-${process.pid}`);
  let fd: number;
  try {
    fd = fs.openSync(probe, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | O_DIRECT, 0o600);
  } catch {
    return null;
  }
  try {
    const raw = Buffer.allocUnsafeSlow(STAGE + BLOCK);
    raw.fill(0, 0, 2 * BLOCK);
    // Backing stores are at least 8-byte aligned: one of these offsets is BLOCK-aligned.
    for (let off = 0; off < BLOCK; off += 8) {
      try {
        fs.writeSync(fd, raw, off, BLOCK, 0);
        return raw.subarray(off, off + STAGE);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') return null;
      }
    }
    return null;
  } finally {
    fs.closeSync(fd);
    fs.rmSync(probe, { force: true });
  }
}

/** Appends a segment's body bytes with direct, synchronous writes (see above). */
export class DirectWriter {
  /** Bytes of the partial block at the end of the data, kept at the start of `stage`. */
  private carry = 0;
  /** Set by a failed write: the carry may be stale until reset() re-reads it. */
  private broken = false;
  /** End of the zeros written ahead (the file's size as this writer left it). */
  private alloc = 0;

  private constructor(
    private readonly fd: number,
    private readonly stage: Buffer,
    /** End of the data in the file. */
    private end: number,
  ) {}

  /** Opens `file` for direct writes after its first `end` bytes; null if the system refuses. */
  static async open(file: string, end: number, stage: Buffer, readFd: number): Promise<DirectWriter | null> {
    const c = fs.constants as Record<string, number | undefined>;
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_WRONLY | (c.O_DIRECT ?? 0) | (c.O_DSYNC ?? 0));
    } catch {
      return null;
    }
    const writer = new DirectWriter(fd, stage, end);
    try {
      await writer.reset(end, readFd);
    } catch {
      await writer.close();
      return null;
    }
    return writer;
  }

  /** Takes up again at `end` (after the store cut a failed batch off): the partial block is read back. */
  async reset(end: number, readFd: number): Promise<void> {
    const from = alignDown(end);
    const tail = end > from ? await readAt(readFd, from, end - from) : Buffer.alloc(0);
    if (tail.length !== end - from) throw Object.assign(new Error('body file is shorter than its data'), { code: 'EIO' });
    tail.copy(this.stage, 0);
    this.carry = tail.length;
    this.end = end;
    this.alloc = end;
    this.broken = false;
  }

  /** Writes `bufs` at `start` (the end of the data): durable once resolved. */
  async write(bufs: readonly Buffer[], start: number): Promise<void> {
    if (this.broken || start !== this.end) throw Object.assign(new Error('direct writer is out of step with the body file'), { code: 'EIO' });
    this.broken = true;
    const { stage } = this;
    let blockStart = this.end - this.carry;
    let fill = this.carry;
    let total = 0;
    for (const b of bufs) {
      total += b.length;
      let off = 0;
      while (off < b.length) {
        const n = b.copy(stage, fill, off);
        fill += n;
        off += n;
        if (fill === stage.length) {
          // (writeAll goes on after a short write; a misaligned rest fails with EINVAL, which
          // sends the store to buffered writes.)
          await writeAll(this.fd, [stage], blockStart);
          blockStart += stage.length;
          fill = 0;
        }
      }
    }
    if (fill > 0) {
      let padded = alignUp(fill);
      if (total < AHEAD_MAX_BATCH && blockStart + padded + AHEAD / 4 > this.alloc) padded += AHEAD;
      stage.fill(0, fill, padded);
      await writeAll(this.fd, [stage.subarray(0, padded)], blockStart);
      this.alloc = Math.max(this.alloc, blockStart + padded);
    }
    const keep = fill % BLOCK;
    if (keep > 0 && fill > keep) stage.copy(stage, 0, fill - keep, fill);
    this.carry = keep;
    this.end = start + total;
    this.broken = false;
  }

  close(): Promise<void> {
    return closeFile(this.fd);
  }
}
