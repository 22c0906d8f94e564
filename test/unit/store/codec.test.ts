import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  RecordKind,
  blobChecksum,
  captureId,
  decodeDetail,
  detailText,
  encodeCapture,
  encodeClear,
  encodeDetail,
  encodeMarker,
  encodeUpdate,
  readRecord,
  seqFromId,
  type IndexedCapture,
} from '../../../src/engine/store/codec';

const sample: IndexedCapture = {
  seq: 42,
  receivedAtMs: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
  catcherId: 'cat-1',
  method: 'POST',
  url: '/hooks/stripe?x=1&ü=ß',
  contentType: 'application/json',
  bodySize: 1234,
  bodyTruncated: true,
  responseStatus: 413,
  signatureStatus: null,
  duplicateOf: 'c00000a',
  blobOffset: 5_000_000_000,
  detailLength: 321,
  blobCrc: 0xdeadbeef,
};

describe('store codec', () => {
  it('round-trips a capture record, including null strings and offsets past 4 GiB', () => {
    const buf = encodeCapture(sample);
    const r = readRecord(buf, 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.next).toBe(buf.length);
    expect(r.record).toEqual({ kind: RecordKind.Capture, capture: { ...sample, segment: 0, updates: null } });
  });

  it('round-trips arbitrary captures (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: 2 ** 40 }),
          receivedAtMs: fc.integer({ min: 0, max: 2 ** 45 }),
          catcherId: fc.string({ minLength: 1 }),
          method: fc.string({ minLength: 1, maxLength: 32 }),
          url: fc.string(),
          contentType: fc.option(fc.string()),
          bodySize: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          bodyTruncated: fc.boolean(),
          responseStatus: fc.integer({ min: 100, max: 599 }),
          signatureStatus: fc.option(fc.constantFrom('valid', 'invalid')),
          duplicateOf: fc.option(fc.string()),
          blobOffset: fc.integer({ min: 0, max: 2 ** 50 }),
          detailLength: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          blobCrc: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        }),
        (c) => {
          const r = readRecord(encodeCapture(c), 0);
          expect(r.ok && r.record.kind === RecordKind.Capture && r.record.capture).toEqual({ ...c, segment: 0, updates: null });
        },
      ),
    );
  });

  it('round-trips marker, update and clear records back to back', () => {
    const buf = Buffer.concat([
      encodeMarker(7),
      encodeUpdate(9, { responseStatus: 201, annotations: { ruleId: 'r1', duplicateOf: null } }),
      encodeClear(100, 'cat-2'),
      encodeClear(5, null),
    ]);
    const out = [];
    let pos = 0;
    while (pos < buf.length) {
      const r = readRecord(buf, pos);
      if (!r.ok) throw new Error(r.reason);
      out.push(r.record);
      pos = r.next;
    }
    expect(out).toEqual([
      { kind: RecordKind.Marker, nextSeq: 7 },
      { kind: RecordKind.Update, seq: 9, update: { responseStatus: 201, annotations: { ruleId: 'r1', duplicateOf: null } } },
      { kind: RecordKind.Clear, uptoSeq: 100, catcherId: 'cat-2' },
      { kind: RecordKind.Clear, uptoSeq: 5, catcherId: null },
    ]);
  });

  it('reports every truncation of a record as incomplete, never as a record', () => {
    const buf = encodeCapture(sample);
    for (let cut = 0; cut < buf.length; cut++) {
      const r = readRecord(buf.subarray(0, cut), 0);
      expect(r).toEqual({ ok: false, reason: 'incomplete' });
    }
  });

  it('detects a flipped byte anywhere in the payload', () => {
    const buf = encodeCapture(sample);
    for (let i = 8; i < buf.length; i++) {
      const bad = Buffer.from(buf);
      bad[i] = (bad[i] as number) ^ 0x40;
      const r = readRecord(bad, 0);
      expect(r.ok).toBe(false);
    }
  });

  it('rejects absurd lengths (zeros from a pre-allocated tail, garbage)', () => {
    expect(readRecord(Buffer.alloc(64), 0)).toMatchObject({ ok: false, reason: 'corrupt' });
    const big = Buffer.alloc(16);
    big.writeUInt32LE(0xffffff00, 0);
    expect(readRecord(big, 0)).toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it('keeps detail JSON exact, and the blob checksum covers detail and body', () => {
    const detail = {
      httpVersion: '1.1',
      headers: [['X-Case', 'A'], ['x-case', 'b']] as Array<[string, string]>,
      remoteAddress: '127.0.0.1',
      remotePort: 5555,
      forwardedFor: null,
      declaredLength: 3,
      durationMs: 1.5,
    };
    const d = encodeDetail(detail);
    expect(decodeDetail(d)).toEqual(detail);
    // Details written before headers were stored flat (pairs) still decode.
    expect(decodeDetail(Buffer.from(JSON.stringify(detail)))).toEqual(detail);
    const body = Buffer.from([0, 255, 1]);
    expect(blobChecksum(d, body)).not.toBe(blobChecksum(d, Buffer.from([0, 255, 2])));
  });

  it('stores details as JSON that decodes back to the same detail, headers in order (property)', () => {
    // Header strings as node gives them (latin1, any byte), plus quotes, backslashes, control
    // characters, non-BMP and lone surrogates in every string field.
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('"', '\\', '\u0000\u001f', '\ud800', 'a\udc00b', '😀', '\u007f\u00ff'));
    const num = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Number.NaN, Infinity, -0, 1e21));
    fc.assert(
      fc.property(
        fc.record({
          httpVersion: text,
          headers: fc.array(fc.tuple(text, text), { maxLength: 12 }),
          remoteAddress: text,
          remotePort: num,
          forwardedFor: fc.option(text, { nil: null }),
          declaredLength: fc.option(num, { nil: null }),
          durationMs: num,
        }),
        fc.option(fc.record({ deliveryId: text, duplicateOf: fc.option(text, { nil: null }) }), { nil: undefined }),
        (base, annotations) => {
          const detail = annotations === undefined ? base : { ...base, annotations };
          const text = detailText(detail);
          // What JSON itself would make of the detail (NaN → null, -0 → 0) is what must come back.
          const expected = JSON.parse(JSON.stringify(detail)) as unknown;
          expect(JSON.parse(text)).toMatchObject({ rawHeaders: detail.headers.flat() });
          expect(decodeDetail(Buffer.from(text, 'utf8'))).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('derives ids from seq and back', () => {
    for (const seq of [1, 35, 36, 123456789, 2 ** 40]) expect(seqFromId(captureId(seq))).toBe(seq);
    expect(seqFromId('nope')).toBeNull();
    expect(seqFromId('c')).toBeNull();
  });
});
