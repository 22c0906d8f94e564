import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeCodeMeaning, isSendableCloseCode, savedLibraryKey, validateWsMessage } from '../../../src/shared/model/sockets';
import { compileRules, jsonPath } from '../../../src/engine/sockets/autoReply';
import { FrameLog } from '../../../src/engine/sockets/frameLog';
import { toSummary } from '../../../src/engine/sockets/frame';
import { parseSavedFile, stringifySavedFile } from '../../../src/engine/sockets/savedMessages';
import { parseRequestHead } from '../../../src/engine/sockets/clientConnection';

describe('close codes', () => {
  it('has words for every protocol code and the application range', () => {
    expect(closeCodeMeaning(1000)).toBe('Normal closure');
    expect(closeCodeMeaning(1007)).toContain('UTF-8');
    expect(closeCodeMeaning(1009)).toBe('Message too big');
    expect(closeCodeMeaning(1015)).toContain('TLS');
    expect(closeCodeMeaning(4123)).toContain('Application');
    expect(closeCodeMeaning(3001)).toContain('Registered');
    expect(closeCodeMeaning(999)).toBe('Invalid close code');
  });
  it('knows which codes may be sent', () => {
    expect([1000, 1001, 1003, 1007, 1011, 1014, 3000, 4999].every(isSendableCloseCode)).toBe(true);
    expect([999, 1004, 1005, 1006, 1015, 2000, 5000].some(isSendableCloseCode)).toBe(false);
  });
});

describe('message validation', () => {
  it('accepts and refuses JSON, hex and base64', () => {
    expect(validateWsMessage('json', '{"a":[1,2]}')).toBeNull();
    expect(validateWsMessage('json', '{a}')).toMatch(/Not valid JSON/);
    expect(validateWsMessage('hex', '0xDE ad:BE-ef')).toBeNull();
    expect(validateWsMessage('hex', 'abc')).toMatch(/even/);
    expect(validateWsMessage('hex', 'zz')).toMatch(/0-9/);
    expect(validateWsMessage('base64', 'aGVsbG8=')).toBeNull();
    expect(validateWsMessage('base64', 'aGVsbG8')).toBeNull();
    expect(validateWsMessage('base64', 'a$b')).toMatch(/base64/);
    expect(validateWsMessage('text', '\u0000 anything')).toBeNull();
  });
  it('library keys drop the query and case', () => {
    expect(savedLibraryKey('wss://Api.Example.com/stream?token=1')).toBe('wss://api.example.com/stream');
  });
});

describe('auto-reply rules', () => {
  const ctx = (text: string, binary = false) => ({ data: Buffer.from(text), binary, clientId: 'c1', count: 3 });
  it('picks the first enabled matching rule and fills the template', () => {
    const reply = compileRules([
      { id: 'a', enabled: false, match: { type: 'any' }, reply: 'off', replyFormat: 'text', delayMs: 0 },
      { id: 'b', enabled: true, match: { type: 'regex', pattern: 'hello (\\w+)', flags: 'i' }, reply: 'hi {{$1}} ({{count}}, {{clientId}})', replyFormat: 'text', delayMs: 0 },
      { id: 'c', enabled: true, match: { type: 'jsonField', path: 'user.name' }, reply: '{{json.user}}|{{json.user.name}}|{{message}}', replyFormat: 'text', delayMs: 0 },
    ]);
    expect(reply(ctx('HELLO bob'))?.text).toBe('hi bob (3, c1)');
    expect(reply(ctx('{"user":{"name":"ann"}}'))?.text).toBe('{"name":"ann"}|ann|{"user":{"name":"ann"}}');
    expect(reply(ctx('{"user":{}}'))).toBeNull();
    expect(reply(ctx('hello bob', true))).toBeNull();
  });
  it('jsonField equals compares as text; unknown placeholders stay', () => {
    const reply = compileRules([{ id: 'x', enabled: true, match: { type: 'jsonField', path: 'n', equals: '5' }, reply: '{{nope}} {{ $9 }}', replyFormat: 'text', delayMs: 0 }]);
    expect(reply(ctx('{"n":5}'))?.text).toBe('{{nope}} ');
    expect(reply(ctx('{"n":6}'))).toBeNull();
    expect(jsonPath({ a: [{ b: 1 }] }, 'a.0.b')).toBe(1);
    expect(jsonPath({ a: 1 }, 'constructor')).toBeUndefined();
  });
});

