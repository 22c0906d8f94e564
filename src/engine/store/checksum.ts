import { createRequire } from 'node:module';
import { crc32 as zlibCrc32 } from 'node:zlib';

// CRC-32 (IEEE, the one zlib computes) of the store's records and blobs. zlib's runs at ~2-4 GB/s
// here, which made it the largest single cost of capturing a 64 KiB body (~29 µs of ~120 µs).
// @node-rs/crc32 computes the same CRC with SIMD at ~17 GB/s, but each call costs ~0.15 µs, so
// inputs below FAST_FROM bytes (index records) stay on zlib. If the native module cannot load
// (a platform without a prebuilt binary), or gives a wrong answer for the standard check value,
// zlib does everything: same values, only slower.

type Crc32 = (data: Buffer, initial?: number) => number;

const FAST_FROM = 256;

function loadFast(): Crc32 | null {
  try {
    const mod = createRequire(import.meta.url)('@node-rs/crc32') as { crc32?: Crc32 };
    const fast = mod.crc32;
    if (typeof fast !== 'function') return null;
    // The CRC-32 check value (of "123456789") and a continued computation, as zlib gives them.
    const probe = Buffer.from('123456789');
    if (fast(probe) >>> 0 !== 0xcbf43926) return null;
    if (fast(probe.subarray(4), fast(probe.subarray(0, 4))) >>> 0 !== 0xcbf43926) return null;
    return fast;
  } catch {
    return null;
  }
}

const fast = loadFast();

/** Whether the SIMD implementation is in use (for the bench's notes). */
export const fastCrc32 = fast !== null;

/** CRC-32 of `data`, continuing from `initial` (the CRC of the bytes before it), as an unsigned number. */
export function crc32(data: Buffer, initial = 0): number {
  return (fast !== null && data.length >= FAST_FROM ? fast(data, initial) : zlibCrc32(data, initial)) >>> 0;
}
