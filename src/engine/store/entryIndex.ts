import type { StoreEntry } from './captureStore';

// Lookups in the index: entries sorted by seq (appends are assigned seq in arrival order).

/** Binary search by seq (entries in seq order). */
export function findIn(entries: readonly StoreEntry[], seq: number): StoreEntry | undefined {
  let lo = 0;
  let hi = entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const e = entries[mid] as StoreEntry;
    if (e.seq === seq) return e;
    if (e.seq < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** The entries a clear record leaves. */
export function clearIn(entries: StoreEntry[], uptoSeq: number, catcherId: string | null): StoreEntry[] {
  return entries.filter((e) => e.seq > uptoSeq || (catcherId !== null && e.catcherId !== catcherId));
}

/** The index of the first entry whose seq is above `seq` (entries in seq order); length if none. */
export function firstAbove(entries: readonly StoreEntry[], seq: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as StoreEntry).seq > seq) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
