import type { TunnelState } from '../../shared/model/tunnel';
import { SwitchboardError, toErrorShape } from '../../shared/errors';
import { probeTunnel, requestTunnel, type TunnelAssignment } from './handshake';
import { libraryReason, seconds } from './reasons';
import { startSession, type Session } from './session';

/** Waits between reconnect attempts: quick at first, then every 30 s (ngrok-like persistence). */
export const DEFAULT_BACKOFF_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

export interface ManagedTunnelOptions {
  /** Tunnel server base URL. */
  host: string;
  /** Subdomain asked for on the first open (reconnects ask for the one assigned). */
  subdomain: string | null;
  local: { host: string; port: number };
  /** Rewrite the Host header of forwarded requests to `local.host` (user chose a local host). */
  rewriteHost: boolean;
  /** Bound on opening, and on each reconnect attempt. */
  openTimeoutMs: number;
  backoffMs?: readonly number[];
  /** Give up (status failed) after this many failed reconnects; default never. */
  maxReconnectAttempts?: number;
  /** How long every connection may be down before the tunnel counts as lost. */
  graceMs?: number;
  /**
   * How often to ask the server whether it still holds the tunnel (0 = never). Catches a server
   * that restarted or dropped us while our sockets still look open.
   */
  probeMs?: number;
  /**
   * The URL senders were given before (a remembered tunnel reopening after a restart): if the server
   * now hands out another one, that is flagged like a change during a reconnect.
   */
  previousUrl?: string | null;
}

export const DEFAULT_PROBE_MS = 30_000;

type Identity = Pick<TunnelState, 'id' | 'target' | 'options'>;

/**
 * A localtunnel tunnel that never leaves the user guessing: bounded open with a coded error,
 * status machine connecting → online → reconnecting → failed / closed, reconnects with backoff
 * asking for the same subdomain, notices a changed URL, and `close()` stops everything.
 */
export class ManagedTunnel {
  private state: TunnelState;
  private readonly sessions = new Set<Session>();
  private readonly aborts = new Set<AbortController>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly wakers = new Set<() => void>();
  private closed = false;
  private minorTimer: NodeJS.Timeout | null = null;
  private pendingRetry: { timer: NodeJS.Timeout; attempt: number; reason: string } | null = null;

  constructor(
    identity: Identity,
    private readonly opts: ManagedTunnelOptions,
    private readonly onState: (state: TunnelState) => void,
  ) {
    this.state = {
      ...identity,
      status: 'connecting',
      url: null,
      assignedSubdomain: null,
      urlChange: null,
      reason: null,
      error: null,
      attempt: 0,
      nextRetryAt: null,
      local: { ...opts.local },
      connections: 0,
      maxConnections: 0,
      requestCount: 0,
      onlineSince: null,
      updatedAt: new Date().toISOString(),
    };
  }

  get snapshot(): TunnelState {
    return this.state;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Resolves once online; rejects with a TUNNEL_* SwitchboardError within openTimeoutMs. With
   * `keepTrying` (a remembered tunnel reopening by itself, e.g. at start-up while offline) an
   * unreachable server leaves it reconnecting with backoff instead of failed.
   */
  async open(options: { keepTrying?: boolean } = {}): Promise<TunnelState> {
    const { host, openTimeoutMs } = this.opts;
    this.update({ status: 'connecting', reason: `asking ${hostLabel(host)} for a tunnel`, error: null });
    const deadline = Date.now() + openTimeoutMs;
    let lastError: SwitchboardError | null = null;
    while (!this.closed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      try {
        await this.attempt(this.opts.subdomain, remaining);
        return this.state;
      } catch (err) {
        if (this.closed) break;
        const error = asTunnelError(err);
        // Running out of time on a retry says less than why the previous try failed.
        if (!(error.code === 'TUNNEL_TIMEOUT' && lastError?.code === 'TUNNEL_UNREACHABLE')) lastError = error;
        // A refusal or a name that does not resolve will not fix itself in the next few seconds.
        const permanent =
          lastError.code !== 'TUNNEL_UNREACHABLE' || (lastError.detail as { cause?: unknown } | undefined)?.cause === 'ENOTFOUND';
        if (permanent) break;
        this.update({ reason: `${lastError.message}; trying again` });
        await this.sleep(Math.min(1_000, Math.max(0, deadline - Date.now())));
      }
    }
    if (this.closed) throw new SwitchboardError('TUNNEL_CLOSED', 'the tunnel was closed before it came online');
    const error =
      lastError === null
        ? new SwitchboardError('TUNNEL_TIMEOUT', `the tunnel did not come online within ${seconds(openTimeoutMs)}`)
        : lastError.code === 'TUNNEL_UNREACHABLE' && Date.now() >= deadline
          ? new SwitchboardError('TUNNEL_UNREACHABLE', `${lastError.message} (gave up after ${seconds(openTimeoutMs)})`, lastError.detail)
          : lastError;
    if (options.keepTrying && error.code !== 'TUNNEL_REJECTED') this.scheduleReconnect(1, error.message);
    else this.fail(error);
    throw error;
  }

  /** Stops every socket, worker and timer. Idempotent. */
  async close(reason = 'the tunnel is closed'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.minorTimer) clearTimeout(this.minorTimer);
    this.minorTimer = null;
    for (const abort of this.aborts) abort.abort();
    for (const wake of this.wakers) wake();
    const sessions = [...this.sessions];
    this.sessions.clear();
    await Promise.all(sessions.map((s) => s.close()));
    this.update({
      status: 'closed',
      reason,
      error: null,
      attempt: 0,
      nextRetryAt: null,
      connections: 0,
      onlineSince: null,
      urlChange: null,
    });
  }

