import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine';
import type { CaptureSummary, CatcherState } from '../../../src/shared/model/catcher';
import { engineAt, tmpDir } from '../catcher/helpers';
import { waitFor } from '../sockets/helpers';

// Hostile HTTP against a real catcher, spoken with raw sockets (node:http would refuse to send most
// of this). Every case must end in an answer or a clean close, the process must stay up, and after a
// restart the store holds exactly the requests that were answered 2xx (413s are stored too, truncated).

const LIMITS = { maxHeaderSize: 2048, headersTimeoutMs: 400, requestTimeoutMs: 800 };
const BODY_LIMIT = 1024;

let dir: string;
let engine: Engine;
let catcher: CatcherState;
/** Answers we got, by status: what the store must hold afterwards is derived from these. */
const answered = new Map<number, number>();
let casesTried = 0;

interface RawResult {
  status: number | null;
  text: string;
  closed: boolean;
}

/** Writes `parts` (with optional pauses between them), then reads until the server closes or `waitMs`. */
function raw(parts: Array<string | Buffer | number>, opts: { waitMs?: number; destroyAfterWrite?: boolean } = {}): Promise<RawResult> {
  casesTried++;
  return new Promise((resolve) => {
    const s = net.connect(catcher.boundPort!, '127.0.0.1');
    let out = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(out);
      const status = m ? Number(m[1]) : null;
      if (status !== null) {
        // Keep-alive may carry several answers: count each.
        for (const mm of out.matchAll(/HTTP\/1\.1 (\d{3}) /g)) answered.set(Number(mm[1]), (answered.get(Number(mm[1])) ?? 0) + 1);
      }
      resolve({ status, text: out, closed });
    };
    const timer = setTimeout(() => finish(false), opts.waitMs ?? 3000);
    s.on('data', (d: Buffer) => (out += d.toString('latin1')));
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.on('connect', async () => {
      for (const p of parts) {
        if (typeof p === 'number') await new Promise((r) => setTimeout(r, p));
        else if (!s.destroyed) s.write(p);
      }
      if (opts.destroyAfterWrite) finish(true);
    });
  });
}

