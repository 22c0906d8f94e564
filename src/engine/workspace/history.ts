import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { RequestSpec, ResponseRecord, SendOutcome } from '../../shared/model/http';
import type { HistoryEntry, HistorySummary } from '../../shared/model/workspace';
import type { HistoryQuery } from '../../shared/contract/workspace';
import { SwitchboardError } from '../../shared/errors';
import { writeFileAtomic } from './files';

// Every request sent, with its response. Kept in the engine's data directory (not the workspace):
//   history/index.jsonl       one HistoryEntry per line, oldest first (appended; rewritten on delete);
//                             a line whose body is packed also carries "bodyPack" and "bodyOffset"
//   history/bodies/<pack>.pack  the decoded response bodies (up to `maxBodyBytes` each) of one write
//                             batch, back to back; an entry's body is bodyKept bytes at bodyOffset
//   history/bodies/<id>.bin   a body larger than PACK_MAX_BODY (and every body of older data dirs)
// The total (index lines + bodies) stays under `maxBytes`: the oldest entries go first. A pack file
// goes when its last entry does (a single deleted entry leaves its bytes until then).
//
// Recording is on the sender's hot path (every send), so it touches no disk and does not even build
// the entry there: record()/add() queue the send, and entries are built (JSON line, limits, events)
// in a setImmediate, or at once when anything reads the store. Sequential sends thus build each
// entry after the next request is on the wire, while its response is awaited. (Batches of 32 built
// in one burst held up the next response: the bench measured 0.75-0.89× of a raw client then,
// 0.91-0.94× now.) Sends answered in the same loop turn are built together.
// A batch is written shortly after (one pack file for the small bodies, then the index lines in one
// write through a long-lived append handle); a file per body cost ≈ 20-60 µs of CPU per send.
// Eviction drops a slice of the oldest entries at a time so the index is rewritten once per slice,
// not once per send. flush() (called on close) writes everything pending.