describe('frame log', () => {
  it('spills the oldest frames to disk and reads them back in order', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-log-'));
    const log = new FrameLog('L', path.join(dir, 'log'), { maxFrames: 100, maxBytes: 1_000_000 });
    for (let i = 1; i <= 1000; i++) log.appendEntry({ time: i, direction: i % 2 ? 'in' : 'out', kind: 'text', data: Buffer.from(`f${i}`), clientId: `c${i % 3}` });
    expect(log.memoryStats().frames).toBeLessThanOrEqual(100);
    expect(log.memoryStats().spilledFrames).toBeGreaterThanOrEqual(900);
    const all = await log.page({ newest: false, limit: 10_000 });
    expect(all.total).toBe(1000);
    expect(all.items.map((e) => e.data.toString())).toEqual(Array.from({ length: 1000 }, (_, i) => `f${i + 1}`));
    const page = await log.page({ newest: true, limit: 5, beforeSeq: 500 });
    expect(page.items.map((e) => e.seq)).toEqual([495, 496, 497, 498, 499]);
    const filtered = await log.page({ newest: false, limit: 3, clientId: 'c1', directions: ['in'] });
    expect(filtered.items.map((e) => e.seq)).toEqual([1, 7, 13]);
    expect((await log.get(3))?.data.toString()).toBe('f3');
    expect((await log.get(999))?.clientId).toBe('c0');
    expect(await log.clear()).toBe(1000);
    log.appendEntry({ time: 1, direction: 'in', kind: 'text', data: Buffer.from('after') });
    const after = await log.page({ newest: false, limit: 10 });
    expect(after.items.map((e) => [e.seq, e.data.toString()])).toEqual([[1001, 'after']]);
    await log.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  it('bounds memory by bytes too, keeping at least the newest frame', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-log-'));
    const log = new FrameLog('L', path.join(dir, 'log'), { maxFrames: 1000, maxBytes: 10_000 });
    for (let i = 0; i < 50; i++) log.appendEntry({ time: i, direction: 'in', kind: 'binary', data: Buffer.alloc(3000) });
    expect(log.memoryStats().bytes).toBeLessThanOrEqual(10_000);
    expect(log.memoryStats().frames).toBeGreaterThanOrEqual(1);
    void log.destroy();
  });
  it('previews: text cut to 256 chars, binary as hex', () => {
    const long = toSummary('L', { seq: 1, time: 0, direction: 'in', kind: 'text', data: Buffer.from('é'.repeat(1000)) });
    expect(long.preview.length).toBe(256);
    expect(long.truncated).toBe(true);
    expect(long.size).toBe(2000);
    const bin = toSummary('L', { seq: 2, time: 0, direction: 'in', kind: 'binary', data: Buffer.from([1, 2, 255]) });
    expect(bin).toMatchObject({ preview: '0102ff', truncated: false, size: 3 });
    const badUtf8 = toSummary('L', { seq: 3, time: 0, direction: 'none', kind: 'info', data: Buffer.from([0xff, 0x41]) });
    expect(badUtf8.preview).toBe('\uFFFDA');
  });
});

describe('saved messages file', () => {
  it('round-trips and drops damaged entries only', () => {
    const text = stringifySavedFile({ k: [{ id: '1', name: 'a', format: 'text', data: 'x' }] });
    expect(parseSavedFile(text)).toEqual({ k: [{ id: '1', name: 'a', format: 'text', data: 'x' }] });
    const damaged = JSON.stringify({ version: 1, libraries: { k: [{ id: '1', name: 'a', format: 'text', data: 'x' }, { id: 2 }], j: 'no' } });
    expect(parseSavedFile(damaged)).toEqual({ k: [{ id: '1', name: 'a', format: 'text', data: 'x' }] });
    expect(parseSavedFile('{not json')).toEqual({});
  });
});

