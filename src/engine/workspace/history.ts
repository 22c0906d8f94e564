import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RequestSpec, ResponseRecord, SendOutcome } from '../../shared/model/http';
import type { HistoryEntry, HistorySummary } from '../../shared/model/workspace';
import type { HistoryQuery } from '../../shared/contract/workspace';
import { SwitchboardError } from '../../shared/errors';
import { writeFileAtomic } from './files';

// Every request sent, with its response. Kept in the engine's data directory (not the workspace):
//   history/index.jsonl       one HistoryEntry per line, oldest first (appended; rewritten on delete)
//   history/bodies/<id>.bin   the decoded response body, up to `maxBodyBytes`
// The total (index lines + bodies) stays under `maxBytes`: the oldest entries go first.

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

/** Bytes of a body read for text search (beyond that, search sees only the start). */
const SEARCH_BYTES = 1024 * 1024;

function dayKey(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
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
}

export class HistoryStore {
  private items: Stored[] = [];
  private bytes = 0;
  private queue: Promise<unknown> = Promise.resolve();
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
    this.bytes = 0;
    let damaged = false;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as HistoryEntry;
        if (typeof entry.id !== 'string' || typeof entry.at !== 'string') throw new Error('bad entry');
        const lineBytes = Buffer.byteLength(line) + 1;
        this.items.push({ entry, lineBytes });
        this.bytes += lineBytes + entry.bodyKept;
      } catch {
        // A torn last line (crash mid-append) or a hand-edited file: skip it, keep the rest.
        damaged = true;
      }
    }
    if (damaged) await this.rewrite();
  }

  get total(): number {
    return this.items.length;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Records one send. `readBody` gives the decoded body (up to the cap) when a response came. */
  record(
    spec: RequestSpec,
    outcome: SendOutcome,
    source: string | null,
    readBody: (record: ResponseRecord, max: number) => Promise<Buffer>,
  ): Promise<HistoryEntry> {
    return this.serial(async () => {
      const now = new Date();
      const response = outcome.ok ? outcome.response : null;
      const started = response ? new Date(response.startedAt) : now;
      const at = Number.isFinite(started.getTime()) ? started : now;
      const id = `h${at.getTime().toString(36)}${randomBytes(4).toString('hex')}`;
      let body: Buffer = Buffer.alloc(0);
      if (response && response.bodySize > 0) {
        try {
          body = await readBody(response, this.limits.maxBodyBytes);
        } catch {
          body = Buffer.alloc(0);
        }
      }
      const entry: HistoryEntry = {
        id,
        at: at.toISOString(),
        day: dayKey(at),
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
      const line = JSON.stringify(entry);
      const lineBytes = Buffer.byteLength(line) + 1;
      if (body.length) await writeFile(path.join(this.bodyDir, `${id}.bin`), body);
      await appendFile(this.indexFile, `${line}\n`);
      this.items.push({ entry, lineBytes });
      this.bytes += lineBytes + body.length;
      await this.enforce();
      return entry;
    });
  }

  /** Evicts oldest entries over the limits; returns evicted ids. */
  private async enforce(): Promise<string[]> {
    const evicted: string[] = [];
    while (this.items.length > 1 && (this.bytes > this.limits.maxBytes || this.items.length > this.limits.maxEntries)) {
      const s = this.items.shift();
      if (!s) break;
      this.bytes -= s.lineBytes + s.entry.bodyKept;
      evicted.push(s.entry.id);
    }
    if (evicted.length) {
      for (const id of evicted) await rm(path.join(this.bodyDir, `${id}.bin`), { force: true });
      await this.rewrite();
    }
    this.lastEvicted = evicted;
    return evicted;
  }

  /** Ids dropped by the last record() to stay under the limits. */
  lastEvicted: string[] = [];

  private async rewrite(): Promise<void> {
    const text = this.items.map((s) => JSON.stringify(s.entry)).join('\n');
    await writeFileAtomic(this.indexFile, text ? `${text}\n` : '');
  }

  get(id: string): HistoryEntry {
    const s = this.items.find((i) => i.entry.id === id);
    if (!s) throw new SwitchboardError('NOT_FOUND', `No history entry ${id} (it may have been cleared or evicted by the size limit).`);
    return s.entry;
  }

  async body(id: string, offset = 0, length = Number.MAX_SAFE_INTEGER): Promise<{ buf: Buffer; total: number }> {
    const entry = this.get(id);
    const total = entry.bodyKept;
    if (total === 0 || offset >= total) return { buf: Buffer.alloc(0), total };
    const n = Math.min(length, total - offset);
    const fh = await open(path.join(this.bodyDir, `${id}.bin`), 'r');
    try {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await fh.read(buf, 0, n, offset);
      return { buf: buf.subarray(0, bytesRead), total };
    } finally {
      await fh.close();
    }
  }

  /** Newest first. */
  async list(q: HistoryQuery & { limit: number; before?: string | undefined }): Promise<{ items: HistorySummary[]; total: number }> {
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
    return this.serial(async () => {
      const i = this.items.findIndex((s) => s.entry.id === id);
      if (i < 0) return false;
      const [s] = this.items.splice(i, 1);
      if (s) this.bytes -= s.lineBytes + s.entry.bodyKept;
      await rm(path.join(this.bodyDir, `${id}.bin`), { force: true });
      await this.rewrite();
      return true;
    });
  }

  clear(): Promise<number> {
    return this.serial(async () => {
      const n = this.items.length;
      this.items = [];
      this.bytes = 0;
      await rm(this.bodyDir, { recursive: true, force: true });
      await mkdir(this.bodyDir, { recursive: true });
      await this.rewrite();
      return n;
    });
  }

  async flush(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  entries(ids?: string[]): HistoryEntry[] {
    if (!ids) return this.items.map((s) => s.entry);
    const set = new Set(ids);
    return this.items.filter((s) => set.has(s.entry.id)).map((s) => s.entry);
  }
}

function withoutRequest(r: ResponseRecord): Omit<ResponseRecord, 'request'> {
  const { request: _request, ...rest } = r;
  return rest;
}