export interface HistoryLimits {
  maxBytes: number;
  maxBodyBytes: number;
  maxEntries: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = {
  maxBytes: 200 * 1024 * 1024,
  maxBodyBytes: 10 * 1024 * 1024,
  maxEntries: 10_000,
};

/** A pending batch is written after this long, or sooner when it grows past the caps below. */
const FLUSH_DELAY_MS = 50;
const FLUSH_ENTRIES = 512;
const FLUSH_BYTES = 8 * 1024 * 1024;
/** Over a limit, evict down to this fraction of it so the index rewrite is amortised. */
const EVICT_TO = 0.95;
/** Bodies up to this size share a pack file per write batch; larger ones get a file each. */
const PACK_MAX_BODY = 256 * 1024;
const PACK_NAME = /^p[0-9a-z]+-[0-9a-f]+-[0-9a-z]+$/;

/** Bytes of a body read for text search (beyond that, search sees only the start). */
const SEARCH_BYTES = 1024 * 1024;

function dayKeyOf(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// Local-date formatting costs a few µs per send; sends in the same minute share the day (a minute
// never spans two local days, whatever the zone's offset).
let dayCache = { minute: NaN, key: '' };
function dayKey(ms: number): string {
  const minute = Math.floor(ms / 60_000);
  if (minute !== dayCache.minute) dayCache = { minute, key: dayKeyOf(new Date(ms)) };
  return dayCache.key;
}

// Parsing startedAt and formatting it again (new Date(text), toISOString) were most of an entry's
// build time; sends in the same second share everything but the milliseconds.
const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
let isoCache = { prefix: '', secondMs: NaN };

function digit(text: string, i: number): number {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

/** The time of an ISO string: [ms, the string as toISOString writes it], or null when invalid. */
function parseIso(text: string): [number, string] | null {
  if (text.length === 24 && text.charCodeAt(23) === 90 && text.startsWith(isoCache.prefix) && isoCache.prefix) {
    const ms = digit(text, 20) * 100 + digit(text, 21) * 10 + digit(text, 22);
    if (!Number.isNaN(ms)) return [isoCache.secondMs + ms, text];
  }
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return null;
  if (!CANONICAL_ISO.test(text)) return [ms, new Date(ms).toISOString()];
  isoCache = { prefix: text.slice(0, 20), secondMs: ms - (((ms % 1000) + 1000) % 1000) };
  return [ms, text];
}

// Ids: the time plus a per-process random prefix and a counter. One randomBytes call per send was
// a synchronous syscall on the send path.
const ID_PREFIX = randomBytes(3).toString('hex');
let idCounter = 0;
function historyId(atMs: number): string {
  idCounter = (idCounter + 1) % 0x1000000;
  return `h${atMs.toString(36)}${ID_PREFIX}${idCounter.toString(16).padStart(6, '0')}`;
}

export function summary(e: HistoryEntry): HistorySummary {
  return {
    id: e.id,
    at: e.at,
    day: e.day,
    method: e.method,
    url: e.url,
    status: e.status,
    errorCode: e.errorCode,
    timeMs: e.timeMs,
    responseBytes: e.responseBytes,
    source: e.source,
    name: e.name,
  };
}

function matchesStatus(status: number | null, q: string): boolean {
  const t = q.trim().toLowerCase();
  if (!t) return true;
  if (status === null) return t === 'error' || t === '0';
  if (/^[1-5]xx$/.test(t)) return Math.floor(status / 100) === Number(t[0]);
  return String(status) === t;
}

interface Stored {
  entry: HistoryEntry;
  lineBytes: number;
  /** Where its line starts in index.jsonl, or -1 while it is not there (pending). */
  at: number;
  /** Pack file (name without extension) holding the body at `offset`, or null (<id>.bin, or no body). */
  pack: string | null;
  offset: number;
}

/** A send waiting to become an entry (see the note at the top). */
interface Job {
  spec: RequestSpec;
  outcome: SendOutcome;
  source: string | null;
  body: Buffer;
  /** Date.now() when recorded: the time of an entry without a response. */
  recordedAt: number;
  resolve: ((entry: HistoryEntry) => void) | null;
}

export type RecordedListener = (entry: HistoryEntry, evicted: string[]) => void;

/** `s`'s line as it is in `file` (newline included), or null when it is not there as expected. */
function lineIn(file: Buffer, s: Stored): Buffer | null {
  const line = file.subarray(s.at, s.at + s.lineBytes);
  if (line.length !== s.lineBytes || line[0] !== 0x7b || line[line.length - 1] !== 0x0a) return null;
  return line.includes(`"id":${JSON.stringify(s.entry.id)}`) ? line : null;
}

/** The stored line: the entry's JSON, plus where its body is packed. */
function lineOf(entry: HistoryEntry, pack: string | null, offset: number): string {
  const json = JSON.stringify(entry);
  return pack === null ? json : `${json.slice(0, -1)},"bodyPack":"${pack}","bodyOffset":${String(offset)}}`;
}

/** How many of `items`, from the first, have their lines one after another in the index file. */
function fileRun(items: readonly Stored[]): number {
  let n = 0;
  while (n < items.length) {
    const s = items[n] as Stored;
    if (s.at < 0) break;
    if (n > 0) {
      const prev = items[n - 1] as Stored;
      if (s.at !== prev.at + prev.lineBytes) break;
    }
    n++;
  }
  return n;
}

const EMPTY = Buffer.alloc(0);
const LINE_CHUNK = 256 * 1024;

/**
 * Index lines waiting for the disk, UTF-8 encoded as they come: the encoding gives each line's exact
 * size (no separate Buffer.byteLength scan), and the string dies young instead of waiting for the
 * flush (where it was joined and encoded again).
 */
class LineBuffer {
  private done: Buffer[] = [];
  private chunk: Buffer | null = null;
  private used = 0;
  count = 0;

  /** Appends `line` and a newline; returns the bytes taken. */
  add(line: string): number {
    const worst = line.length * 3 + 1;
    if (!this.chunk || this.chunk.length - this.used < worst) {
      if (this.chunk && this.used > 0) this.done.push(this.chunk.subarray(0, this.used));
      this.chunk = Buffer.allocUnsafe(Math.max(LINE_CHUNK, worst));
      this.used = 0;
    }
    const n = this.chunk.write(line, this.used);
    this.chunk[this.used + n] = 0x0a;
    this.used += n + 1;
    this.count++;
    return n + 1;
  }

  /** Everything added so far, in order; the buffer starts empty again. */
  take(): Buffer[] {
    const out = this.done;
    if (this.chunk && this.used > 0) out.push(this.chunk.subarray(0, this.used));
    this.done = [];
    // The rest of the current chunk stays in use: the taken slice shares its memory.
    this.chunk = null;
    this.used = 0;
    this.count = 0;
    return out;
  }

  /** Puts back lines taken earlier (a failed write), ahead of what came since. */
  putBack(bufs: Buffer[], lines: number): void {
    this.done = [...bufs, ...this.done];
    this.count += lines;
  }
}

export class HistoryStore {
  private items: Stored[] = [];
  private bytes = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** Recorded but not yet on disk: index lines in order, and bodies by id (also served from here). */
  private pendingLines = new LineBuffer();
  /** The entries whose lines are in pendingLines, in the same order. */
  private pendingItems: Stored[] = [];
  /** Bytes in index.jsonl as this store last wrote or read it (appends go there). */
  private fileSize = 0;
  private pendingBodies = new Map<string, Buffer>();
  private pendingBytes = 0;
  /** Packs not yet written: their bodies in offset order. `openPack` is the one being filled. */
  private pendingPacks = new Map<string, Buffer[]>();
  private openPack: string | null = null;
  private openPackBytes = 0;
  private packSeq = 0;
  /** Live entries per pack; a pack file is removed when this drops to 0. */
  private packRefs = new Map<string, number>();
  /** Sends queued by record() and not yet entries. */
  private jobs: Job[] = [];
  private drainScheduled = false;
  private listener: RecordedListener | null = null;
  /** Body files (names in bodies/) of evicted entries still to remove, and whether the index must be rewritten. */
  private pendingRemovals: string[] = [];
  private needRewrite = false;
  private flushQueued = false;
  private timer: NodeJS.Timeout | null = null;
  private appendHandle: FileHandle | null = null;
  private readonly indexFile: string;
  private readonly bodyDir: string;

  constructor(
    private readonly dir: string,
    readonly limits: HistoryLimits,
  ) {
    this.indexFile = path.join(dir, 'index.jsonl');
    this.bodyDir = path.join(dir, 'bodies');
  }

  async load(): Promise<void> {
    await mkdir(this.bodyDir, { recursive: true });
    const text = await readFile(this.indexFile, 'utf8').catch(() => '');
    this.items = [];
    this.pendingItems = [];
    this.bytes = 0;
    let damaged = false;
    this.packRefs.clear();
    let at = 0;
    for (const line of text.split('\n')) {
      const lineAt = at;
      at += Buffer.byteLength(line) + 1;
      if (!line.trim()) continue;
      try {
        const raw = JSON.parse(line) as HistoryEntry & { bodyPack?: unknown; bodyOffset?: unknown };
        if (typeof raw.id !== 'string' || typeof raw.at !== 'string') throw new Error('bad entry');
        let pack: string | null = null;
        let offset = 0;
        if (raw.bodyPack !== undefined) {
          if (typeof raw.bodyPack !== 'string' || !PACK_NAME.test(raw.bodyPack) || !Number.isSafeInteger(raw.bodyOffset) || (raw.bodyOffset as number) < 0) {
            throw new Error('bad body location');
          }
          pack = raw.bodyPack;
          offset = raw.bodyOffset as number;
          delete raw.bodyPack;
          delete raw.bodyOffset;
          this.packRefs.set(pack, (this.packRefs.get(pack) ?? 0) + 1);
        }
        const lineBytes = Buffer.byteLength(line) + 1;
        this.items.push({ entry: raw, lineBytes, at: lineAt, pack, offset });
        this.bytes += lineBytes + raw.bodyKept;
      } catch {
        // A torn last line (crash mid-append) or a hand-edited file: skip it, keep the rest.
        damaged = true;
      }
    }
    // Packs no line points at: written just before a crash cut the index append short.
    for (const name of await readdir(this.bodyDir).catch(() => [] as string[])) {
      if (name.endsWith('.pack') && !this.packRefs.has(name.slice(0, -5))) await rm(path.join(this.bodyDir, name), { force: true });
    }
    this.fileSize = Buffer.byteLength(text);
    if (damaged) await this.rewrite();
  }

  /** Called with each entry as it is recorded and the ids evicted to make room for it. */
  onRecorded(listener: RecordedListener | null): void {
    this.listener = listener;
  }

  get total(): number {
    this.drain();
    return this.items.length;
  }

  get totalBytes(): number {
    this.drain();
    return this.bytes;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /**
   * Records one send. `readBody` gives the decoded body (up to the cap) when a response came; a
   * Buffer returned at once (a body still in memory) saves the promise round trips.
   * Resolves with the entry once it is built (see the note at the top); reads see it at once.
   */
  record(
    spec: RequestSpec,
    outcome: SendOutcome,
    source: string | null,
    readBody: (record: ResponseRecord, max: number) => Promise<Buffer> | Buffer,
  ): Promise<HistoryEntry> {
    return new Promise<HistoryEntry>((resolve) => this.add(spec, outcome, source, readBody, resolve));
  }

  /** record() for callers that follow entries through onRecorded: no promise per send. */
  add(
    spec: RequestSpec,
    outcome: SendOutcome,
    source: string | null,
    readBody: (record: ResponseRecord, max: number) => Promise<Buffer> | Buffer,
    resolve: ((entry: HistoryEntry) => void) | null = null,
  ): void {
    const recordedAt = Date.now();
    const response = outcome.ok ? outcome.response : null;
    let body: Promise<Buffer> | Buffer = EMPTY;
    if (response && response.bodySize > 0) {
      try {
        body = readBody(response, this.limits.maxBodyBytes);
      } catch {
        body = EMPTY;
      }
    }
    if (Buffer.isBuffer(body)) this.enqueue(spec, outcome, source, body, recordedAt, resolve);
    else {
      body.then(
        (b) => this.enqueue(spec, outcome, source, b, recordedAt, resolve),
        () => this.enqueue(spec, outcome, source, EMPTY, recordedAt, resolve),
      );
    }
  }

  private enqueue(
    spec: RequestSpec,
    outcome: SendOutcome,
    source: string | null,
    body: Buffer,
    recordedAt: number,
    resolve: ((entry: HistoryEntry) => void) | null,
  ): void {
    // A literal: spreading a partial job here made every job a slow (dictionary) object.
    this.jobs.push({ spec, outcome, source, body, recordedAt, resolve });
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(drainStore, this);
    }
  }

  /** Turns queued sends into entries, oldest first. */
  drain(): void {
    this.drainScheduled = false;
    if (this.jobs.length === 0) return;
    const jobs = this.jobs;
    this.jobs = [];
    for (const job of jobs) {
      const entry = this.build(job);
      job.resolve?.(entry);
      if (this.listener) {
        try {
          this.listener(entry, this.lastEvicted);
        } catch {
          // A failing listener must not lose the entries after it.
        }
      }
    }
  }

  private build(job: Job): HistoryEntry {
    const spec = job.spec;
    const outcome = job.outcome;
    const source = job.source;
    const body = job.body;
    const response = outcome.ok ? outcome.response : null;
    const [atMs, atIso] = (response ? parseIso(response.startedAt) : null) ?? [job.recordedAt, new Date(job.recordedAt).toISOString()];
    const id = historyId(atMs);
    const entry: HistoryEntry = {
      id,
      at: atIso,
      day: dayKey(atMs),
      method: response?.request.method ?? spec.method.toUpperCase(),
      url: response?.request.url ?? spec.url,
      status: response ? response.status : null,
      errorCode: outcome.ok ? null : outcome.error.code,
      timeMs: response ? Math.round(response.elapsedMs) : null,
      responseBytes: response?.bodySize ?? 0,
      source,
      name: spec.name ?? null,
      spec,
      sent: response ? response.request : null,
      response: response ? withoutRequest(response) : null,
      error: outcome.ok ? null : outcome.error,
      bodyKept: body.length,
      bodyTruncated: response ? body.length < response.bodySize : false,
    };
    let pack: string | null = null;
    let offset = 0;
    if (body.length > 0 && body.length <= PACK_MAX_BODY) {
      pack = this.openPack ??= this.newPack();
      offset = this.openPackBytes;
      this.openPackBytes += body.length;
      this.pendingPacks.get(pack)?.push(body);
      this.packRefs.set(pack, (this.packRefs.get(pack) ?? 0) + 1);
    }
    const lineBytes = this.pendingLines.add(lineOf(entry, pack, offset));
    if (body.length) this.pendingBodies.set(id, body);
    this.pendingBytes += lineBytes + body.length;
    const stored: Stored = { entry, lineBytes, at: -1, pack, offset };
    this.items.push(stored);
    this.pendingItems.push(stored);
    this.bytes += lineBytes + body.length;
    this.enforce();
    this.scheduleFlush();
    return entry;
  }

  private newPack(): string {
    const name = `p${Date.now().toString(36)}-${ID_PREFIX}-${(this.packSeq++).toString(36)}`;
    this.pendingPacks.set(name, []);
    this.openPackBytes = 0;
    return name;
  }

  /** One entry left the store: its body goes now (own file) or with the last entry of its pack. */
  private dropBody(s: Stored): void {
    const id = s.entry.id;
    const wasPending = this.pendingBodies.delete(id);
    if (s.pack === null) {
      if (!wasPending && s.entry.bodyKept > 0) this.pendingRemovals.push(`${id}.bin`);
      return;
    }
    const left = (this.packRefs.get(s.pack) ?? 1) - 1;
    if (left > 0) {
      this.packRefs.set(s.pack, left);
      return;
    }
    this.packRefs.delete(s.pack);
    // A pack still in memory is simply not written (writePending skips packs without entries).
    if (!this.pendingPacks.has(s.pack)) this.pendingRemovals.push(`${s.pack}.pack`);
  }

  private scheduleFlush(): void {
    if (this.pendingLines.count >= FLUSH_ENTRIES || this.pendingBytes >= FLUSH_BYTES || this.needRewrite) {
      this.queueFlush();
    } else if (!this.timer && !this.flushQueued) {
      this.timer = setTimeout(() => this.queueFlush(), FLUSH_DELAY_MS);
      // A pending batch must not keep a CLI process alive; close() flushes it.
      this.timer.unref();
    }
  }

  private queueFlush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.flushQueued) return;
    this.flushQueued = true;
    void this.serial(() => this.writePending()).catch(() => undefined);
  }

  /** Writes what is pending: bodies, then removals, then the index (appended, or rewritten once). */
  private async writePending(): Promise<void> {
    this.drain();
    this.flushQueued = false;
    const lineCount = this.pendingLines.count;
    const lines = this.pendingLines.take();
    const lineItems = this.pendingItems;
    this.pendingItems = [];
    const bodies = this.pendingBodies;
    const packs = this.pendingPacks;
    const removals = this.pendingRemovals;
    const rewrite = this.needRewrite;
    // What the rewrite writes is the entries as of the lines taken above: entries recorded while
    // it is written have their lines in the next batch, and would be in the file twice.
    const snapshot = rewrite ? this.items.slice() : null;
    this.pendingBodies = new Map();
    this.pendingBytes = 0;
    // The open pack is sealed: bodies recorded from now on go to a new one.
    this.pendingPacks = new Map();
    this.openPack = null;
    this.pendingRemovals = [];
    this.needRewrite = false;
    try {
      const writes: Array<Promise<void>> = [];
      for (const [name, bufs] of packs) {
        if (this.packRefs.has(name)) writes.push(writeFile(path.join(this.bodyDir, `${name}.pack`), bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs)));
      }
      for (const [id, buf] of bodies) if (buf.length > PACK_MAX_BODY) writes.push(writeFile(path.join(this.bodyDir, `${id}.bin`), buf));
      await Promise.all(writes);
      await Promise.all(removals.map((name) => rm(path.join(this.bodyDir, name), { force: true })));
      if (rewrite) {
        // The rewrite holds every item in memory, pending lines included; the old handle points at
        // the replaced file.
        await this.closeAppend();
        await this.rewrite(snapshot ?? this.items);
      } else if (lines.length) {
        const fh = (this.appendHandle ??= await open(this.indexFile, 'a'));
        const total = lines.reduce((n, b) => n + b.length, 0);
        const written = (await fh.writev(lines)).bytesWritten;
        let at = this.fileSize;
        for (const item of lineItems) {
          item.at = at;
          at += item.lineBytes;
        }
        this.fileSize = at;
        if (written < total) {
          // A short write (disk nearly full): finish the batch so no line is torn or doubled.
          const rest = Buffer.concat(lines).subarray(written);
          for (let at = 0; at < rest.length; ) {
            const { bytesWritten } = await fh.write(rest, at);
            if (bytesWritten === 0) throw new Error('The history index could not be written.');
            at += bytesWritten;
          }
        }
      }
    } catch (err) {
      // Put the batch back so a later flush retries it (e.g. a full disk freed meanwhile). A pack
      // is rewritten whole, so its offsets stay valid.
      const live = new Set(this.items.map((s) => s.entry.id));
      for (const [id, buf] of bodies) if (!this.pendingBodies.has(id) && live.has(id)) this.pendingBodies.set(id, buf);
      for (const [name, bufs] of packs) if (this.packRefs.has(name)) this.pendingPacks.set(name, bufs);
      this.pendingLines.putBack(lines, lineCount);
      this.pendingItems = [...lineItems, ...this.pendingItems];
      for (const item of lineItems) item.at = -1;
      this.pendingRemovals = [...removals, ...this.pendingRemovals];
      this.needRewrite ||= rewrite;
      throw err;
    }
  }

