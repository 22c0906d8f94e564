import fs from 'node:fs';
import path from 'node:path';
import type { RepairNote, StoreEntry } from './captureStore';
import { RecordKind, captureEnd, captureFacts, readCaptureEntry, readRecord, releaseDecodeCaches, segName, type CaptureFacts, type CaptureUpdate, type Interner } from './codec';
import { clearIn, findIn } from './entryIndex';

// Opening a big store without decoding all of it first. Building a million index entries took
// ~1.5-2 s on this machine (decoding, then collecting them as garbage); the first list page needs
// only the newest few hundred. So the newest segments are decoded as before, and the older ones
// are only counted (per catcher, clears applied) while opening, then decoded in the background.
//
// The count pass is strict: anything but a clean, sealed segment (a torn or damaged record, zeroed
// space, a record pointing past its body file, body bytes past the last record that a crash may
// have left to recover) makes it give up, and the store is opened the old way, all of it at once,
// with its repairs.

/** What a clear record says: captures of one catcher (or all, null) up to a seq are gone. */
export interface ClearFacts {
  uptoSeq: number;
  catcherId: string | null;
}

/** The older segments as counted while opening, before they are decoded. */
export class OlderSegments {
  /** Segment numbers, oldest first, their index files' bytes and where their counted part ends. */
  readonly numbers: number[] = [];
  readonly buffers: Buffer[] = [];
  readonly ends: number[] = [];
  /**
   * When the newest counted segment was counted only up to a record (`upTo`), the opening decodes
   * the rest of it from `splitAt`, knowing where the counted part's blobs end (`blobEnd`).
   */
  split: { segment: number; buf: Buffer; splitAt: number; blobEnd: number } | null = null;
  /** Seq and catcher of every capture counted, in record order (clears applied by `clear`). */
  private seqs: number[] = [];
  private catchers: string[] = [];
  /** Index ranges whose checksums were not checked (see CaptureStore.verifyInBackground). */
  readonly unverified: Array<{ segment: number; end: number }> = [];
  /** The highest seq these segments have used or reserved. */
  nextSeq = 1;
  private highSeq = 0;

  get count(): number {
    return this.seqs.length;
  }

  /** The highest seq of a capture in these segments (cleared or not). */
  get lastSeq(): number {
    return this.highSeq;
  }

  perCatcher(): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.catchers) out.set(c, (out.get(c) ?? 0) + 1);
    return out;
  }

  /** Applies a clear met in these segments or in a newer one (rare: a filter of two arrays). */
  clear({ uptoSeq, catcherId }: ClearFacts): void {
    const seqs: number[] = [];
    const catchers: string[] = [];
    for (let i = 0; i < this.seqs.length; i++) {
      const seq = this.seqs[i] as number;
      const catcher = this.catchers[i] as string;
      if (seq > uptoSeq || (catcherId !== null && catcher !== catcherId)) {
        seqs.push(seq);
        catchers.push(catcher);
      }
    }
    this.seqs = seqs;
    this.catchers = catchers;
  }

  /**
   * Counts one segment (call oldest first), or with `upTo` the records of the newest one that start
   * before that offset. False when it is not clean and sealed (see above): the caller then decodes
   * everything as before.
   */
  add(segment: number, buf: Buffer, bodySize: number, verifyTailBytes: number, upTo?: number): boolean {
    const verifyFrom = Math.max(0, buf.length - verifyTailBytes);
    const stop = upTo ?? buf.length;
    let pos = 0;
    let blobEnd = 0;
    const facts: CaptureFacts = { kind: 0, next: 0, seq: 0, blobEnd: 0, catcherId: '', uptoSeq: 0, clearCatcherId: null };
    while (pos < stop) {
      if (!captureFacts(buf, pos, pos >= verifyFrom, facts)) return false;
      if (facts.kind === RecordKind.Capture) {
        if (facts.blobEnd > bodySize) return false;
        if (facts.seq > this.highSeq) this.highSeq = facts.seq;
        blobEnd = Math.max(blobEnd, facts.blobEnd);
        this.seqs.push(facts.seq);
        this.catchers.push(facts.catcherId);
        if (facts.seq >= this.nextSeq) this.nextSeq = facts.seq + 1;
      } else if (facts.kind === RecordKind.Clear) {
        this.clear({ uptoSeq: facts.uptoSeq, catcherId: facts.clearCatcherId });
        if (facts.uptoSeq >= this.nextSeq) this.nextSeq = facts.uptoSeq + 1;
      } else if (facts.kind === RecordKind.Marker) {
        if (facts.seq > this.nextSeq) this.nextSeq = facts.seq;
      }
      pos = facts.next;
    }
    this.numbers.push(segment);
    this.buffers.push(buf);
    this.ends.push(pos);
    if (upTo !== undefined) {
      // The rest is decoded while opening, which also checks and repairs the segment's end.
      this.split = { segment, buf, splitAt: pos, blobEnd };
      return true;
    }
    // Bytes after the last blob would be captures to recover from the body file: not sealed.
    if (bodySize !== blobEnd) return false;
    if (verifyFrom > 0) this.unverified.push({ segment, end: verifyFrom });
    return true;
  }
}

