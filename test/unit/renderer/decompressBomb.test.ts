import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadRenderer } from './load';

interface Decompress {
  DECOMPRESS_VIEW_LIMIT: number;
  decompress(bytes: Uint8Array, encoding: string, limit?: number): Promise<Uint8Array | null>;
}

// A captured body is viewed decoded; a compression bomb must not take the page's memory with it.
describe('body view decompression', () => {
  it('decodes gzip and deflate bodies exactly', async () => {
    const { decompress } = await loadRenderer<Decompress>('components/bodyDecode.ts');
    const text = Buffer.from(JSON.stringify({ a: 'é'.repeat(1000) }));
    expect(Buffer.from((await decompress(gzipSync(text), 'gzip'))!)).toEqual(text);
    expect(Buffer.from((await decompress(gzipSync(text), 'X-GZIP'))!)).toEqual(text);
    expect(Buffer.from((await decompress(deflateSync(text), 'deflate'))!)).toEqual(text);
    expect(await decompress(Buffer.from('not gzip'), 'gzip')).toBeNull();
    expect(await decompress(text, 'br')).toBeNull();
  });

  it('gives up on a bomb past the view limit (raw bytes are shown instead)', async () => {
    const { decompress, DECOMPRESS_VIEW_LIMIT } = await loadRenderer<Decompress>('components/bodyDecode.ts');
    expect(DECOMPRESS_VIEW_LIMIT).toBe(64 * 1024 * 1024);
    // 8 MiB of zeros gzip to ~8 KB: a thousandfold ratio, checked against a 1 MiB limit here.
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(16 * 1024);
    expect(await decompress(bomb, 'gzip', 1024 * 1024)).toBeNull();
    expect((await decompress(bomb, 'gzip', 9 * 1024 * 1024))?.byteLength).toBe(8 * 1024 * 1024);
  });
});