  private async closeAppend(): Promise<void> {
    const fh = this.appendHandle;
    this.appendHandle = null;
    await fh?.close().catch(() => undefined);
  }

  /** Evicts oldest entries over the limits (down to a fraction of them); returns evicted ids. */
  private enforce(): string[] {
    const evicted: string[] = [];
    const over = this.items.length > 1 && (this.bytes > this.limits.maxBytes || this.items.length > this.limits.maxEntries);
    if (over) {
      const maxBytes = Math.floor(this.limits.maxBytes * EVICT_TO);
      const maxEntries = Math.max(1, Math.floor(this.limits.maxEntries * EVICT_TO));
      while (this.items.length > 1 && (this.bytes > maxBytes || this.items.length > maxEntries)) {
        const s = this.items.shift();
        if (!s) break;
        this.bytes -= s.lineBytes + s.entry.bodyKept;
        this.dropBody(s);
        evicted.push(s.entry.id);
      }
    }
    if (evicted.length) this.needRewrite = true;
    this.lastEvicted = evicted;
    return evicted;
  }

  /** Ids dropped by the last record() to stay under the limits. */
  lastEvicted: string[] = [];

  /**
   * Writes index.jsonl anew with `items`. Lines already in the file are copied from it as they are:
   * at the entry cap every eviction (every 5 % of the cap) rewrites ~9,500 lines, and serialising
   * them all again took ~11 µs each, which doubled the CPU of every send once history was full.
   */
  private async rewrite(items: Stored[] = this.items): Promise<void> {
    const old = items.some((s) => s.at >= 0) ? await readFile(this.indexFile).catch(() => null) : null;
    const parts: Buffer[] = [];
    /** The new length of each item's line. */
    const sizes: number[] = [];
    // Evictions take the oldest entries, so the lines kept are mostly one run, in order, at the
    // end of the file: that run is copied as one slice once its first and last lines check out
    // (checking and copying ~9,500 lines one by one cost ~20 µs per send at the entry cap).
    let i = old ? fileRun(items) : 0;
    if (i > 0) {
      const first = items[0] as Stored;
      const last = items[i - 1] as Stored;
      if (old && lineIn(old, first) && lineIn(old, last)) {
        parts.push(old.subarray(first.at, last.at + last.lineBytes));
        for (let k = 0; k < i; k++) sizes.push((items[k] as Stored).lineBytes);
      } else i = 0;
    }
    for (; i < items.length; i++) {
      const s = items[i] as Stored;
      const line = (old && s.at >= 0 ? lineIn(old, s) : null) ?? Buffer.from(`${lineOf(s.entry, s.pack, s.offset)}\n`);
      parts.push(line);
      sizes.push(line.length);
    }
    // Written piece by piece: joining them copied the whole index (~5 MB at the entry cap) again.
    await writeFileAtomic(this.indexFile, parts);
    let at = 0;
    let live: Set<Stored> | null = null;
    items.forEach((s, i) => {
      const n = sizes[i] as number;
      if (n !== s.lineBytes) {
        // Re-serialised to another length (a line that was not as expected): keep the totals right
        // for entries still kept (rare, so the set is built only then).
        live ??= new Set(this.items);
        if (live.has(s)) this.bytes += n - s.lineBytes;
        s.lineBytes = n;
      }
      s.at = at;
      at += n;
    });
    this.fileSize = at;
  }

