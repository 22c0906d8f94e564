import type { EngineEvent } from '../../shared/contract';
import { CoalescingQueue } from './coalesce';

export interface EventBatcherOptions {
  /** Sends one batch; never called with an empty array. */
  send(events: EngineEvent[]): void;
  /** Whether the transport can take more now (web door: bufferedAmount under a threshold). */
  canSend?: () => boolean;
  /** Batch window; ~one animation frame. */
  intervalMs?: number;
  /**
   * How many events may wait while the transport is congested. Past this the consumer is too slow
   * to ever catch up: `onOverflow` runs (the web door closes the socket so the client reconnects
   * and resyncs from the engine) and the queue is emptied, so memory stays bounded.
   */
  maxPending?: number;
  onOverflow?: (pending: number) => void;
}

export interface EventBatcher {
  push(event: EngineEvent): void;
  /** Sends what is pending now (if the transport allows). */
  flush(): void;
  readonly pending: number;
  close(): void;
}

export const DEFAULT_BATCH_INTERVAL_MS = 16;
export const DEFAULT_MAX_PENDING_EVENTS = 100_000;

/**
 * Collects engine events and hands them on in batches: the engine emits synchronously, possibly
 * thousands a second, and a door must not turn each into its own message. Snapshots of the same
 * object are merged while they wait (see coalesce.ts).
 */
export function createEventBatcher(options: EventBatcherOptions): EventBatcher {
  const interval = options.intervalMs ?? DEFAULT_BATCH_INTERVAL_MS;
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING_EVENTS;
  const queue = new CoalescingQueue();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const schedule = () => {
    if (timer || closed) return;
    timer = setTimeout(tick, interval);
    // A pending batch must not keep a CLI process alive on shutdown.
    timer.unref?.();
  };

  const tick = () => {
    timer = null;
    flush();
    if (queue.size > 0) schedule();
  };

  const flush = () => {
    if (closed || queue.size === 0) return;
    if (options.canSend && !options.canSend()) {
      if (queue.size > maxPending) {
        const dropped = queue.size;
        queue.clear();
        options.onOverflow?.(dropped);
      }
      return;
    }
    options.send(queue.drain());
  };

  return {
    push(event) {
      if (closed) return;
      queue.push(event);
      schedule();
    },
    flush,
    get pending() {
      return queue.size;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      queue.clear();
    },
  };
}
