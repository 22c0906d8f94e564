import { createWriteStream, mkdirSync, readdirSync, rmSync, type WriteStream } from 'node:fs';
import { copyFile, open, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SwitchboardError } from '../../shared/errors';

// Response bodies stay in the engine: small ones in memory (bounded, least recently used spilled to
// disk), large ones streamed straight to disk. Doors read them in ranges.

type Blob =
  | { kind: 'mem'; buf: Buffer }
  | { kind: 'file'; file: string; size: number };

interface Entry {
  wire: Blob;
  /** Same object as `wire` when the body was not encoded. */
  decoded: Blob;
}

export interface BodyStoreOptions {
  /** Bytes of bodies kept in memory before the oldest are moved to disk. */
  memoryBudget: number;
  /** A body larger than this goes to disk while it downloads. */
  spillThreshold: number;
  /** Bodies kept at all; the oldest are forgotten beyond this. */
  maxEntries: number;
}

export const DEFAULT_BODY_STORE: BodyStoreOptions = {
  memoryBudget: 64 * 1024 * 1024,
  spillThreshold: 1024 * 1024,
  maxEntries: 10_000,
};

/** Collects one body as it arrives; memory first, a file once it grows past the threshold. */
export class BlobWriter {
  private chunks: Buffer[] = [];
  private size = 0;
  private stream: WriteStream | null = null;
  private failed: Error | null = null;
  private file = '';
  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly threshold: number,
  ) {}

  get bytes(): number {
    return this.size;
  }

  /** False when the caller should wait for `drain` before writing more. */
  write(chunk: Buffer, onDrain: () => void): boolean {
    this.size += chunk.length;
    if (!this.stream) {
      this.chunks.push(chunk);
      if (this.size <= this.threshold) return true;
      this.file = path.join(this.dir, this.name);
      this.stream = createWriteStream(this.file);
      this.stream.on('error', (err) => {
        this.failed = err;
      });
      const pending = this.chunks;
      this.chunks = [];
      let ok = true;
      for (const c of pending) ok = this.stream.write(c) && ok;
      if (!ok) this.stream.once('drain', onDrain);
      return ok;
    }
    const ok = this.stream.write(chunk);
    if (!ok) this.stream.once('drain', onDrain);
    return ok;
  }

  get inMemory(): boolean {
    return this.stream === null;
  }

  /** The body when it never left memory (no file, so no waiting). */
  finishInMemory(): Blob {
    const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    return { kind: 'mem', buf };
  }

  async finish(): Promise<Blob> {
    if (!this.stream) {
      const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
      this.chunks = [];
      return { kind: 'mem', buf };
    }
    const stream = this.stream;
    await new Promise<void>((resolve, reject) => {
      stream.end(() => (this.failed ? reject(this.failed) : resolve()));
      stream.once('error', reject);
    });
    return { kind: 'file', file: this.file, size: this.size };
  }

  abort(): void {
    this.chunks = [];
    if (this.stream) {
      this.stream.destroy();
      unlink(this.file).catch(() => undefined);
    }
  }
}

function blobSize(b: Blob): number {
  return b.kind === 'mem' ? b.buf.length : b.size;
}

export class BodyStore {
  private readonly entries = new Map<string, Entry>();
  private memBytes = 0;
  private closed = false;
  private spilling = false;

  constructor(
    private readonly dir: string,
    private readonly opts: BodyStoreOptions = DEFAULT_BODY_STORE,
  ) {
    // Bodies are scratch space for open tabs; history keeps its own copies. Start clean.
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }

