import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/engine/http/timings';

// startedAt is formatted from a per-second cache (src/engine/http/timings.ts); it must read exactly
// like Date.prototype.toISOString, across second, day and year boundaries and out of order.

describe('isoTime', () => {
  it('matches toISOString', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -62_198_755_200_000, max: 253_402_300_799_999 }), { minLength: 1, maxLength: 20 }), (times) => {
        for (const ms of times) {
          expect(isoTime(ms)).toBe(new Date(ms).toISOString());
          expect(isoTime(ms + 1)).toBe(new Date(ms + 1).toISOString());
        }
      }),
      { numRuns: 500 },
    );
    for (const ms of [0, 999, 1000, 1_700_000_000_000, 1_700_000_000_999, 1_700_000_001_000, Date.now()]) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('falls back for years outside 0000-9999', () => {
    for (const ms of [-62_198_755_200_001, 253_402_300_800_000]) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});
