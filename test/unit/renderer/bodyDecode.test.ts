import { describe, expect, it } from 'vitest';
import { loadRenderer, type BodyDecode, type Format } from './load';

const { detectKind, parseForm, parseMultipart, parseQuery, prettyJson, contentTypeParam, looksLikeText } = await loadRenderer<BodyDecode>('components/bodyDecode.ts');
const { formatBytes, formatDuration, middleEllipsis, formatRelative } = await loadRenderer<Format>('components/format.ts');

const enc = (s: string) => new TextEncoder().encode(s);

describe('body views', () => {
  it('detects kinds from content type, and sniffs when it is missing', () => {
    expect(detectKind('application/json; charset=utf-8', enc('{"a":1}'))).toBe('json');
    expect(detectKind('application/vnd.api+json', enc('{}'))).toBe('json');
    expect(detectKind(null, enc('[1,2]'))).toBe('json');
    expect(detectKind(null, enc('{not json'))).toBe('text');
    expect(detectKind('application/x-www-form-urlencoded', enc('a=1'))).toBe('form');
    expect(detectKind('text/html', enc('<p>'))).toBe('html');
    expect(detectKind('application/soap+xml', enc('<a/>'))).toBe('xml');
    expect(detectKind(null, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]))).toBe('image');
    expect(detectKind('application/octet-stream', new Uint8Array([0, 159, 146, 150]))).toBe('binary');
    expect(detectKind('application/json', new Uint8Array())).toBe('empty');
  });

  it('keeps order and duplicates in form fields and queries', () => {
    expect(parseForm('b=2&a=1&a=3&note=left+at%20door&bad=%E0%A4%A')).toEqual([
      ['b', '2'],
      ['a', '1'],
      ['a', '3'],
      ['note', 'left at door'],
      ['bad', '%E0%A4%A'],
    ]);
    expect(parseQuery('/hooks?x=1&flag#frag')).toEqual([
      ['x', '1'],
      ['flag', ''],
    ]);
    expect(parseQuery('/no-query')).toEqual([]);
  });

  it('pretty-prints JSON and refuses what is not JSON', () => {
    expect(prettyJson('{"a":[1,{"b":null}]}')).toBe('{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ]\n}');
    expect(prettyJson('{"a":')).toBeNull();
  });

  it('splits multipart bodies into parts with exact byte sizes', () => {
    const binary = new Uint8Array([0, 255, 13, 10, 45, 45, 1]);
    const head = enc('--XyZ\r\nContent-Disposition: form-data; name="kind"\r\n\r\nmanifest\r\n--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a b.bin"\r\nContent-Type: application/octet-stream\r\n\r\n');
    const tail = enc('\r\n--XyZ--\r\n');
    const body = new Uint8Array([...head, ...binary, ...tail]);
    const ct = 'multipart/form-data; boundary="XyZ"';
    const parts = parseMultipart(body, contentTypeParam(ct, 'boundary')!)!;
    expect(parts.map((p) => [p.name, p.filename, p.contentType, p.size])).toEqual([
      ['kind', null, null, 8],
      ['file', 'a b.bin', 'application/octet-stream', binary.length],
    ]);
    expect([...parts[1]!.body]).toEqual([...binary]);
    expect(parseMultipart(enc('no boundary here'), 'XyZ')).toBeNull();
  });

  it('tells text from binary', () => {
    expect(looksLikeText(enc('héllo\n\tworld'))).toBe(true);
    expect(looksLikeText(new Uint8Array([0xff, 0xfe, 0x00]))).toBe(false);
  });
});

describe('formatting', () => {
  it('sizes, durations, relative times and middle ellipsis', () => {
    expect([0, 512, 1536, 10 * 1024, 3.4 * 1024 * 1024].map(formatBytes)).toEqual(['0 B', '512 B', '1.5 KB', '10 KB', '3.4 MB']);
    expect([0.42, 12.4, 1250, 75_000].map(formatDuration)).toEqual(['0.4 ms', '12 ms', '1.25 s', '1 min 15 s']);
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatRelative('2026-01-01T11:59:59Z', now)).toBe('just now');
    expect(formatRelative('2026-01-01T11:59:30Z', now)).toBe('30 s ago');
    expect(formatRelative('2026-01-01T11:55:00Z', now)).toBe('5 min ago');
    const long = '/api/v1/customers/cus_123/subscriptions/sub_456/items?expand=true';
    const cut = middleEllipsis(long, 30);
    expect(cut).toHaveLength(30);
    expect(cut.startsWith('/api/v1/')).toBe(true);
    expect(cut.endsWith('expand=true')).toBe(true);
    expect(middleEllipsis('/short', 30)).toBe('/short');
  });
});