/**
 * With `background`: counts the segments before the newest ~tailBytes of index (the oldest of the
 * newest ones may be split at a record), or null to decode everything now (a small store, or an
 * older segment that is not clean).
 */
export function countOlderSegments(dir: string, numbers: number[], bg: { tailBytes: number; minOlderBytes: number }, verifyTailBytes: number): OlderSegments | null {
  if (numbers.length === 0) return null;
  const sizes = numbers.map((n) => fs.statSync(path.join(dir, segName(n, 'idx'))).size);
  // The newest segments that hold about tailBytes: the oldest of them may be split at a record.
  let first = numbers.length - 1;
  let tail = sizes[first] as number;
  while (first > 0 && tail < bg.tailBytes) tail += sizes[--first] as number;
  const splitAt = Math.max(0, tail - bg.tailBytes);
  let olderBytes = splitAt;
  for (let i = 0; i < first; i++) olderBytes += sizes[i] as number;
  if (olderBytes < bg.minOlderBytes || olderBytes === 0) return null;
  const older = new OlderSegments();
  try {
    for (let i = 0; i <= first; i++) {
      if (i === first && splitAt === 0) break;
      const n = numbers[i] as number;
      const buf = fs.readFileSync(path.join(dir, segName(n, 'idx')));
      const bodySize = fs.statSync(path.join(dir, segName(n, 'body'))).size;
      if (!older.add(n, buf, bodySize, verifyTailBytes, i === first ? splitAt : undefined)) return null;
    }
  } catch {
    return null;
  } finally {
    releaseDecodeCaches();
  }
  return older;
}

export interface DecodeContext {
  interner: Interner;
  /** Records decoded between two turns of the event loop. */
  sliceRecords: number;
  /** True once the store is closing: decoding stops. */
  closed(): boolean;
  applyUpdate(entry: StoreEntry, update: CaptureUpdate, segment: number, offset: number): void;
  damaged(note: RepairNote): void;
}

/**
 * Decodes the counted records a slice at a time between other work, with the updates and clears
 * among them applied; null when the store closed first.
 */
export async function decodeOlderSegments(older: OlderSegments, ctx: DecodeContext): Promise<StoreEntry[] | null> {
  let entries: StoreEntry[] = [];
  for (let i = 0; i < older.numbers.length; i++) {
    const n = older.numbers[i] as number;
    const buf = older.buffers[i] as Buffer;
    const end = older.ends[i] as number;
    let pos = 0;
    let records = 0;
    while (pos < end) {
      if (ctx.closed()) return null;
      const c = readCaptureEntry(buf, pos, ctx.interner, false, n);
      if (c !== null) {
        entries.push(c);
        pos = captureEnd;
      } else {
        const r = readRecord(buf, pos, ctx.interner, false, n);
        if (!r.ok) {
          // Counting framed every record of these segments already: only damage in memory gets
          // here. The rest of the segment is left out (counts are redone from what was decoded).
          ctx.damaged({ segment: n, file: segName(n, 'idx'), droppedBytes: buf.length - pos, reason: `${r.reason === 'corrupt' ? r.message : 'cut short'} (while loading in the background; not repaired)` });
          break;
        }
        const rec = r.record;
        if (rec.kind === RecordKind.Update) {
          const entry = findIn(entries, rec.seq);
          if (entry) ctx.applyUpdate(entry, rec.update, n, pos);
        } else if (rec.kind === RecordKind.Clear) {
          entries = clearIn(entries, rec.uptoSeq, rec.catcherId);
        }
        pos = r.next;
      }
      if (++records % ctx.sliceRecords === 0) {
        releaseDecodeCaches();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    releaseDecodeCaches();
    older.buffers[i] = Buffer.alloc(0);
  }
  return entries;
}
