import { performance } from 'node:perf_hooks';

// Send timeouts without a Node timer per send. A setTimeout + clearTimeout pair per request cost
// several µs on the sender's hot path (timer list created and dropped, priority queue insert and
// removal, since sequential sends never share a list). Here a send is an entry in a queue and one
// timer is armed for the earliest deadline; settling a send only marks its entry. The timer is
// unref'd: a send in flight keeps the process alive through its own socket or file handle.

export interface Deadline {
  at: number;
  done: boolean;
  expire: () => void;
}

export class Deadlines {
  private entries: Deadline[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private closed = false;

  /** Calls `expire` once `ms` have passed, unless the returned deadline is settled first. */
  add(ms: number, expire: () => void): Deadline {
    const entry: Deadline = { at: performance.now() + ms, done: this.closed, expire };
    if (this.closed) return entry;
    this.entries.push(entry);
    if (entry.at < this.timerAt) this.arm(entry.at);
    return entry;
  }

  /** The send settled: its deadline no longer matters. */
  settle(entry: Deadline): void {
    if (entry.done) return;
    entry.done = true;
    // Drop settled entries from the front (the usual case: sends settle in the order they started).
    const e = this.entries;
    while (this.head < e.length && e[this.head]!.done) this.head++;
    if (this.head === e.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > e.length) {
      this.entries = e.slice(this.head);
      this.head = 0;
    }
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(fire, Math.max(1, Math.ceil(at - performance.now())), this);
    this.timer.unref();
  }

  /** Expires what is due, keeps the rest, re-arms for the earliest left. */
  check(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const t = performance.now();
    const due: Deadline[] = [];
    const live: Deadline[] = [];
    let next = Infinity;
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      if (entry.done) continue;
      if (entry.at <= t) due.push(entry);
      else {
        live.push(entry);
        if (entry.at < next) next = entry.at;
      }
    }
    this.entries = live;
    this.head = 0;
    if (next !== Infinity && !this.closed) this.arm(next);
    for (const entry of due) {
      entry.done = true;
      try {
        entry.expire();
      } catch {
        // One send's abort must not keep the others from timing out.
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.entries = [];
    this.head = 0;
  }
}

function fire(owner: Deadlines): void {
  owner.check();
}
