import type { EngineEvent } from '../../shared/contract';

/**
 * Events that are whole snapshots of one object (a catcher's state, a download's progress, …):
 * when several for the same object wait in a batch, only the newest one matters. Anything not
 * listed here (new captures, frames, removals) is never merged, so nothing is lost.
 * Returns null when the event must be kept as is.
 */
export function coalesceKey(event: EngineEvent): string | null {
  switch (event.type) {
    case 'catcher.state':
      return `catcher.state:${event.catcher.id}`;
    case 'capture.updated':
      return `capture.updated:${event.capture.id}`;
    case 'http.progress':
      return `http.progress:${event.requestId}`;
    case 'tunnel.state':
      return `tunnel.state:${event.tunnel.id}`;
    case 'ws.connection':
      return `ws.connection:${event.connection.id}`;
    case 'wsServer.state':
      return `wsServer.state:${event.server.id}`;
    case 'wsServer.client':
      return `wsServer.client:${event.client.serverId}:${event.client.id}`;
    case 'engine.storeError':
      return 'engine.storeError';
    default:
      return null;
  }
}

/**
 * A queue of pending events where a newer snapshot replaces the older one of the same key.
 * The replacement moves to the end, so it still follows every event that preceded it (a
 * `capture.updated` never overtakes its `capture.new`).
 */
export class CoalescingQueue {
  private items: Array<EngineEvent | undefined> = [];
  private keyed = new Map<string, number>();
  private live = 0;

  get size(): number {
    return this.live;
  }

  push(event: EngineEvent): void {
    const key = coalesceKey(event);
    if (key !== null) {
      const at = this.keyed.get(key);
      if (at !== undefined) {
        this.items[at] = undefined;
        this.live -= 1;
      }
      this.keyed.set(key, this.items.length);
    }
    this.items.push(event);
    this.live += 1;
  }

  /** Everything pending, in order; the queue is empty afterwards. */
  drain(): EngineEvent[] {
    const out: EngineEvent[] = [];
    for (const item of this.items) if (item !== undefined) out.push(item);
    this.items = [];
    this.keyed.clear();
    this.live = 0;
    return out;
  }

  clear(): void {
    this.items = [];
    this.keyed.clear();
    this.live = 0;
  }
}