  acknowledgeUrlChange(): TunnelState {
    if (this.state.urlChange) this.update({ urlChange: null });
    return this.state;
  }

  /** One handshake plus the worker's first connection, bounded by `timeoutMs`. */
  private async attempt(subdomain: string | null, timeoutMs: number): Promise<void> {
    const started = Date.now();
    const abort = new AbortController();
    this.aborts.add(abort);
    let assignment: TunnelAssignment;
    try {
      const left = () => timeoutMs - (Date.now() - started);
      assignment = await requestTunnel(this.opts.host, subdomain, { timeoutMs, signal: abort.signal });
      // localtunnel servers keep a closed tunnel's name for a grace period (1 s) and hand out a random
      // one meanwhile. Asking again shortly keeps the URL that webhook senders were given.
      for (let retake = 0; subdomain && assignment.id !== subdomain && retake < 3 && left() > 2_500; retake++) {
        this.update({ reason: `${subdomain} is still held by the tunnel server; asking for it again` });
        await this.sleep(1_200);
        if (this.closed) break;
        assignment = await requestTunnel(this.opts.host, subdomain, { timeoutMs: left(), signal: abort.signal });
      }
    } finally {
      this.aborts.delete(abort);
    }
    if (this.closed) throw new SwitchboardError('TUNNEL_CLOSED', 'the tunnel was closed');

    const server = `${assignment.ip ?? assignment.hostname}:${assignment.port}`;
    let onReady: (() => void) | null = null;
    let onFail: ((err: SwitchboardError) => void) | null = null;
    let online = false;
    const session = startSession(
      assignment,
      {
        host: this.opts.host,
        localHost: this.opts.local.host,
        localPort: this.opts.local.port,
        rewriteHost: this.opts.rewriteHost,
        graceMs: this.opts.graceMs ?? 1_500,
        keepAliveMs: 15_000,
      },
      {
        onConnections: (live) => {
          if (!online) {
            if (live > 0) onReady?.();
            return;
          }
          this.minor({ connections: live });
        },
        onRequest: () => {
          if (online) this.minor({ requestCount: this.state.requestCount + 1 });
        },
        onLost: (raw) => {
          const reason = libraryReason(raw);
          if (!online) {
            onFail?.(new SwitchboardError('TUNNEL_UNREACHABLE', `tunnel server unreachable: ${reason}`));
            return;
          }
          this.sessions.delete(session);
          void session.close();
          this.lost(`lost the connection to the tunnel server (${reason})`);
        },
      },
    );
    this.sessions.add(session);
    try {
      await new Promise<void>((resolve, reject) => {
        const left = Math.max(0, timeoutMs - (Date.now() - started));
        const timer = setTimeout(
          () => reject(new SwitchboardError('TUNNEL_TIMEOUT', `connections to the tunnel server ${server} did not open within ${seconds(timeoutMs)}`)),
          left,
        );
        this.timers.add(timer);
        const wake = () => reject(new SwitchboardError('TUNNEL_CLOSED', 'the tunnel was closed'));
        this.wakers.add(wake);
        const done = () => {
          clearTimeout(timer);
          this.timers.delete(timer);
          this.wakers.delete(wake);
        };
        onReady = () => {
          done();
          resolve();
        };
        onFail = (err) => {
          done();
          reject(err);
        };
      });
    } catch (err) {
      this.sessions.delete(session);
      await session.close();
      throw err;
    }
    online = true;
    this.goOnline(assignment);
    this.startProbing(session, assignment.id);
  }