  private stored(id: string): Stored {
    this.drain();
    const s = this.items.find((i) => i.entry.id === id);
    if (!s) throw new SwitchboardError('NOT_FOUND', `No history entry ${id} (it may have been cleared or evicted by the size limit).`);
    return s;
  }

  get(id: string): HistoryEntry {
    return this.stored(id).entry;
  }

  async body(id: string, offset = 0, length = Number.MAX_SAFE_INTEGER): Promise<{ buf: Buffer; total: number }> {
    const s = this.stored(id);
    const total = s.entry.bodyKept;
    if (total === 0 || offset >= total) return { buf: Buffer.alloc(0), total };
    const n = Math.min(length, total - offset);
    const pending = this.pendingBodies.get(id);
    if (pending) return { buf: Buffer.from(pending.subarray(offset, offset + n)), total };
    const file = s.pack === null ? `${id}.bin` : `${s.pack}.pack`;
    const fh = await open(path.join(this.bodyDir, file), 'r');
    try {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await fh.read(buf, 0, n, (s.pack === null ? 0 : s.offset) + offset);
      return { buf: buf.subarray(0, bytesRead), total };
    } finally {
      await fh.close();
    }
  }

  /** Newest first. */
  async list(q: HistoryQuery & { limit: number; before?: string | undefined }): Promise<{ items: HistorySummary[]; total: number }> {
    this.drain();
    const text = q.text?.trim().toLowerCase() ?? '';
    const method = q.method?.trim().toUpperCase() ?? '';
    let candidates = [...this.items].reverse().map((s) => s.entry);
    if (q.before) {
      const i = candidates.findIndex((e) => e.id === q.before);
      candidates = i >= 0 ? candidates.slice(i + 1) : candidates;
    }
    const out: HistorySummary[] = [];
    let total = 0;
    for (const e of candidates) {
      if (method && e.method !== method) continue;
      if (q.status && !matchesStatus(e.status, q.status)) continue;
      if (text && !(await this.matchesText(e, text))) continue;
      total++;
      if (out.length < q.limit) out.push(summary(e));
    }
    return { items: out, total };
  }