describe('request head parsing', () => {
  it('keeps order and case', () => {
    const head = 'GET /x?y=1 HTTP/1.1\r\nX-A: 1\r\nhost: h:1\r\nSec-WebSocket-Key: k==\r\n\r\n';
    expect(parseRequestHead(head)).toEqual({ line: 'GET /x?y=1 HTTP/1.1', headers: [['X-A', '1'], ['host', 'h:1'], ['Sec-WebSocket-Key', 'k==']] });
  });
});

describe('spill codec', () => {
  it('round-trips every field and ignores a torn tail', async () => {
    const { encodeEntries, decodeEntries } = await import('../../../src/engine/sockets/spillCodec');
    const entries = [
      { seq: 1, time: 1700000000000.5, direction: 'in' as const, kind: 'pong' as const, data: Buffer.from([1, 2]), clientId: 'c1', rttMs: 1.25 },
      { seq: 2, time: 2, direction: 'out' as const, kind: 'close' as const, data: Buffer.from('bye'), closeCode: 4001 },
      { seq: 3, time: 3, direction: 'none' as const, kind: 'error' as const, data: Buffer.from('ü'), errorCode: 'WS_PROTOCOL_ERROR' },
      { seq: 4, time: 4, direction: 'in' as const, kind: 'binary' as const, data: Buffer.alloc(0) },
    ];
    const buf = encodeEntries(entries);
    expect(decodeEntries(buf)).toEqual(entries);
    // Payloads sit at the end of a chunk, in seq order: a torn tail loses the frames whose bytes
    // it cut (the last byte is the 3rd payload's; the 4th, empty, lies past it), nothing else.
    expect(decodeEntries(buf.subarray(0, buf.length - 1))).toEqual(entries.slice(0, 2));
    expect(decodeEntries(buf.subarray(0, buf.length - 3))).toEqual(entries.slice(0, 1));
    expect(decodeEntries(buf.subarray(0, 40))).toEqual([]);
  });
});

describe('frame log arena', () => {
  it('keeps mixed small and big payloads byte-exact across spills, with extras and client ids', async () => {
    const { randomBytes } = await import('node:crypto');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-log-'));
    const log = new FrameLog('L', path.join(dir, 'log'), { maxFrames: 50, maxBytes: 300_000 });
    const written: Buffer[] = [];
    for (let i = 0; i < 400; i++) {
      const size = i % 37 === 0 ? 70_000 + i : (i * 131) % 900;
      const data = randomBytes(size);
      written.push(data);
      log.append(i, i % 2 ? 'in' : 'out', i % 5 === 0 ? 'binary' : 'text', data, i % 3 ? `c${i % 4}` : undefined, i % 7 === 0 ? { closeCode: 4000 + i, rttMs: i / 10 } : undefined);
    }
    expect(log.memoryStats().bytes).toBeLessThanOrEqual(300_000);
    const all = await log.page({ newest: false, limit: 10_000 });
    expect(all.items.length).toBe(400);
    all.items.forEach((e, i) => {
      expect(e.seq).toBe(i + 1);
      expect(e.data.equals(written[i]!)).toBe(true);
      expect(e.clientId).toBe(i % 3 ? `c${i % 4}` : undefined);
      expect(e.closeCode).toBe(i % 7 === 0 ? 4000 + i : undefined);
    });
    const newest = await log.page({ newest: true, limit: 3, beforeSeq: 120 });
    expect(newest.items.map((e) => e.seq)).toEqual([117, 118, 119]);
    expect(log.summaries(399, 400).map((s) => s.seq)).toEqual([399, 400]);
    await log.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