  /**
   * A directory of its own for this process under `root` (the CLI, `serve` and the app may share a
   * data directory), after removing those left by processes that are gone.
   */
  static processDir(root: string): string {
    try {
      for (const name of readdirSync(root)) {
        const pid = Number(name.split('-')[0]);
        if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
        try {
          process.kill(pid, 0);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ESRCH') rmSync(path.join(root, name), { recursive: true, force: true });
        }
      }
    } catch {
      // No root yet.
    }
    return path.join(root, `${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  }

  writer(id: string, which: 'wire' | 'body'): BlobWriter {
    return new BlobWriter(this.dir, `${id}.${which}`, this.opts.spillThreshold);
  }

  add(id: string, wire: Blob, decoded: Blob): void {
    if (this.closed) return;
    this.entries.set(id, { wire, decoded });
    if (wire.kind === 'mem') this.memBytes += wire.buf.length;
    if (decoded !== wire && decoded.kind === 'mem') this.memBytes += decoded.buf.length;
    while (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.discard(oldest);
    }
    if (this.memBytes > this.opts.memoryBudget) void this.spill();
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  private get(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) throw new SwitchboardError('NOT_FOUND', `No response body with id ${id} (it was discarded or the engine restarted).`);
    // Recently read bodies move to the young end, so spilling takes the least recently used.
    this.entries.delete(id);
    this.entries.set(id, e);
    return e;
  }

  /** The first `length` decoded bytes of an in-memory body (no copy), or null. */
  peek(id: string, length: number): Buffer | null {
    const blob = this.entries.get(id)?.decoded;
    if (!blob || blob.kind !== 'mem') return null;
    return blob.buf.length <= length ? blob.buf : blob.buf.subarray(0, length);
  }

  size(id: string, decoded: boolean): number {
    const e = this.get(id);
    return blobSize(decoded ? e.decoded : e.wire);
  }

  async read(id: string, offset: number, length: number, decoded: boolean): Promise<{ buf: Buffer; total: number }> {
    const e = this.get(id);
    const blob = decoded ? e.decoded : e.wire;
    const total = blobSize(blob);
    const start = Math.min(offset, total);
    const end = Math.min(total, start + length);
    if (blob.kind === 'mem') return { buf: blob.buf.subarray(start, end), total };
    const fh = await open(blob.file, 'r');
    try {
      const buf = Buffer.alloc(end - start);
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return { buf: buf.subarray(0, got), total };
    } finally {
      await fh.close();
    }
  }

  async save(id: string, target: string, decoded: boolean): Promise<number> {
    const e = this.get(id);
    const blob = decoded ? e.decoded : e.wire;
    try {
      if (blob.kind === 'mem') await writeFile(target, blob.buf);
      else await copyFile(blob.file, target);
    } catch (err) {
      throw new SwitchboardError(
        'FILE_WRITE_FAILED',
        `Cannot write ${target}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return blobSize(blob);
  }

  discard(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    for (const b of e.decoded === e.wire ? [e.wire] : [e.wire, e.decoded]) {
      if (b.kind === 'mem') this.memBytes -= b.buf.length;
      else unlink(b.file).catch(() => undefined);
    }
  }

  /** Moves the least recently used in-memory bodies to disk until under budget. */
  private async spill(): Promise<void> {
    if (this.spilling) return;
    this.spilling = true;
    try {
      for (const [id, e] of this.entries) {
        if (this.memBytes <= this.opts.memoryBudget / 2 || this.closed) break;
        for (const which of ['wire', 'decoded'] as const) {
          const blob = e[which];
          if (blob.kind !== 'mem') continue;
          if (which === 'decoded' && e.decoded === e.wire) continue;
          const file = path.join(this.dir, `${id}.${which === 'wire' ? 'wire' : 'body'}`);
          await writeFile(file, blob.buf);
          if (this.entries.get(id) !== e) {
            await unlink(file).catch(() => undefined);
            break;
          }
          const onDisk: Blob = { kind: 'file', file, size: blob.buf.length };
          this.memBytes -= blob.buf.length;
          if (e.decoded === e.wire) e.decoded = onDisk;
          e[which] = onDisk;
        }
      }
    } catch {
      // Disk full or similar: bodies simply stay in memory.
    } finally {
      this.spilling = false;
    }
  }

  close(): void {
    this.closed = true;
    this.entries.clear();
    this.memBytes = 0;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
