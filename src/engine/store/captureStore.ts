import fs from 'node:fs';
import path from 'node:path';
import { crc32, crc32Combine } from './checksum';
import {
  Interner,
  RecordKind,
  blobChecksum,
  checkRecord,
  decodeDetail,
  detailText,
  type DetailInput,
  encodeClear,
  maxCaptureRecord,
  writeCaptureRecord,
  encodeMarker,
  encodeUpdate,
  MAX_RECORD,
  RECORD_HEADER,
  segName,
  readCaptureEntry,
  captureEnd,
  readRecord,
  releaseDecodeCaches,
  type CaptureDetail,
  type CaptureUpdate,
  type IndexedCapture,
} from './codec';
import { BatchBuffer, ChunkPool } from './batchBuffer';
import { clearIn, findIn, firstAbove } from './entryIndex';
import { countOlderSegments, decodeOlderSegments, type ClearFacts, type OlderSegments } from './olderSegments';
import { alignedStage, DirectWriter } from './directWrite';
import { closeFile, datasync, openFile, readAt, truncateFd, writeAll, writeAllSync } from './fileIo';

// Append-only capture store: segments of (.idx, .body) files, group commit (one writev per file and
// one fdatasync per file per batch), an in-memory index of small entries, bodies left on disk.

export interface StoreOptions {
  /** Start a new segment when the current .body file passes this size. */
  segmentBodyBytes?: number;
  /** …or when the current .idx file passes this size. */
  segmentIndexBytes?: number;
  /**
   * Open without the writer's lock (another process may be writing): nothing is repaired or written,
   * a torn tail is only skipped. For `switchboard captures list/export`.
   */
  readOnly?: boolean;
  /**
   * Checksums of the last this-many bytes of every index file are checked while opening (a crash
   * tears only the tail); the rest is checked by verifyInBackground() so a big store opens fast.
   */
  verifyTailBytes?: number;
  /**
   * Write body files with direct I/O where the system allows it (default true; see directWrite.ts).
   * false keeps buffered writes and fdatasync everywhere (tests of that path).
   */
  directIo?: boolean;
  /**
   * Decode only the newest segments (about `tailBytes` of index) while opening; older ones are
   * counted, then decoded in the background (see olderSegments.ts). For the engine; the list's
   * first page, counts and new captures do not wait for it, anything that needs an older entry does.
   */
  background?: {
    tailBytes?: number;
    minOlderBytes?: number;
    sliceRecords?: number;
    /** Decoding starts once this settles (tests use it to act while older segments are pending). */
    startAfter?: Promise<unknown>;
  };
}

/** Thrown when another live process holds the store. */
export class StoreLockedError extends Error {
  readonly code = 'STORE_LOCKED';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`The capture store in ${dir} is in use by another Switchboard process (pid ${pid}). Close it, or use another --data-dir.`);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isZeroTail(buf: Buffer, pos: number): boolean {
  for (let i = pos; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

/** One writer per store: a LOCK file with our pid; a lock left by a dead process is taken over. */
function takeLock(dir: string): string {
  const file = path.join(dir, 'LOCK');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) throw new StoreLockedError(dir, pid);
      fs.rmSync(file, { force: true });
    }
  }
  throw new StoreLockedError(dir, -1);
}

export interface AppendInput {
  catcherId: string;
  receivedAtMs: number;
  method: string;
  url: string;
  contentType: string | null;
  bodyTruncated: boolean;
  responseStatus: number;
  signatureStatus: string | null;
  duplicateOf: string | null;
  detail: DetailInput;
  /**
   * The body's bytes, or the pieces they arrived in: joining a large body only to write it out
   * again cost a 64 KiB copy and the garbage collection of it per capture.
   */
  body: Buffer | readonly Buffer[];
  /**
   * CRC-32 of `body`, when the caller took it as the bytes arrived (in cache then; by the time a
   * batch is encoded a 64 KiB body is not, and checksumming it there cost ~2x). Used for bodies
   * of at least BODY_CRC_FROM bytes; smaller ones are checksummed with their detail anyway.
   */
  bodyCrc?: number;
}

function bodyLength(body: Buffer | readonly Buffer[]): number {
  if (Buffer.isBuffer(body)) return body.length;
  let n = 0;
  for (const part of body) n += part.length;
  return n;
}

/** An index entry: what the list needs plus where to find the rest. */
export interface StoreEntry extends IndexedCapture {
  segment: number;
  /** .idx positions of update records for this capture, as [segment, offset] pairs; read by get(). */
  updates: number[] | null;
}

export interface StoredCapture {
  entry: StoreEntry;
  detail: CaptureDetail;
}

export interface RepairNote {
  segment: number;
  file: string;
  droppedBytes: number;
  reason: string;
}

export interface ListQuery {
  catcherId?: string;
  methods?: string[];
  text?: string;
  afterSeq?: number;
  beforeSeq?: number;
  newest?: boolean;
  limit: number;
}

/** Called once the write is durable (entry) or has failed (err). */
export type AppendCallback = (err: unknown, entry: StoreEntry | null) => void;

type Pending =
  | { kind: 'capture'; seq: number; input: AppendInput; size: number; large: LargeBlob | null; done: AppendCallback }
  | { kind: 'update'; seq: number; update: CaptureUpdate; done: AppendCallback };

/**
 * A large body's detail bytes and blob checksum, worked out when it is appended rather than when
 * its batch starts: a batch starts as soon as the one before is durable, so whatever it computes
 * delays its write and fsync (25 bodies of 64 KiB took ~0.4 ms to checksum there).
 */
interface LargeBlob {
  detail: Buffer;
  crc: number;
}

function hasLarge(pending: readonly Pending[]): boolean {
  for (const p of pending) if (p.kind === 'capture' && p.large !== null) return true;
  return false;
}

function largeBlob(input: AppendInput, size: number): LargeBlob | null {
  if (size < INLINE_BODY) return null;
  const detail = Buffer.from(detailText(input.detail), 'utf8');
  const crc = input.bodyCrc === undefined ? blobChecksum(detail, input.body) : crc32Combine(crc32(detail), input.bodyCrc, size);
  return { detail, crc };
}

interface Segment {
  n: number;
  idxFd: number;
  bodyFd: number;
  /** End of the data (where the next record goes). */
  idxSize: number;
  bodySize: number;
  /** End of the zeroed space written ahead (≥ size). */
  idxAlloc: number;
  bodyAlloc: number;
  /** Direct, synchronous writes of the body file (see directWrite.ts), or null: buffered + fdatasync. */
  direct: DirectWriter | null;
}

