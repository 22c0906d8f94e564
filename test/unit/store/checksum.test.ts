import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, fastCrc32 } from '../../../src/engine/store/checksum';

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
});