  private async matchesText(e: HistoryEntry, text: string): Promise<boolean> {
    const meta = `${e.method} ${e.url} ${e.status ?? ''} ${e.name ?? ''} ${e.errorCode ?? ''}`.toLowerCase();
    if (meta.includes(text)) return true;
    if (e.bodyKept === 0) return false;
    try {
      const { buf } = await this.body(e.id, 0, SEARCH_BYTES);
      return buf.toString('utf8').toLowerCase().includes(text);
    } catch {
      return false;
    }
  }

  delete(id: string): Promise<boolean> {
    this.drain();
    return this.serial(async () => {
      const i = this.items.findIndex((s) => s.entry.id === id);
      if (i < 0) return false;
      const [s] = this.items.splice(i, 1);
      if (s) {
        this.bytes -= s.lineBytes + s.entry.bodyKept;
        this.dropBody(s);
      }
      this.needRewrite = true;
      await this.writePending();
      return true;
    });
  }

  clear(): Promise<number> {
    this.drain();
    return this.serial(async () => {
      const n = this.items.length;
      this.items = [];
      this.bytes = 0;
      this.pendingLines = new LineBuffer();
      this.pendingItems = [];
      this.pendingBodies = new Map();
      this.pendingPacks = new Map();
      this.openPack = null;
      this.packRefs.clear();
      this.pendingBytes = 0;
      this.pendingRemovals = [];
      this.needRewrite = false;
      await this.closeAppend();
      await rm(this.bodyDir, { recursive: true, force: true });
      await mkdir(this.bodyDir, { recursive: true });
      await this.rewrite();
      return n;
    });
  }

