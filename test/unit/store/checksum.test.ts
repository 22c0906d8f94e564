import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Combine, fastCrc32 } from '../../../src/engine/store/checksum';

// The store's records on disk carry zlib's CRC-32: whichever implementation computes it must give
// zlib's value for every input and every continuation, or stores written before would not open.
describe('crc32', () => {
  it('uses the SIMD implementation on this platform', () => {
    expect(process.platform === 'linux' && process.arch === 'x64' ? fastCrc32 : true).toBe(true);
  });

  it('equals zlib for any bytes, small and large, and when continued', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000, size: 'max' }), fc.nat(), fc.integer({ min: 0, max: 0xffffffff }), (bytes, cutAt, initial) => {
        const b = Buffer.from(bytes);
        expect(crc32(b)).toBe(zlibCrc32(b));
        expect(crc32(b, initial)).toBe(zlibCrc32(b, initial));
        const cut = b.length ? cutAt % b.length : 0;
        expect(crc32(b.subarray(cut), crc32(b.subarray(0, cut)))).toBe(zlibCrc32(b));
      }),
      { numRuns: 300 },
    );
  });

  it('combines the CRCs of two pieces into the CRC of both, as zlib gives it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5_000 }), fc.uint8Array({ maxLength: 70_000, size: 'max' }), (a, b) => {
        const [x, y] = [Buffer.from(a), Buffer.from(b)];
        expect(crc32Combine(crc32(x), crc32(y), y.length)).toBe(zlibCrc32(Buffer.concat([x, y])));
      }),
      { numRuns: 300 },
    );
    // Lengths past 32 bits (no body is that large, but the arithmetic must hold): combining is
    // associative, (a·b)·c = a·(b·c), which a length cut to 32 bits anywhere would break.
    const [a, b, c] = [0x12345678, 0x9abcdef0, 0x0fedcba9];
    const [lb, lc] = [2 ** 33 + 3, 7];
    expect(crc32Combine(crc32Combine(a, b, lb), c, lc)).toBe(crc32Combine(a, crc32Combine(b, c, lc), lb + lc));
    expect(crc32Combine(a, b, lb)).not.toBe(crc32Combine(a, b, lb - 2 ** 32));
  });
});