  /**
   * Periodic "do you still know us?" to the server. Only a server that once answered 'alive' is
   * trusted to say 'gone' (others may not have the endpoint), and it must say so twice in a row.
   */
  private startProbing(session: Session, id: string): void {
    const every = this.opts.probeMs ?? DEFAULT_PROBE_MS;
    if (every <= 0) return;
    let trusted = false;
    let gone = 0;
    const tick = async () => {
      if (this.closed || !this.sessions.has(session)) return;
      const abort = new AbortController();
      this.aborts.add(abort);
      const answer = await probeTunnel(this.opts.host, id, { timeoutMs: Math.min(10_000, every), signal: abort.signal });
      this.aborts.delete(abort);
      if (this.closed || !this.sessions.has(session)) return;
      if (answer === 'alive') {
        trusted = true;
        gone = 0;
      } else if (answer === 'gone' && trusted) {
        gone += 1;
      } else if (!trusted && answer !== 'unknown') {
        return; // The server does not track tunnels the way we expect: stop asking.
      }
      if (gone >= 2) {
        this.sessions.delete(session);
        void session.close();
        this.lost('the tunnel server no longer knows this tunnel (it restarted or dropped us)');
        return;
      }
      schedule(gone > 0 ? Math.min(every, 2_000) : every);
    };
    const schedule = (ms: number) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void tick();
      }, ms);
      this.timers.add(timer);
    };
    // A first, early probe finds out whether the server offers the endpoint at all.
    schedule(Math.min(every, 1_000));
  }

  private goOnline(assignment: TunnelAssignment): void {
    const now = new Date().toISOString();
    const previous = this.state.urlChange?.previous ?? this.state.url ?? this.opts.previousUrl ?? null;
    let urlChange = this.state.urlChange;
    if (previous !== null && previous !== assignment.url) urlChange = { previous, current: assignment.url, at: now };
    else if (previous === assignment.url) urlChange = null;
    this.update({
      status: 'online',
      url: assignment.url,
      assignedSubdomain: assignment.id,
      urlChange,
      reason: null,
      error: null,
      attempt: 0,
      nextRetryAt: null,
      connections: Math.max(1, this.state.connections),
      maxConnections: assignment.maxConnections,
      onlineSince: now,
    });
  }

  private lost(reason: string): void {
    if (this.closed) return;
    this.scheduleReconnect(1, reason);
  }

  private scheduleReconnect(attempt: number, reason: string): void {
    if (this.closed) return;
    const max = this.opts.maxReconnectAttempts ?? Number.POSITIVE_INFINITY;
    if (attempt > max) {
      this.fail(new SwitchboardError('TUNNEL_UNREACHABLE', `gave up after ${max} reconnect attempts: ${reason}`));
      return;
    }
    const backoff = this.opts.backoffMs ?? DEFAULT_BACKOFF_MS;
    const delay = backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 30_000;
    this.update({
      status: 'reconnecting',
      reason,
      attempt,
      nextRetryAt: new Date(Date.now() + delay).toISOString(),
      connections: 0,
      onlineSince: null,
    });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.pendingRetry = null;
      void this.reconnect(attempt, reason);
    }, delay);
    this.timers.add(timer);
    this.pendingRetry = { timer, attempt, reason };
  }

  /** While waiting for the next reconnect attempt: start it now. Returns whether one was waiting. */
  retryNow(): boolean {
    const pending = this.pendingRetry;
    if (this.closed || !pending) return false;
    clearTimeout(pending.timer);
    this.timers.delete(pending.timer);
    this.pendingRetry = null;
    void this.reconnect(pending.attempt, pending.reason);
    return true;
  }

  private async reconnect(attempt: number, reason: string): Promise<void> {
    if (this.closed) return;
    this.update({ status: 'reconnecting', attempt, nextRetryAt: null, reason });
    try {
      // Ask for the subdomain we had, so senders configured with the URL keep working.
      await this.attempt(this.state.assignedSubdomain ?? this.opts.subdomain, this.opts.openTimeoutMs);
    } catch (err) {
      if (this.closed) return;
      this.scheduleReconnect(attempt + 1, asTunnelError(err).message);
    }
  }

  private fail(error: SwitchboardError): void {
    if (this.closed) return;
    this.update({
      status: 'failed',
      reason: error.message,
      error: toErrorShape(error),
      attempt: 0,
      nextRetryAt: null,
      connections: 0,
      onlineSince: null,
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.timers.add(timer);
      this.wakers.add(wake);
    });
  }

  /** Counters change often; coalesce them so a busy tunnel does not flood the doors. */
  private minor(patch: Partial<TunnelState>): void {
    this.state = { ...this.state, ...patch };
    if (this.minorTimer || this.closed) return;
    this.minorTimer = setTimeout(() => {
      this.minorTimer = null;
      if (!this.closed) this.update({});
    }, 250);
  }

  private update(patch: Partial<TunnelState>): void {
    this.state = { ...this.state, ...patch, updatedAt: new Date().toISOString() };
    this.onState(this.state);
  }
}

function asTunnelError(err: unknown): SwitchboardError {
  if (err instanceof SwitchboardError) return err;
  return new SwitchboardError('TUNNEL_UNREACHABLE', `tunnel failed: ${err instanceof Error ? err.message : String(err)}`);
}

function hostLabel(host: string): string {
  try {
    return new URL(host).host;
  } catch {
    return host;
  }
}