  /** Writes everything pending and closes the append handle (called on close). */
  async flush(): Promise<void> {
    this.drain();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.serial(() => this.writePending()).catch(() => undefined);
    await this.serial(() => this.closeAppend());
  }

  entries(ids?: string[]): HistoryEntry[] {
    this.drain();
    if (!ids) return this.items.map((s) => s.entry);
    const set = new Set(ids);
    return this.items.filter((s) => set.has(s.entry.id)).map((s) => s.entry);
  }
}

function drainStore(store: HistoryStore): void {
  store.drain();
}

/** The response without `request` (kept as `sent`); a literal, as a rest spread cost µs per send. */
function withoutRequest(r: ResponseRecord): Omit<ResponseRecord, 'request'> {
  return {
    id: r.id,
    url: r.url,
    method: r.method,
    status: r.status,
    statusText: r.statusText,
    httpVersion: r.httpVersion,
    headers: r.headers,
    cookies: r.cookies,
    redirects: r.redirects,
    timings: r.timings,
    elapsedMs: r.elapsedMs,
    headersSize: r.headersSize,
    wireBodySize: r.wireBodySize,
    bodySize: r.bodySize,
    contentEncoding: r.contentEncoding,
    decodeError: r.decodeError,
    contentType: r.contentType,
    tlsVerified: r.tlsVerified,
    tls: r.tls,
    remoteAddress: r.remoteAddress,
    startedAt: r.startedAt,
  };
}