beforeAll(async () => {
  dir = tmpDir('sb-hostile-');
  ({ engine } = await engineAt(dir, LIMITS));
  catcher = await engine.invoke('catchers.create', { name: 'hostile', port: 0, bodyLimit: BODY_LIMIT });
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('catcher under hostile input', () => {
  it('answers malformed request lines with 400 and closes', async () => {
    const lines = [
      'GARBAGE\r\n\r\n',
      'GET\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      'GET /\x00nul HTTP/1.1\r\nHost: x\r\n\r\n',
      'GE T / HTTP/1.1\r\n\r\n',
      'GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n',
      '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', // a TLS ClientHello on the plain port
      Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]).toString('latin1'),
    ];
    for (const l of lines) {
      const r = await raw([Buffer.from(l, 'latin1')]);
      expect(r.closed, JSON.stringify(l)).toBe(true);
      expect(r.status, JSON.stringify(l)).toBe(400);
      expect(r.text).toMatch(/Malformed HTTP request/);
    }
  });

  it('answers oversized headers with 431 (one huge header, and many small ones)', async () => {
    const big = await raw([`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(5000)}\r\n\r\n`]);
    expect(big.status).toBe(431);
    const many = Array.from({ length: 600 }, (_, i) => `X-${i}: v\r\n`).join('');
    const r = await raw([`GET / HTTP/1.1\r\nHost: x\r\n${many}\r\n`]);
    expect(r.status).toBe(431);
    expect(r.text).toMatch(/2048 bytes/);
  });

  it('answers slowloris (headers trickled, then body trickled) with 408 within the configured timeouts', async () => {
    const parts: Array<string | number> = ['GET / HTTP/1.1\r\n'];
    for (let i = 0; i < 20; i++) parts.push(100, `X-Slow-${i}: 1\r\n`);
    const heads = await raw(parts, { waitMs: 3000 });
    expect(heads.status).toBe(408);
    expect(heads.closed).toBe(true);
    // Headers on time, body never finishes: the whole-request limit answers it.
    const body = await raw(['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc', 100, 'def'], { waitMs: 3000 });
    expect(body.status).toBe(408);
    expect(body.closed).toBe(true);
  });

  it('answers an over-cap body with 413, keeping the first bytes (Content-Length and chunked)', async () => {
    const payload = 'z'.repeat(BODY_LIMIT * 4);
    const a = await raw([`POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: ${payload.length}\r\nConnection: close\r\n\r\n${payload}`]);
    expect(a.status).toBe(413);
    const chunk = 'y'.repeat(1000);
    const chunks = Array.from({ length: 5 }, () => `${(1000).toString(16)}\r\n${chunk}\r\n`).join('');
    const b = await raw([`POST /bigchunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunks}0\r\n\r\n`]);
    expect(b.status).toBe(413);
    const { items } = await engine.invoke('captures.list', { catcherId: catcher.id, text: '/big', limit: 10 });
    expect(items.length).toBe(2);
    for (const it of items) {
      expect(it.bodyTruncated).toBe(true);
      expect(it.bodySize).toBe(BODY_LIMIT);
    }
  });

  it('answers broken chunked encoding with 400', async () => {
    const bad = [
      'zz\r\nhello\r\n0\r\n\r\n', // size not hex
      '5\r\nhelloXX0\r\n\r\n', // missing CRLF after data
      'ffffffffffffffffffff\r\nx\r\n', // size overflow
      '5;\x00ext\r\nhello\r\n0\r\n\r\n', // NUL in extension
    ];
    for (const b of bad) {
      const r = await raw([`POST /chunk-bad HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${b}`]);
      expect(r.closed, JSON.stringify(b)).toBe(true);
      expect(r.status, JSON.stringify(b)).toBe(400);
    }
    // Those whose headers were through are kept as incomplete captures marked with the 400 we sent.
    const { items } = await engine.invoke('captures.list', { catcherId: catcher.id, text: '/chunk-bad', limit: 10 });
    expect(items.length).toBeLessThanOrEqual(bad.length);
    for (const c of items) expect([c.responseStatus, c.bodyTruncated]).toEqual([400, true]);
  });

  it('a client that disconnects mid-body is kept as an incomplete capture (truncated, status 0 or the 400 we sent) and the catcher carries on', async () => {
    for (let i = 0; i < 20; i++) {
      await raw([`POST /cut-${i} HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n${'p'.repeat(100 + i)}`, 20], { destroyAfterWrite: true });
      await raw([`POST /cutchunk-${i} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n`, 20], { destroyAfterWrite: true });
    }
    const ok = await raw(['POST /after-cut HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok']);
    expect(ok.status).toBe(200);
    const list = async (text: string) => (await engine.invoke('captures.list', { catcherId: catcher.id, text, limit: 100 })).items;
    // A reset can make the kernel drop bytes the server had not read yet (likelier on a loaded
    // machine): most, not necessarily all, of the cut-off requests reach the handler.
    const settled = async (text: string) => {
      await waitFor(async () => (await list(text)).length === 20, text, 3000).catch(() => undefined);
      return list(text);
    };
    const cut = await settled('/cut-');
    expect(cut.length).toBeGreaterThanOrEqual(10);
    for (const c of cut) {
      // 0: reset, nothing could be sent. 400: the peer's FIN ended the body early and the listener
      // answered 400 into the half-open socket. Either way it is what we sent.
      expect([0, 400]).toContain(c.responseStatus);
      expect(c.bodyTruncated).toBe(true);
      const i = Number(c.url.slice('/cut-'.length));
      expect(c.bodySize).toBe(100 + i);
      const full = await engine.invoke('captures.get', { id: c.id });
      expect(full.declaredLength).toBe(500);
      const b = await engine.invoke('captures.body', { id: c.id });
      expect(Buffer.from(b.base64, 'base64').toString()).toBe('p'.repeat(100 + i));
    }
    const chunked = await settled('/cutchunk-');
    expect(chunked.length).toBeGreaterThanOrEqual(10);
    for (const c of chunked) {
      expect([0, 400]).toContain(c.responseStatus);
      expect([c.bodyTruncated, c.bodySize]).toEqual([true, 16]);
    }
    // The slow body of the slowloris case was cut off by our 408: recorded as such.
    const slow = (await engine.invoke('captures.list', { catcherId: catcher.id, limit: 1000 })).items.filter((c) => c.url === '/' && c.method === 'POST');
    // (Absent only if a loaded machine let the header timeout fire first.)
    expect(slow.length).toBeLessThanOrEqual(1);
    for (const c of slow) expect([c.responseStatus, c.bodySize]).toEqual([408, 6]);
  });

  it('pipelined and keep-alive requests on one socket are each stored once', async () => {
    const one = (i: number): string => `POST /pipe-${i} HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n${i % 10}`;
    const r = await raw([Array.from({ length: 10 }, (_, i) => one(i)).join('') + 'GET /pipe-last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(r.text.match(/HTTP\/1\.1 200 /g)?.length).toBe(11);
  });

  it('survives 2,000 concurrent connections: each gets an answer or a clean close', async () => {
    const N = 2000;
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => {
        // A mix: well-formed, malformed, over-cap and cut off.
        const kind = i % 4;
        if (kind === 0) return raw([`POST /conc-${i} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody`], { waitMs: 20_000 });
        if (kind === 1) return raw([`NOT HTTP ${i}\r\n\r\n`], { waitMs: 20_000 });
        if (kind === 2) return raw([`POST /concbig-${i} HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\nConnection: close\r\n\r\n${'b'.repeat(2000)}`], { waitMs: 20_000 });
        return raw([`POST /conccut-${i} HTTP/1.1\r\nHost: x\r\nContent-Length: 99\r\n\r\nab`], { destroyAfterWrite: true });
      }),
    );
    // Nothing hung: every socket ended (closed by us after writing, or answered and closed by the server).
    expect(results.filter((r) => !r.closed)).toEqual([]);
    // Never a hang or a 5xx. Well-formed ones got 200, or on a loaded machine the 408 of this test's
    // deliberately short header timeout (400 ms), or a reset under accept pressure.
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s !== null && s >= 500)).toEqual([]);
    const wellFormed = statuses.filter((_, i) => i % 4 === 0);
    expect(wellFormed.filter((s) => s !== 200 && s !== 408 && s !== null)).toEqual([]);
    expect(wellFormed.filter((s) => s === 200).length).toBeGreaterThan(100);
  }, 60_000);

  it('after all that, a restart finds exactly the 2xx and 413 answers in the store, plus the incomplete ones', async () => {
    await engine.close();
    ({ engine } = await engineAt(dir, LIMITS));
    const items: CaptureSummary[] = [];
    for (let after = 0; ; ) {
      const page = await engine.invoke('captures.list', { afterSeq: after, limit: 10_000 });
      if (page.items.length === 0) break;
      items.push(...page.items);
      after = page.items.at(-1)!.seq;
    }
    const answeredCount = [...answered].filter(([s]) => (s >= 200 && s < 300) || s === 413).reduce((n, [, c]) => n + c, 0);
    expect(answeredCount).toBeGreaterThan(200);
    // The handler itself never answers 400/408 here (configured status 200): those are incomplete ones.
    const isIncomplete = (c: (typeof items)[number]): boolean => [0, 400, 408].includes(c.responseStatus);
    const complete = items.filter((c) => !isIncomplete(c));
    expect(complete.length).toBe(answeredCount);
    // Incomplete ones: those cut off above (at least 20 of 40), the slow body, broken chunked bodies
    // (at most 4), and the concurrent cut-offs whose headers reached us before the reset (at most 500).
    const incomplete = items.filter(isIncomplete);
    expect(incomplete.every((c) => c.bodyTruncated)).toBe(true);
    expect(incomplete.length).toBeGreaterThanOrEqual(20);
    expect(incomplete.length).toBeLessThanOrEqual(41 + 4 + 500);
    expect(new Set(items.map((c) => c.id)).size).toBe(items.length);
    const info = await engine.invoke('engine.info', {});
    expect(info.storeError).toBeNull();
    // Recorded for the report (SECURITY.md "Listener hardening figures").
    console.log(`[hardening] catcher cases tried: ${casesTried}; stored: ${items.length} (incomplete ${incomplete.length}); answers: ${JSON.stringify(Object.fromEntries(answered))}`);
  });
});
