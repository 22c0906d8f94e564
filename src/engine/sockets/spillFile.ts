import fs from 'node:fs';

/**
 * An append-only file whose offsets are known the moment a write is queued, so older log frames
 * can leave memory at once and be read back later. Writes run one after another; reads wait for
 * the writes queued before them.
 */
export class SpillFile {
  private fd: number | null = null;
  private size = 0;
  private queue: Promise<void> = Promise.resolve();
  private failed: Error | null = null;

  constructor(readonly path: string) {}

  /** Queues `data` and returns where it will be. */
  append(data: Buffer): { offset: number; length: number } {
    const offset = this.size;
    this.size += data.length;
    this.queue = this.queue.then(async () => {
      if (this.failed) return;
      try {
        if (this.fd === null) this.fd = fs.openSync(this.path, 'a+');
        let written = 0;
        while (written < data.length) {
          const { bytesWritten } = await writeAsync(this.fd, data, written, data.length - written);
          written += bytesWritten;
        }
      } catch (err) {
        // Disk full or removed directory: frames already spilled are lost, memory stays bounded.
        this.failed = err instanceof Error ? err : new Error(String(err));
      }
    });
    return { offset, length: data.length };
  }

  async read(offset: number, length: number): Promise<Buffer> {
    await this.queue;
    if (this.failed) throw this.failed;
    if (this.fd === null) return Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await readAsync(this.fd, buf, got, length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  }

  get error(): Error | null {
    return this.failed;
  }

  /** Closes and deletes the file. */
  async destroy(): Promise<void> {
    await this.queue;
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = null;
    }
    await fs.promises.rm(this.path, { force: true });
  }
}

function writeAsync(fd: number, buf: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }> {
  return new Promise((resolve, reject) => {
    fs.write(fd, buf, offset, length, null, (err, bytesWritten) => (err ? reject(err) : resolve({ bytesWritten })));
  });
}

function readAsync(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, offset, length, position, (err, bytesRead) => (err ? reject(err) : resolve({ bytesRead })));
  });
}