const SEGMENT_RE = /^(\d{6})\.idx$/;
const DEFAULT_VERIFY_TAIL = 4 * 1024 * 1024;
/** With `background`: index bytes decoded while opening (~80,000 captures), and the least worth deferring. */
const DEFAULT_TAIL_BYTES = 8 * 1024 * 1024;
const DEFAULT_MIN_OLDER_BYTES = 16 * 1024 * 1024;
/** Records decoded between two turns of the event loop while older segments load (~30-50 ms). */
const DECODE_SLICE = 25_000;
const DEFAULT_SEGMENT_BODY = 1024 * 1024 * 1024;
const DEFAULT_SEGMENT_INDEX = 64 * 1024 * 1024;
/** Text search reads bodies in runs of about this size. */
const SEARCH_CHUNK = 8 * 1024 * 1024;
/**
 * Batches in flight. With 2, the next batch's bytes are written while the one before is fsynced
 * (fsyncs never overlap: concurrent fdatasyncs contend on this VM's disk); measured against 1 with
 * 1 KiB and 64 KiB bodies it made no difference beyond the noise, and 1 keeps batches larger.
 */
const MAX_INFLIGHT = 1;
// Zeroed space is written ahead of small batches only: it spares each fdatasync a metadata commit
// (≈ 70 µs here), which matters when a batch is a few KiB; for large batches it would double the
// bytes written for no gain. Small steps keep the extra flush each step causes short (p99).
const PREALLOC_BODY = 1024 * 1024;
const PREALLOC_MAX_BATCH = 256 * 1024;
/** Batches up to this size are written synchronously (see writeBodies). */
const SYNC_WRITE_MAX = 4 * 1024 * 1024;
/** Bodies below this size are copied into the batch buffer next to their detail (one checksum pass). */
const INLINE_BODY = 16 * 1024;
/** From this size on, an AppendInput's bodyCrc is used (see there). */
export const BODY_CRC_FROM = INLINE_BODY;
const PREALLOC_IDX = 1024 * 1024;
const ZEROS_BODY = Buffer.alloc(PREALLOC_BODY);
const ZEROS_IDX = Buffer.alloc(PREALLOC_IDX);

function settle(batch: Pending[], err: unknown): void {
  for (const p of batch) {
    try {
      p.done(err, null);
    } catch {
      // See appendThen.
    }
  }
}


export class CaptureStore {
  /** Sorted by seq (appends are assigned seq in arrival order and committed in that order). */
  private entries: StoreEntry[] = [];
  private readonly perCatcher = new Map<string, number>();
  private readonly readFds = new Map<number, number>();
  private current!: Segment;
  private nextSeq = 1;
  private pending: Pending[] = [];
  private chain: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private inflight = 0;
  /** Resolves when the newest batch settles: true when it and every batch before it succeeded. */
  private tail: Promise<boolean> = Promise.resolve(true);
  /** Index writes of committed batches not yet done (they follow the answers; see syncAndIndex). */
  private idxWrites: Promise<void> = Promise.resolve();
  private rollback: { seg: Segment; idx: number; body: number } | null = null;
  private closed = false;
  /** Set while a clear writes its record: no batch may start (it would take the same index bytes). */
  private clearing = false;
  private readonly interner = new Interner();
  private readonly chunks = new ChunkPool();
  /** The aligned buffer direct writes go through; null when direct I/O is off or unavailable. */
  private stage: Buffer | null | undefined = undefined;
  private lockFile: string | null = null;
  private searchCache: { text: string; upto: number; matches: Set<number> } | null = null;
  readonly repairs: RepairNote[] = [];
  /** Index ranges opened without checking their checksums, for verifyInBackground(). */
  private unverified: Array<{ segment: number; end: number }> = [];
  /** Older segments counted but not decoded yet (opened with `background`), and what waits on them. */
  private older: OlderSegments | null = null;
  private olderPerCatcher: Map<string, number> | null = null;
  private olderLoaded: Promise<void> = Promise.resolve();
  /** Met while decoding the newest segments, for the older ones once they are decoded. */
  private newerClears: ClearFacts[] = [];
  private newerUpdates: Array<{ seq: number; update: CaptureUpdate; segment: number; offset: number }> = [];

  private constructor(
    readonly dir: string,
    private readonly opts: Required<Omit<StoreOptions, 'readOnly' | 'verifyTailBytes' | 'background'>> & {
      readOnly: boolean;
      verifyTailBytes: number;
      background: { tailBytes: number; minOlderBytes: number; sliceRecords: number; startAfter: Promise<unknown> | null } | null;
    },
  ) {}

  static async open(dir: string, options: StoreOptions = {}): Promise<CaptureStore> {
    fs.mkdirSync(dir, { recursive: true });
    const store = new CaptureStore(dir, {
      segmentBodyBytes: options.segmentBodyBytes ?? DEFAULT_SEGMENT_BODY,
      segmentIndexBytes: options.segmentIndexBytes ?? DEFAULT_SEGMENT_INDEX,
      readOnly: options.readOnly ?? false,
      verifyTailBytes: options.verifyTailBytes ?? DEFAULT_VERIFY_TAIL,
      directIo: options.directIo ?? true,
      background: options.background
        ? {
            tailBytes: options.background.tailBytes ?? DEFAULT_TAIL_BYTES,
            minOlderBytes: options.background.minOlderBytes ?? DEFAULT_MIN_OLDER_BYTES,
            sliceRecords: options.background.sliceRecords ?? DECODE_SLICE,
            startAfter: options.background.startAfter ?? null,
          }
        : null,
    });
    if (!store.opts.readOnly) store.lockFile = takeLock(dir);
    try {
      await store.load();
    } catch (err) {
      if (store.lockFile) fs.rmSync(store.lockFile, { force: true });
      throw err;
    }
    return store;
  }

  get count(): number {
    return this.entries.length + (this.older?.count ?? 0);
  }

  countFor(catcherId: string): number {
    return (this.perCatcher.get(catcherId) ?? 0) + (this.olderPerCatcher?.get(catcherId) ?? 0);
  }

  /** Resolves once every segment is decoded (at once unless opened with `background`). */
  whenLoaded(): Promise<void> {
    return this.olderLoaded;
  }

  /** Whether the current segment's bodies are written with direct I/O (for tests and the bench). */
  get writesDirect(): boolean {
    return this.current.direct !== null;
  }

  /** The next seq to be assigned (for tests and the bench). */
  get peekNextSeq(): number {
    return this.nextSeq;
  }

  // ---------- open ----------

