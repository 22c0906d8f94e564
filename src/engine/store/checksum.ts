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

// CRC-32 of two pieces joined, from the CRC of each: the body's CRC can then be taken as its bytes
// arrive (still in cache) although the blob's CRC covers the detail, built later, in front of it.
// zlib's crc32_combine method: multiply crcA by x^(8·lenB) modulo the CRC polynomial.

const POLY = 0xedb88320;

/** a·b modulo the CRC polynomial (bit-reflected, as CRC-32 keeps its values). */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) modulo the polynomial, k = 0..31 (x^1 is 1 << 30 when reflected). */
const X2N: number[] = [];
for (let k = 0, p = 1 << 30; k < 32; k++) {
  X2N.push(p >>> 0);
  p = multModP(p >>> 0, p >>> 0);
}

/** CRC-32 of A followed by B, given crc32(A), crc32(B) and B's length. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  // x^(8·lengthB): one factor per set bit of lengthB, starting at x^8 = x^(2^3).
  let p = 0x80000000;
  let k = 3;
  for (let n = lengthB; n > 0; n = Math.floor(n / 2), k++) if (n % 2) p = multModP(X2N[k & 31] as number, p);
  return (multModP(p, crcA >>> 0) ^ crcB) >>> 0;
}
