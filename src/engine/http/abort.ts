/**
 * A small cancel token. AbortController/AbortSignal (EventTarget) cost more per request than the
 * whole keep-alive round trip budget allows (bench: 5,000 sequential sends), so the hot path uses this.
 */
export class Abort {
  aborted = false;
  reason: Error | undefined;
  private listeners: Array<() => void> | null = null;

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const ls = this.listeners;
    this.listeners = null;
    if (ls) for (const l of ls) l();
  }

  /** Runs `fn` once on abort; returns a function that removes it. */
  on(fn: () => void): () => void {
    if (this.aborted) {
      fn();
      return noop;
    }
    (this.listeners ??= []).push(fn);
    return () => {
      const ls = this.listeners;
      if (!ls) return;
      const i = ls.indexOf(fn);
      if (i >= 0) ls.splice(i, 1);
    };
  }
}

function noop(): void {}
