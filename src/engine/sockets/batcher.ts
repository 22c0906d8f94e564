import type { EngineEvent } from '../../shared/contract';
import type { WsServerClient } from '../../shared/model/sockets';
import type { FrameLog } from './frameLog';

const MAX_FRAMES_PER_EVENT = 200;
const FLUSH_MS = 16;

interface Pending {
  log: FrameLog;
  firstSeq: number;
  lastSeq: number;
}

/**
 * Coalesces frame events: only seq numbers are remembered on the hot path; summaries (with
 * their previews) are built from the log at flush time and only for the newest 200 per log, so a
 * flood of thousands of frames a second costs the doors a few small events.
 */
export class FrameBatcher {
  private pending = new Map<string, Pending>();
  private dirtyClients = new Map<string, () => WsServerClient>();
  private touched = new Map<string, () => void>();
  /** The pending batch touched last (valid until the next flush or forget). */
  private last: Pending | null = null;
  private timer: NodeJS.Timeout | null = null;
  /**
   * Counts flushes: a sender that remembers the epoch it last called clientChanged/touch in can
   * skip both until the next flush (they are idempotent within a batch), instead of a map write per frame.
   */
  epoch = 0;

  constructor(private readonly emit: (event: EngineEvent) => void) {}

  add(log: FrameLog, seq: number): void {
    // Floods come from one log at a time: skip the map lookup for a repeat.
    let p = this.last !== null && this.last.log === log ? this.last : this.pending.get(log.id);
    if (p) p.lastSeq = seq;
    else {
      p = { log, firstSeq: seq, lastSeq: seq };
      this.pending.set(log.id, p);
    }
    this.last = p;
    if (this.timer === null) this.schedule();
  }

  /** A server client's counters moved; one event per client per batch. */
  clientChanged(key: string, snapshot: () => WsServerClient): void {
    this.dirtyClients.set(key, snapshot);
    this.schedule();
  }

  /** Run `fn` once at the next flush (a connection's or server's counters moved). */
  touch(key: string, fn: () => void): void {
    if (this.touched.get(key) === fn) return;
    this.touched.set(key, fn);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** Emits everything pending now (also called before state events, to keep their order). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // Everything is taken (and the epoch moved) before emitting, so frames recorded by listeners
    // while this flush emits land in the next batch, marked again.
    const batches = this.pending.size > 0 ? this.pending : null;
    const dirty = this.dirtyClients.size > 0 ? this.dirtyClients : null;
    const touched = this.touched.size > 0 ? this.touched : null;
    if (batches) this.pending = new Map();
    if (dirty) this.dirtyClients = new Map();
    if (touched) this.touched = new Map();
    this.last = null;
    this.epoch++;
    if (batches) {
      for (const [logId, p] of batches) {
        const frames = p.log.summaries(Math.max(p.firstSeq, p.lastSeq - MAX_FRAMES_PER_EVENT + 1), p.lastSeq);
        const skipped = p.lastSeq - p.firstSeq + 1 - frames.length;
        this.emit({ type: 'ws.frames', logId, frames, skipped, lastSeq: p.lastSeq });
      }
    }
    if (dirty) for (const snapshot of dirty.values()) this.emit({ type: 'wsServer.client', client: snapshot() });
    if (touched) for (const fn of touched.values()) fn();
  }

  /** Drops pending frames of a log (cleared or removed). */
  forget(logId: string): void {
    this.pending.delete(logId);
    this.last = null;
    this.touched.delete(logId);
  }

  close(): void {
    this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
