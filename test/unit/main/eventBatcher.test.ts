import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventBatcher } from '../../../src/main/events/batcher';
import { CoalescingQueue } from '../../../src/main/events/coalesce';
import type { EngineEvent } from '../../../src/shared/contract';

const progress = (requestId: string, received: number): EngineEvent => ({ type: 'http.progress', requestId, received, total: null });
const removed = (id: string): EngineEvent => ({ type: 'catcher.removed', id });

describe('CoalescingQueue', () => {
  it('keeps events that are not snapshots, in order', () => {
    const q = new CoalescingQueue();
    for (let i = 0; i < 5; i++) q.push(removed(`c${i}`));
    expect(q.drain().map((e) => (e.type === 'catcher.removed' ? e.id : ''))).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(q.size).toBe(0);
  });

  it('replaces an older snapshot of the same object with the newest, moved to the end', () => {
    const q = new CoalescingQueue();
    q.push(progress('a', 1));
    q.push(removed('x'));
    q.push(progress('b', 1));
    q.push(progress('a', 2));
    q.push(progress('a', 3));
    expect(q.size).toBe(3);
    expect(q.drain()).toEqual([removed('x'), progress('b', 1), progress('a', 3)]);
  });
});

describe('createEventBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends one batch per interval, not one message per event', () => {
    const batches: EngineEvent[][] = [];
    const b = createEventBatcher({ send: (e) => batches.push(e), intervalMs: 16 });
    for (let i = 0; i < 1000; i++) b.push(removed(`c${i}`));
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(16);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(1000);
    b.push(removed('later'));
    vi.advanceTimersByTime(16);
    expect(batches).toHaveLength(2);
    expect(batches[1]).toEqual([removed('later')]);
    vi.advanceTimersByTime(1000);
    expect(batches).toHaveLength(2);
  });

  it('holds events while the transport is congested, merging snapshots, then sends them', () => {
    const batches: EngineEvent[][] = [];
    let congested = true;
    const b = createEventBatcher({ send: (e) => batches.push(e), canSend: () => !congested, intervalMs: 16 });
    for (let i = 0; i < 500; i++) b.push(progress('dl', i));
    b.push(removed('x'));
    vi.advanceTimersByTime(100);
    expect(batches).toHaveLength(0);
    expect(b.pending).toBe(2);
    congested = false;
    vi.advanceTimersByTime(16);
    expect(batches).toEqual([[progress('dl', 499), removed('x')]]);
  });

  it('gives up on a consumer that never drains: calls onOverflow once and frees the queue', () => {
    const overflow = vi.fn();
    const b = createEventBatcher({ send: () => undefined, canSend: () => false, intervalMs: 16, maxPending: 100, onOverflow: overflow });
    for (let i = 0; i < 150; i++) b.push(removed(`c${i}`));
    vi.advanceTimersByTime(16);
    expect(overflow).toHaveBeenCalledTimes(1);
    expect(overflow).toHaveBeenCalledWith(150);
    expect(b.pending).toBe(0);
  });

  it('sends nothing after close', () => {
    const send = vi.fn();
    const b = createEventBatcher({ send, intervalMs: 16 });
    b.push(removed('a'));
    b.close();
    b.push(removed('b'));
    vi.advanceTimersByTime(100);
    expect(send).not.toHaveBeenCalled();
  });
});