  private async load(): Promise<void> {
    const numbers = fs
      .readdirSync(this.dir)
      .map((f) => SEGMENT_RE.exec(f)?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const older = this.countOlder(numbers);
    this.older = older;
    const split = older?.split ?? null;
    if (split) this.loadSegment(split.segment, split);
    for (const n of older ? numbers.slice(older.numbers.length) : numbers) this.loadSegment(n);
    if (older) {
      for (const c of this.newerClears) older.clear(c);
      this.olderPerCatcher = older.perCatcher();
      if (older.nextSeq > this.nextSeq) this.nextSeq = older.nextSeq;
      this.unverified.unshift(...older.unverified);
      if (this.opts.background) this.olderLoaded = this.decodeOlder(older, this.opts.background);
    }
    const last = numbers.at(-1);
    if (this.opts.readOnly) {
      this.current = { n: (last ?? 0) + 1, idxFd: -1, bodyFd: -1, idxSize: 0, bodySize: 0, idxAlloc: 0, bodyAlloc: 0, direct: null };
      return;
    }
    if (last !== undefined) {
      this.current = await this.openSegment(last);
    } else {
      this.current = await this.openSegment(1);
      await this.writeMarker();
    }
  }

  /** Decodes segment `n` into the index (with `from`: only its records from there; see countOlder). */
  private loadSegment(n: number, from?: { buf: Buffer; splitAt: number; blobEnd: number }): void {
    const idxPath = path.join(this.dir, segName(n, 'idx'));
    const bodyPath = path.join(this.dir, segName(n, 'body'));
    const buf = from?.buf ?? fs.readFileSync(idxPath);
    let bodySize: number;
    try {
      bodySize = fs.statSync(bodyPath).size;
    } catch {
      bodySize = 0;
    }
    let pos = from?.splitAt ?? 0;
    let blobEnd = from?.blobEnd ?? 0;
    let problem: string | null = null;
    const verifyFrom = Math.max(0, buf.length - this.opts.verifyTailBytes);
    if (verifyFrom > 0) this.unverified.push({ segment: n, end: verifyFrom });
    let zeroTail = false;
    while (pos < buf.length) {
      // Nearly every record is a capture: decoded straight into its entry (readCaptureEntry).
      const c: StoreEntry | null = readCaptureEntry(buf, pos, this.interner, pos >= verifyFrom, n);
      let next = captureEnd;
      if (c === null) {
        const r = readRecord(buf, pos, this.interner, pos >= verifyFrom, n);
        if (!r.ok && isZeroTail(buf, pos)) {
          // Space written ahead by the writer (preallocation), not damage.
          zeroTail = true;
          break;
        }
        if (!r.ok) {
          problem = r.reason === 'incomplete' ? 'torn record at end of file' : r.message;
          break;
        }
        next = r.next;
        // (Not a capture: a whole, valid capture record was decoded by readCaptureEntry above.)
        const rec = r.record;
        if (rec.kind === RecordKind.Update) {
          const entry = this.find(rec.seq);
          if (entry) this.applyUpdate(entry, rec.update, n, pos);
          else if (this.older && rec.seq <= this.older.lastSeq) this.newerUpdates.push({ seq: rec.seq, update: rec.update, segment: n, offset: pos });
        } else if (rec.kind === RecordKind.Clear) {
          this.applyClear(rec.uptoSeq, rec.catcherId);
          if (this.older) this.newerClears.push({ uptoSeq: rec.uptoSeq, catcherId: rec.catcherId });
          if (rec.uptoSeq >= this.nextSeq) this.nextSeq = rec.uptoSeq + 1;
        } else if (rec.kind === RecordKind.Marker) {
          if (rec.nextSeq > this.nextSeq) this.nextSeq = rec.nextSeq;
        }
      }
      if (c !== null) {
        const end = c.blobOffset + c.detailLength + c.bodySize;
        if (end > bodySize) {
          problem = 'record points past the end of its body file';
          break;
        }
        blobEnd = Math.max(blobEnd, end);
        this.entries.push(c);
        this.perCatcher.set(c.catcherId, (this.perCatcher.get(c.catcherId) ?? 0) + 1);
        if (c.seq >= this.nextSeq) this.nextSeq = c.seq + 1;
      }
      pos = next;
    }
    releaseDecodeCaches();
    // Captures acknowledged (their body-file bytes fsynced) whose index records the disk lost.
    const recovered = this.recoverFromBody(n, bodyPath, blobEnd, bodySize);
    blobEnd = recovered.end;
    if (this.opts.readOnly) {
      if (problem !== null) this.repairs.push({ segment: n, file: idxPath, droppedBytes: buf.length - pos, reason: `${problem} (skipped, not repaired: read-only)` });
      return;
    }
    if (problem !== null) {
      // A crash can leave a half-written batch: cut both files back to the last whole record so
      // later appends never sit behind garbage.
      this.repairs.push({ segment: n, file: idxPath, droppedBytes: buf.length - pos, reason: problem });
    }
    if (problem !== null || zeroTail || recovered.records.length > 0) fs.truncateSync(idxPath, pos);
    if (recovered.records.length > 0) {
      const fd = fs.openSync(idxPath, 'r+');
      try {
        fs.writeSync(fd, Buffer.concat(recovered.records), 0, undefined, pos);
        fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      this.repairs.push({ segment: n, file: idxPath, droppedBytes: 0, reason: `${recovered.records.length} index record(s) rebuilt from the body file` });
    }
    // Bodies never acknowledged (torn or not fsynced) and zeroed space ahead.
    if (bodySize > blobEnd) fs.truncateSync(bodyPath, blobEnd);
  }

  /** See countOlderSegments. */
  private countOlder(numbers: number[]): OlderSegments | null {
    const bg = this.opts.background;
    return bg ? countOlderSegments(this.dir, numbers, bg, this.opts.verifyTailBytes) : null;
  }

  /**
   * Decodes the counted older segments a slice at a time between other work, then puts their
   * entries in front of the newer ones, with the clears and updates the newer segments hold for them.
   */
  private async decodeOlder(older: OlderSegments, bg: { sliceRecords: number; startAfter: Promise<unknown> | null }): Promise<void> {
    // Not one record before open() has returned and the first page has been asked for.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await bg.startAfter?.catch(() => undefined);
    const decoded = await decodeOlderSegments(older, {
      interner: this.interner,
      sliceRecords: bg.sliceRecords,
      closed: () => this.closed,
      applyUpdate: (entry, update, segment, offset) => this.applyUpdate(entry, update, segment, offset),
      damaged: (note) => this.repairs.push(note),
    });
    if (decoded === null) return;
    let entries = decoded;
    for (const c of this.newerClears) entries = clearIn(entries, c.uptoSeq, c.catcherId);
    for (const u of this.newerUpdates) {
      const entry = findIn(entries, u.seq);
      if (entry) this.applyUpdate(entry, u.update, u.segment, u.offset);
    }
    // Clears wait for this, so the newer entries are still all there: older ones go in front.
    this.entries = entries.concat(this.entries);
    this.recount();
    this.older = null;
    this.olderPerCatcher = null;
    this.newerClears = [];
    this.newerUpdates = [];
    this.searchCache = null;
  }

  /**
   * Reads the body file from `from` (the end of the last indexed blob): every whole record + detail
   * + body whose checksums hold is a capture the index lacks. Stops at the first that does not (the
   * zeroed space ahead, a torn batch, or a store written before records were put in the body file).
   */
  private recoverFromBody(segment: number, bodyPath: string, from: number, bodySize: number): { end: number; records: Buffer[] } {
    const records: Buffer[] = [];
    if (bodySize - from < RECORD_HEADER) return { end: from, records };
    const fd = fs.openSync(bodyPath, 'r');
    try {
      const readExact = (pos: number, len: number): Buffer | null => {
        if (pos + len > bodySize) return null;
        const b = Buffer.allocUnsafe(len);
        return fs.readSync(fd, b, 0, len, pos) === len ? b : null;
      };
      let at = from;
      for (;;) {
        const head = readExact(at, RECORD_HEADER);
        if (!head) break;
        const len = head.readUInt32LE(0);
        if (len < 9 || len > MAX_RECORD) break;
        const rec = readExact(at, RECORD_HEADER + len);
        if (!rec) break;
        const r = readRecord(rec, 0, this.interner, true, segment);
        if (!r.ok || r.record.kind !== RecordKind.Capture) break;
        const c = r.record.capture;
        if (c.blobOffset !== at + rec.length || c.seq < this.nextSeq) break;
        const blobEnd = c.blobOffset + c.detailLength + c.bodySize;
        if (blobEnd > bodySize) break;
        // The blob's checksum, read in pieces (bodies can be large).
        let crc = 0;
        let ok = true;
        for (let p = c.blobOffset; p < blobEnd; ) {
          const piece = readExact(p, Math.min(SEARCH_CHUNK, blobEnd - p));
          if (!piece) {
            ok = false;
            break;
          }
          crc = crc32(piece, crc);
          p += piece.length;
        }
        if (!ok || crc >>> 0 !== c.blobCrc) break;
        const entry = c as StoreEntry;
        this.entries.push(entry);
        this.perCatcher.set(c.catcherId, (this.perCatcher.get(c.catcherId) ?? 0) + 1);
        this.nextSeq = c.seq + 1;
        records.push(rec);
        at = blobEnd;
      }
      return { end: at, records };
    } finally {
      fs.closeSync(fd);
      releaseDecodeCaches();
    }
  }

  private async openSegment(n: number): Promise<Segment> {
    const idxPath = path.join(this.dir, segName(n, 'idx'));
    const bodyPath = path.join(this.dir, segName(n, 'body'));
    const flags = fs.constants.O_RDWR | fs.constants.O_CREAT;
    const idxFd = await openFile(idxPath, flags);
    const bodyFd = await openFile(bodyPath, flags).catch(async (err: unknown) => {
      await closeFile(idxFd);
      throw err;
    });
    const idxSize = fs.fstatSync(idxFd).size;
    const bodySize = fs.fstatSync(bodyFd).size;
    // Probed once per store, on the first segment it writes.
    if (this.stage === undefined) this.stage = this.opts.directIo ? alignedStage(this.dir) : null;
    const direct = this.stage ? await DirectWriter.open(bodyPath, bodySize, this.stage, bodyFd) : null;
    return { n, idxFd, bodyFd, idxSize, bodySize, idxAlloc: idxSize, bodyAlloc: bodySize, direct };
  }

  private async writeMarker(): Promise<void> {
    const marker = encodeMarker(this.nextSeq);
    await writeAll(this.current.idxFd, [marker], this.current.idxSize);
    await datasync(this.current.idxFd);
    this.current.idxSize += marker.length;
  }

  /**
   * Checks the checksums skipped while opening, a few MiB at a time between other work. Resolves
   * with the damaged records found (normally none); stops early when the store closes.
   */
  async verifyInBackground(): Promise<RepairNote[]> {
    await this.olderLoaded;
    const found: RepairNote[] = [];
    const ranges = this.unverified;
    this.unverified = [];
    for (const range of ranges) {
      let pos = 0;
      while (pos < range.end && !this.closed) {
        const fd = await this.fdFor(range.segment, 'idx');
        const chunk = await readAt(fd, pos, Math.min(SEARCH_CHUNK, range.end - pos + RECORD_HEADER + 64 * 1024));
        let p = 0;
        while (pos + p < range.end) {
          // Opening decoded these records already: only their checksums are left to check.
          const r = checkRecord(chunk, p);
          if (!r.ok && r.reason === 'incomplete' && p > 0) break;
          if (!r.ok) {
            found.push({ segment: range.segment, file: segName(range.segment, 'idx'), droppedBytes: 0, reason: `record at ${pos + p}: ${r.reason === 'corrupt' ? r.message : 'cut short'}` });
            pos = range.end;
            p = 0;
            break;
          }
          p = r.next;
        }
        pos += p;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    this.repairs.push(...found);
    return found;
  }

  // ---------- index helpers ----------

  /** Captures per catcher, counted again from the index. */
  private recount(): void {
    this.perCatcher.clear();
    for (const e of this.entries) this.perCatcher.set(e.catcherId, (this.perCatcher.get(e.catcherId) ?? 0) + 1);
  }

  /** Binary search by seq among the decoded entries (see lookup while older segments load). */
  find(seq: number): StoreEntry | undefined {
    return findIn(this.entries, seq);
  }

  /** The entry of `seq`, once the segment that holds it is decoded. */
  async lookup(seq: number): Promise<StoreEntry | undefined> {
    if (this.older && seq <= this.older.lastSeq) await this.olderLoaded;
    return this.find(seq);
  }

  private applyUpdate(entry: StoreEntry, update: CaptureUpdate, segment: number, offset: number): void {
    if (update.responseStatus !== undefined) entry.responseStatus = update.responseStatus;
    const a = update.annotations;
    if (a) {
      if (a.signature !== undefined) entry.signatureStatus = a.signature ? this.interner.get(a.signature.status) : null;
      if (a.duplicateOf !== undefined) entry.duplicateOf = a.duplicateOf;
    }
    (entry.updates ??= []).push(segment, offset);
  }

  private applyClear(uptoSeq: number, catcherId: string | null): number {
    const before = this.entries.length;
    this.entries = clearIn(this.entries, uptoSeq, catcherId);
    // Clears are rare: recount rather than track which entries went.
    this.recount();
    this.searchCache = null;
    return before - this.entries.length;
  }

  // ---------- writes ----------

  /** Resolves once the capture is on disk (fdatasync), with its index entry. */
  append(input: AppendInput): Promise<StoreEntry> {
    return new Promise<StoreEntry>((resolve, reject) => {
      this.appendThen(input, (err, entry) => (entry ? resolve(entry) : reject(err)));
    });
  }

  /**
   * append() for the catcher's hot path: `done` runs straight from the batch's completion, with no
   * promise per capture (thousands a second; promise jobs showed in profiles). Exceptions thrown by
   * `done` are the caller's: they are caught and dropped here so one caller cannot stop the others.
   */
  appendThen(input: AppendInput, done: AppendCallback): void {
    const refused = this.refusal();
    if (refused) {
      queueMicrotask(() => done(refused, null));
      return;
    }
    const seq = this.nextSeq++;
    const size = bodyLength(input.body);
    this.pending.push({ kind: 'capture', seq, input, size, large: largeBlob(input, size), done });
    this.queueFlush();
  }

  private refusal(): Error | null {
    if (this.opts.readOnly) return new Error('capture store is open read-only');
    if (this.closed) return new Error('capture store is closed');
    return null;
  }

  /** Appends an update record (annotations, answered status); merged into the capture on read. */
  update(seq: number, update: CaptureUpdate): Promise<StoreEntry | null> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    const queue = (): Promise<StoreEntry | null> =>
      new Promise<StoreEntry | null>((resolve, reject) => {
        this.pending.push({ kind: 'update', seq, update, done: (err, entry) => (err ? reject(err) : resolve(entry)) });
        this.queueFlush();
      });
    // An update of an entry still being decoded waits for it (its record goes in after it anyway).
    return this.older && seq <= this.older.lastSeq ? this.olderLoaded.then(queue) : queue();
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    // Everything that arrives while earlier batches are being fsynced rides in the next one.
    this.chain = this.chain.then(() => this.flush());
  }

  /**
   * Group commit, pipelined: up to MAX_INFLIGHT batches are written and fsynced at once (fsync
   * latency, not CPU, bounds a durable store), and acknowledged strictly in order.
   */
  private async flush(): Promise<void> {
    this.flushQueued = false;
    // A batch may have been started while this waited (see startBatch's caller): wait again then.
    while (this.inflight >= MAX_INFLIGHT || this.rollback) {
      await this.tail;
      if (this.rollback) await this.undoFailed();
    }
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    if (this.inflight === 0) {
      try {
        await this.maybeRoll();
      } catch (err) {
        settle(batch, err);
        return;
      }
    }
    this.startBatch(batch);
  }

  /** Whether what is pending may go out as a batch straight from the completion of the one before. */
  private canStartNext(): boolean {
    return this.pending.length > 0 && this.rollback === null && this.inflight < MAX_INFLIGHT && !this.rollDue() && !this.clearing;
  }

  private takePending(): Pending[] {
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  /** Encodes `batch` and starts its write; its promise becomes the new tail. */
  private startBatch(batch: Pending[]): void {
    const seg = this.current;
    const bodyStart = seg.bodySize;
    const idxStart = seg.idxSize;
    const bodyOut = new BatchBuffer(this.chunks);
    const idxOut = new BatchBuffer(this.chunks);
    // What to do once the batch is durable: entries to index, then every caller to answer.
    const added: StoreEntry[] = [];
    /** Whether a body too large to copy is in the batch (see writeBodies on preallocation). */
    let largeBody = false;
    const updates: Array<{ seq: number; update: CaptureUpdate; offset: number }> = [];
    for (const p of batch) {
      if (p.kind === 'capture') {
        const { input } = p;
        const entry: StoreEntry = {
          seq: p.seq,
          receivedAtMs: input.receivedAtMs,
          catcherId: this.interner.get(input.catcherId),
          method: this.interner.get(input.method),
          url: input.url,
          contentType: input.contentType === null ? null : this.interner.get(input.contentType),
          bodySize: p.size,
          bodyTruncated: input.bodyTruncated,
          responseStatus: input.responseStatus,
          signatureStatus: input.signatureStatus,
          duplicateOf: input.duplicateOf,
          blobOffset: 0,
          detailLength: 0,
          blobCrc: 0,
          segment: seg.n,
          updates: null,
        };
        // The record in front of the blob (see codec.ts) needs the detail's length and checksum,
        // known only once the detail is written: reserve room, write the detail (and a small body)
        // after it, then the record, then close the gap (the room reserved was an upper bound).
        const room = maxCaptureRecord(entry);
        const size = entry.bodySize;
        const parts: readonly Buffer[] = Buffer.isBuffer(input.body) ? [input.body] : input.body;
        const { large } = p;
        let buf: Buffer;
        let recStart: number;
        let detailStart: number;
        let blobEnd: number;
        if (large === null) {
          const text = detailText(input.detail);
          buf = bodyOut.reserve(room + text.length * 3 + size);
          recStart = bodyOut.pos;
          detailStart = recStart + room;
          const detailEnd = detailStart + buf.write(text, detailStart, 'utf8');
          entry.detailLength = detailEnd - detailStart;
          blobEnd = detailEnd;
          for (const part of parts) blobEnd += part.copy(buf, blobEnd);
          entry.blobCrc = crc32(buf.subarray(detailStart, blobEnd));
        } else {
          buf = bodyOut.reserve(room + large.detail.length);
          recStart = bodyOut.pos;
          detailStart = recStart + room;
          blobEnd = detailStart + large.detail.copy(buf, detailStart);
          entry.detailLength = large.detail.length;
          entry.blobCrc = large.crc;
        }
        const recEnd = writeCaptureRecord(buf, recStart, entry, bodyStart + bodyOut.length);
        if (recEnd < detailStart) buf.copy(buf, recEnd, detailStart, blobEnd);
        bodyOut.advance(recEnd + (blobEnd - detailStart));
        if (large !== null) {
          largeBody = true;
          for (const part of parts) bodyOut.append(part);
        }
        idxOut.append(buf.subarray(recStart, recEnd));
        added.push(entry);
      } else {
        const offset = idxStart + idxOut.length;
        idxOut.append(encodeUpdate(p.seq, p.update));
        updates.push({ seq: p.seq, update: p.update, offset });
      }
    }
    const bodyPos = bodyStart + bodyOut.length;
    const idxPos = idxStart + idxOut.length;
    const bodyBufs = bodyOut.finish();
    const idxBufs = idxOut.finish();
    const done = (): void => {
      for (const entry of added) {
        this.entries.push(entry);
        this.perCatcher.set(entry.catcherId, (this.perCatcher.get(entry.catcherId) ?? 0) + 1);
      }
      let a = 0;
      let u = 0;
      for (const p of batch) {
        let entry: StoreEntry | null;
        if (p.kind === 'capture') entry = added[a++] as StoreEntry;
        else {
          const { seq, update, offset } = updates[u++] as (typeof updates)[number];
          entry = this.find(seq) ?? null;
          if (entry) this.applyUpdate(entry, update, seg.n, offset);
        }
        try {
          p.done(null, entry);
        } catch {
          // The caller's own failure (see appendThen).
        }
      }
    };
    seg.bodySize = bodyPos;
    seg.idxSize = idxPos;
    this.inflight++;
    const written = this.writeBodies(seg, bodyBufs, bodyStart, largeBody);
    const prev = this.tail;
    this.tail = (async (): Promise<boolean> => {
      let failure: unknown = null;
      try {
        await written;
      } catch (err) {
        failure = err;
      }
      const prevOk = await prev;
      let idxLater = false;
      if (failure === null && prevOk) {
        try {
          idxLater = await this.syncAndIndex(seg, bodyBufs.length > 0, idxOut, idxBufs, idxStart, updates.length > 0);
        } catch (err) {
          failure = err;
        }
      }
      bodyOut.release();
      if (!idxLater) idxOut.release();
      this.inflight--;
      if (failure === null && prevOk) {
        // What arrived during this commit starts its own write now. Small batches start before this
        // batch's callers run: answering them takes the main thread a while, and the next fsync
        // runs meanwhile. A batch with large bodies is a long copy on this thread (see writeBodies),
        // which would hold the answers back: those go first (64 KiB bodies: +19 % req/s, median of
        // 8 alternating rounds; at 1 KiB the other order measured ~5 % fewer).
        if (this.canStartNext() && !hasLarge(this.pending)) {
          this.startBatch(this.takePending());
          done();
        } else {
          done();
          // Asked after done(): its callers may have appended or started a clear.
          if (this.canStartNext()) this.startBatch(this.takePending());
        }
        return true;
      }
      // The first failed batch marks where the files must be cut back to before the next write.
      this.rollback ??= { seg, idx: idxStart, body: bodyStart };
      const cause = failure ?? Object.assign(new Error('an earlier write to the capture store failed'), { code: 'EIO' });
      settle(batch, cause);
      return false;
    })();
  }

  /**
   * A batch's bytes in the body file (the write-ahead log: records, details, bodies, plus zeroed
   * space ahead). Runs while the batch before is being fsynced; syncAndIndex follows once it is done.
   */
  private async writeBodies(seg: Segment, bodyBufs: Buffer[], bodyStart: number, largeBody: boolean): Promise<void> {
    if (!bodyBufs.length) return;
    if (seg.direct) {
      try {
        await seg.direct.write(bodyBufs, bodyStart);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
        // The filesystem refused a direct write after the probe passed (some refuse it for some
        // files only): buffered from now on, starting with this batch, rather than failing every one.
        const refused = seg.direct;
        seg.direct = null;
        this.stage = null;
        await refused.close();
      }
    }
    const writes: Array<Promise<unknown>> = [];
    // A batch goes into the page cache from here (see writeAllSync): the thread-pool hop costs
    // more than the copy, even for 64 KiB bodies (~1.6 MB a batch: ~0.65 ms here, ~1.1 ms from the
    // pool, whose thread competes with this one for 2 cores), once the answers of the batch before
    // no longer wait for it (see startBatch's tail). Only very large batches go to the pool, so
    // that one does not stall this thread for long.
    if (seg.bodySize - bodyStart <= SYNC_WRITE_MAX) writeAllSync(seg.bodyFd, bodyBufs, bodyStart);
    else writes.push(writeAll(seg.bodyFd, bodyBufs, bodyStart));
    // Writing into already-allocated, already-sized space lets fdatasync skip the metadata commit.
    // Not ahead of large bodies: a batch of one or two of them is small, but the next is large and
    // overwrites the zeros, which the fdatasync in between had to write out (64 KiB bodies under
    // load: 21 MiB of zeros in 4 s; without them +2 to +8 % req/s, about the noise here).
    if (!largeBody && seg.bodySize - bodyStart < PREALLOC_MAX_BATCH && seg.bodySize + PREALLOC_BODY / 4 > seg.bodyAlloc) {
      const from = Math.max(seg.bodyAlloc, seg.bodySize);
      seg.bodyAlloc = from + PREALLOC_BODY;
      writes.push(writeAll(seg.bodyFd, [ZEROS_BODY], from));
    }
    await Promise.all(writes);
  }

  /**
   * One fdatasync makes the batch durable. Its index records are then written without one — and
   * without holding up the answers (resolves true: written later, `idxOut` released then); opening
   * rebuilds any the disk lost from the body file. Update records are not in the body file, so a
   * batch with updates writes and syncs the index (after every earlier index write) before it resolves.
   */
  private async syncAndIndex(seg: Segment, hasBodies: boolean, idxOut: BatchBuffer, idxBufs: Buffer[], idxStart: number, syncIdx: boolean): Promise<boolean> {
    if (hasBodies && !seg.direct) await datasync(seg.bodyFd);
    if (!syncIdx) {
      // A failed index write loses nothing: the records are in the body file (rebuilt on open).
      this.idxWrites = this.idxWrites
        .then(() => {
          writeAllSync(seg.idxFd, idxBufs, idxStart);
        })
        .then(
          () => idxOut.release(),
          () => idxOut.release(),
        );
      return true;
    }
    await this.idxWrites;
    const writes: Array<Promise<unknown>> = [writeAll(seg.idxFd, idxBufs, idxStart)];
    if (seg.idxSize + PREALLOC_IDX / 4 > seg.idxAlloc) {
      const from = Math.max(seg.idxAlloc, seg.idxSize);
      seg.idxAlloc = from + PREALLOC_IDX;
      writes.push(writeAll(seg.idxFd, [ZEROS_IDX], from));
    }
    await Promise.all(writes);
    await datasync(seg.idxFd);
    return false;
  }

  /** After a failed batch: cut both files back to the last good record (best effort). */
  private async undoFailed(): Promise<void> {
    const rb = this.rollback;
    if (!rb) return;
    await truncateFd(rb.seg.idxFd, rb.idx).catch(() => undefined);
    await truncateFd(rb.seg.bodyFd, rb.body).catch(() => undefined);
    rb.seg.idxSize = rb.idx;
    rb.seg.bodySize = rb.body;
    rb.seg.idxAlloc = rb.idx;
    rb.seg.bodyAlloc = rb.body;
    await rb.seg.direct?.reset(rb.body, rb.seg.bodyFd).catch(() => {
      rb.seg.direct = null;
    });
    this.rollback = null;
    this.tail = Promise.resolve(true);
  }

  /** Waits until every batch written so far has settled. */
  private async drain(): Promise<void> {
    await this.chain;
    await this.tail;
    if (this.rollback) await this.undoFailed();
    await this.idxWrites;
  }

  /** Body bytes first, then index records, then both made durable; on failure the files are cut back. */
  private async commit(seg: Segment, bodyBufs: Buffer[], idxBufs: Buffer[]): Promise<number> {
    const bodyStart = seg.bodySize;
    const idxStart = seg.idxSize;
    try {
      const [, idxBytes] = await Promise.all([
        bodyBufs.length ? writeAll(seg.bodyFd, bodyBufs, bodyStart) : Promise.resolve(0),
        writeAll(seg.idxFd, idxBufs, idxStart),
      ]);
      await Promise.all([bodyBufs.length ? datasync(seg.bodyFd) : Promise.resolve(), datasync(seg.idxFd)]);
      return idxBytes;
    } catch (err) {
      await truncateFd(seg.idxFd, idxStart).catch(() => undefined);
      await truncateFd(seg.bodyFd, bodyStart).catch(() => undefined);
      throw err;
    }
  }

  private rollDue(): boolean {
    return this.current.bodySize >= this.opts.segmentBodyBytes || this.current.idxSize >= this.opts.segmentIndexBytes;
  }

  private async maybeRoll(): Promise<void> {
    const seg = this.current;
    if (!this.rollDue()) return;
    await this.idxWrites;
    // Give the zeroed space ahead back before the segment becomes read-only.
    await truncateFd(seg.idxFd, seg.idxSize);
    await truncateFd(seg.bodyFd, seg.bodySize);
    const next = await this.openSegment(seg.n + 1);
    // The old segment is read-only from now on: keep its index fd for update lookups.
    this.readFds.set(seg.n * 2, seg.idxFd);
    await seg.direct?.close();
    await closeFile(seg.bodyFd);
    this.current = next;
    await this.writeMarker();
  }

  /** Removes the captures of one catcher (or all); returns how many. */
  clear(catcherId: string | null): Promise<number> {
    const run = async (): Promise<number> => {
      await this.olderLoaded;
      // No batch may be in flight or start while the record is written: a batch started when the
      // one awaited here completes (captures that arrived meanwhile) took the index bytes the
      // clear record was being written to, or wrote zeroed space ahead over it.
      this.clearing = true;
      try {
        while (this.inflight > 0) await this.tail;
        if (this.rollback) await this.undoFailed();
        // The clear record is synced: every index record before it must be written by then.
        await this.idxWrites;
        const uptoSeq = this.nextSeq - 1;
        const seg = this.current;
        const rec = encodeClear(uptoSeq, catcherId);
        await this.commit(seg, [], [rec]);
        seg.idxSize += rec.length;
        const removed = this.applyClear(uptoSeq, catcherId);
        if (this.entries.length === 0) await this.reclaim();
        return removed;
      } finally {
        this.clearing = false;
        // Captures that arrived meanwhile were left waiting for this.
        if (this.pending.length > 0) this.queueFlush();
      }
    };
    const p = this.chain.then(run);
    this.chain = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  /** Nothing is left: start a fresh segment and delete the old files to give the space back. */
  private async reclaim(): Promise<void> {
    const old = this.current;
    const next = await this.openSegment(old.n + 1);
    this.current = next;
    await this.writeMarker();
    await closeFile(old.idxFd);
    await old.direct?.close();
    await closeFile(old.bodyFd);
    for (const [, fd] of this.readFds) await closeFile(fd);
    this.readFds.clear();
    for (const f of fs.readdirSync(this.dir)) {
      const m = /^(\d{6})\.(idx|body)$/.exec(f);
      if (m && Number(m[1]) < next.n) fs.rmSync(path.join(this.dir, f), { force: true });
    }
  }

  // ---------- reads ----------

  private async fdFor(segment: number, kind: 'idx' | 'body'): Promise<number> {
    if (this.closed) throw Object.assign(new Error('capture store is closed'), { code: 'EBADF' });
    if (segment === this.current.n) return kind === 'idx' ? this.current.idxFd : this.current.bodyFd;
    const key = kind === 'idx' ? segment * 2 : segment * 2 + 1;
    const found = this.readFds.get(key);
    if (found !== undefined) return found;
    const fd = await openFile(path.join(this.dir, segName(segment, kind)), 'r');
    this.readFds.set(key, fd);
    return fd;
  }

  async get(seq: number): Promise<StoredCapture | null> {
    const entry = await this.lookup(seq);
    if (!entry) return null;
    const fd = await this.fdFor(entry.segment, 'body');
    const detail = decodeDetail(await readAt(fd, entry.blobOffset, entry.detailLength));
    if (entry.updates) {
      for (let i = 0; i < entry.updates.length; i += 2) {
        const segment = entry.updates[i] as number;
        const offset = entry.updates[i + 1] as number;
        const ifd = await this.fdFor(segment, 'idx');
        const head = await readAt(ifd, offset, 8);
        const whole = await readAt(ifd, offset, 8 + head.readUInt32LE(0));
        const r = readRecord(whole, 0);
        if (r.ok && r.record.kind === RecordKind.Update) {
          const u = r.record.update;
          if (u.durationMs !== undefined) detail.durationMs = u.durationMs;
          if (u.annotations) detail.annotations = { ...detail.annotations, ...u.annotations };
        }
      }
    }
    return { entry, detail };
  }

  /** A range of the stored body; the whole body is checked against its checksum. */
  async readBody(seq: number, offset = 0, length = Number.MAX_SAFE_INTEGER): Promise<Buffer | null> {
    const entry = await this.lookup(seq);
    if (!entry) return null;
    const fd = await this.fdFor(entry.segment, 'body');
    const start = Math.min(offset, entry.bodySize);
    const n = Math.min(length, entry.bodySize - start);
    if (start === 0 && n === entry.bodySize) {
      const blob = await readAt(fd, entry.blobOffset, entry.detailLength + entry.bodySize);
      const detail = blob.subarray(0, entry.detailLength);
      const body = blob.subarray(entry.detailLength);
      if (blob.length !== entry.detailLength + entry.bodySize || blobChecksum(detail, body) !== entry.blobCrc) {
        throw Object.assign(new Error(`capture ${seq}: stored bytes fail their checksum`), { code: 'STORE_CORRUPT' });
      }
      return body;
    }
    return readAt(fd, entry.blobOffset + entry.detailLength + start, n);
  }

  /** Entries matching the filter, oldest first; `total` counts all matches before paging. */
  async list(q: ListQuery): Promise<{ items: StoreEntry[]; total: number }> {
    if (this.older) {
      const page = this.newestPage(q);
      if (page) return page;
      await this.olderLoaded;
    }
    const methods = q.methods && q.methods.length ? new Set(q.methods.map((m) => m.toUpperCase())) : null;
    // Unfiltered (the list as first shown, and every "load older" page): page the index itself
    // rather than copying a million entries per call.
    let matches: readonly StoreEntry[] = this.entries;
    if (q.catcherId !== undefined || methods) {
      const picked: StoreEntry[] = [];
      for (const e of this.entries) {
        if (q.catcherId !== undefined && e.catcherId !== q.catcherId) continue;
        if (methods && !methods.has(e.method.toUpperCase())) continue;
        picked.push(e);
      }
      matches = picked;
    }
    const text = q.text?.trim();
    if (text) matches = await this.searchText(matches, text);
    // Matches are in seq order: the page bounds are binary searches.
    const start = q.afterSeq !== undefined ? firstAbove(matches, q.afterSeq) : 0;
    // Seqs are integers: "below beforeSeq" is "not above ceil(beforeSeq) - 1".
    const end = q.beforeSeq !== undefined ? firstAbove(matches, Math.ceil(q.beforeSeq) - 1) : matches.length;
    const items = end <= start ? [] : q.newest ? matches.slice(Math.max(start, end - q.limit), end) : matches.slice(start, Math.min(end, start + q.limit));
    return { items, total: matches.length };
  }

  /**
   * While older segments load: the newest page (of all captures or one catcher's, the list as
   * first shown) when the decoded newer entries fill it; null when it needs older ones.
   */
  private newestPage(q: ListQuery): { items: StoreEntry[]; total: number } | null {
    if (!q.newest || q.afterSeq !== undefined || q.methods?.length || q.text?.trim()) return null;
    const matches = q.catcherId === undefined ? this.entries : this.entries.filter((e) => e.catcherId === q.catcherId);
    const end = q.beforeSeq !== undefined ? firstAbove(matches, Math.ceil(q.beforeSeq) - 1) : matches.length;
    if (end < q.limit) return null;
    const olderMatches = q.catcherId === undefined ? (this.older?.count ?? 0) : (this.olderPerCatcher?.get(q.catcherId) ?? 0);
    return { items: matches.slice(end - q.limit, end), total: matches.length + olderMatches };
  }

  /** Case-insensitive substring over method, url, headers and body; bodies read in long runs. */
  private async searchText(candidates: readonly StoreEntry[], text: string): Promise<StoreEntry[]> {
    // Compare bytes as latin1 so string offsets equal file offsets; the needle gets the same mapping.
    const needle = Buffer.from(text, 'utf8').toString('latin1').toLowerCase();
    const lowerText = text.toLowerCase();
    let cache = this.searchCache;
    if (!cache || cache.text !== needle) cache = { text: needle, upto: 0, matches: new Set() };
    const known = cache;
    const toScan: StoreEntry[] = [];
    for (const e of candidates) {
      if (e.seq <= known.upto) continue;
      if (e.method.toLowerCase().includes(lowerText) || e.url.toLowerCase().includes(lowerText)) known.matches.add(e.seq);
      else toScan.push(e);
    }
    let i = 0;
    while (i < toScan.length) {
      const first = toScan[i] as StoreEntry;
      const runStart = first.blobOffset;
      let runEnd = first.blobOffset + first.detailLength + first.bodySize;
      let j = i + 1;
      while (j < toScan.length) {
        const e = toScan[j] as StoreEntry;
        const end = e.blobOffset + e.detailLength + e.bodySize;
        if (e.segment !== first.segment || e.blobOffset < runStart || end - runStart > SEARCH_CHUNK) break;
        runEnd = Math.max(runEnd, end);
        j++;
      }
      const fd = await this.fdFor(first.segment, 'body');
      const hay = (await readAt(fd, runStart, runEnd - runStart)).toString('latin1').toLowerCase();
      // One pass over the run: each hit is credited to the capture whose bytes contain it.
      let k = i;
      let at = hay.indexOf(needle);
      while (at !== -1 && k < j) {
        let e = toScan[k] as StoreEntry;
        while (k < j && e.blobOffset - runStart + e.detailLength + e.bodySize < at + needle.length) {
          k++;
          e = toScan[k] as StoreEntry;
        }
        if (k >= j) break;
        const from = e.blobOffset - runStart;
        if (at >= from) {
          known.matches.add(e.seq);
          k++;
          if (k >= j) break;
          const next = toScan[k] as StoreEntry;
          at = hay.indexOf(needle, next.blobOffset - runStart);
        } else {
          // A hit straddling the gap before this capture: look again from its start.
          at = hay.indexOf(needle, from);
        }
      }
      i = j;
    }
    let upto = known.upto;
    for (const e of candidates) if (e.seq > upto) upto = e.seq;
    // Only entries checked so far are cached; a later filter with other catchers/methods rescans.
    if (candidates.length === this.entries.length) known.upto = upto;
    this.searchCache = known;
    return candidates.filter((e) => known.matches.has(e.seq));
  }

  /** Every entry, oldest first (for export; a store opened with `background` must be loaded). */
  all(): readonly StoreEntry[] {
    if (this.older) throw new Error('capture store is still loading (await whenLoaded())');
    return this.entries;
  }

  /** Waits for queued writes, then closes every file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The background decode stops at its next slice.
    await this.olderLoaded.catch(() => undefined);
    this.queueFlush();
    await this.drain();
    // Give the zeroed space ahead back so the files end where the data ends.
    if (this.current.idxFd >= 0) await truncateFd(this.current.idxFd, this.current.idxSize).catch(() => undefined);
    if (this.current.bodyFd >= 0) await truncateFd(this.current.bodyFd, this.current.bodySize).catch(() => undefined);
    if (this.current.idxFd >= 0) await closeFile(this.current.idxFd);
    await this.current.direct?.close();
    if (this.current.bodyFd >= 0) await closeFile(this.current.bodyFd);
    for (const [, fd] of this.readFds) await closeFile(fd);
    this.readFds.clear();
    if (this.lockFile) fs.rmSync(this.lockFile, { force: true });
  }
}

