import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import busboy from 'busboy';
import { createEngine, type Engine } from '../../../src/engine';
import { parseCurl } from '../../../src/shared/formats/curl';
import { makeSpec } from '../../../src/shared/formats/specHelpers';

// The oracle: the real curl binary sends each command line to a local server; the same command
// line imported by Switchboard and sent by its engine must produce the same method, URL, headers
// (those both set on purpose) and body bytes. Multipart bodies are compared after parsing with
// busboy, since each side picks its own boundary.

interface Got {
  method: string;
  url: string;
  headers: Map<string, string>;
  body: Buffer;
  parts: Array<{ name: string; value: string; filename?: string; mime?: string }> | null;
}

let server: Server;
let base = '';
let tmp = '';
let engine: Engine;
const inbox: Got[] = [];

async function parseMultipart(req: IncomingMessage, body: Buffer): Promise<Got['parts']> {
  const ct = req.headers['content-type'] ?? '';
  if (!ct.startsWith('multipart/form-data')) return null;
  return new Promise((resolve, reject) => {
    const parts: NonNullable<Got['parts']> = [];
    const bb = busboy({ headers: req.headers });
    bb.on('field', (name, value) => parts.push({ name, value }));
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => parts.push({ name, value: Buffer.concat(chunks).toString('utf8'), filename: info.filename, mime: info.mimeType }));
    });
    bb.on('close', () => resolve(parts));
    bb.on('error', reject);
    bb.end(body);
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'sb-curl-'));
  writeFileSync(path.join(tmp, 'note.txt'), 'file contents\nline 2\n');
  writeFileSync(path.join(tmp, 'blob.bin'), Buffer.from([0, 1, 2, 255, 13, 10, 0]));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = new Map<string, string>();
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const n = (req.rawHeaders[i] ?? '').toLowerCase();
        headers.set(n, headers.has(n) ? `${headers.get(n)}, ${req.rawHeaders[i + 1]}` : (req.rawHeaders[i + 1] ?? ''));
      }
      void parseMultipart(req, body).then((parts) => {
        inbox.push({ method: req.method ?? '', url: req.url ?? '', headers, body, parts });
        res.end('ok');
      });
    });
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  engine = await createEngine({ dataDir: path.join(tmp, 'data') });
});

afterAll(async () => {
  await engine.close();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

function runCurl(cmd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${cmd} -o /dev/null`], { cwd: tmp });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`curl exited ${code}: ${err}`))));
  });
}

/** Headers that each client sets on its own (identity, defaults, framing). */
const OWN = new Set(['host', 'user-agent', 'accept', 'accept-encoding', 'content-length', 'connection', 'expect']);

async function both(cmd: string): Promise<{ curl: Got; ours: Got; skipped: string[] }> {
  const full = cmd.replaceAll('URL', base);
  inbox.length = 0;
  await runCurl(full);
  const curl = inbox.shift();
  const { spec, skipped } = parseCurl(full);
  // Relative file paths in the command are relative to where it ran.
  if (spec.body.kind === 'binary') spec.body = { ...spec.body, path: path.resolve(tmp, spec.body.path) };
  if (spec.body.kind === 'multipart') spec.body = { ...spec.body, parts: spec.body.parts.map((p) => (p.kind === 'file' ? { ...p, path: path.resolve(tmp, p.path) } : p)) };
  await engine.invoke('http.send', { spec });
  const ours = inbox.shift();
  if (!curl || !ours) throw new Error('a request did not arrive');
  return { curl, ours, skipped: skipped.map((s) => s.where) };
}

function chosen(h: Map<string, string>, ignore: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of h) if (!OWN.has(k) && !ignore.includes(k)) out[k] = v;
  return out;
}

describe('curl import matches what the real curl sends', () => {
  const cases: Array<[string, string]> = [
    ['headers and query', `curl -s 'URL/a?x=1&y=two%20words' -H 'X-One: 1' -H "X-Two: two words" -H $'X-Q: it\\'s'`],
    ['JSON body with -X PUT', `curl -X PUT URL/p -H 'Content-Type: application/json' --data-raw '{"a": "b c", "n": [1,2]}'`],
    ['-d joined with &, default form content type', `curl URL/f -d 'a=1' -d 'b=x y' -d 'c=%41'`],
    ['--data-urlencode', `curl URL/u --data-urlencode 'q=hello world&more' --data-urlencode '=raw value' -d z=1`],
    ['-u basic auth', `curl -u 'alice:s3cr:et' URL/auth`],
    ['-F multipart with a file and a type', `curl URL/m -F 'field=value' -F 'file=@note.txt;type=text/plain' -F 'other=2'`],
    ['-A, -e, -b, --compressed', `curl --compressed URL/c -A 'agent/1.0' -e 'http://ref.test/' -b 'a=1; b=2'`],
    ['-G turns data into the query', `curl -G URL/g -d 'q=1' --data-urlencode 'r=a b'`],
    ['--json', `curl --json '{"k":1}' URL/j`],
    ['--data-binary @file keeps bytes', `curl -XPOST URL/bin --data-binary @blob.bin -H 'Content-Type: application/octet-stream'`],
    ['-I is HEAD', `curl -sI URL/h`],
    ['line continuations and clustered flags', `curl -sSX PATCH \\\n  URL/l \\\n  -H 'X-A: 1' \\\n  -d '{"p":true}' -H 'Content-Type: application/json'`],
    ['-T uploads with PUT', `curl -T note.txt URL/upload`],
  ];
  for (const [name, cmd] of cases) {
    it(name, async () => {
      const { curl, ours } = await both(cmd);
      expect(ours.method).toBe(curl.method);
      // curl -T appends the file name to a URL ending in '/'; ours has no such rule, so compare as is.
      expect(ours.url).toBe(curl.url);
      if (curl.parts) {
        expect(ours.parts).toEqual(curl.parts);
        expect(chosen(ours.headers, ['content-type'])).toEqual(chosen(curl.headers, ['content-type']));
      } else {
        expect(ours.body.equals(curl.body)).toBe(true);
        const ignore = curl.method === 'PUT' && name.startsWith('-T') ? ['content-type'] : [];
        expect(chosen(ours.headers, ignore)).toEqual(chosen(curl.headers, ignore));
      }
    });
  }

  it('lists what it cannot carry over', async () => {
    const { skipped } = await both(`curl -s -v --retry 3 URL/x -o out.txt`);
    expect(skipped).toEqual(['--silent', '--verbose', '--retry 3', '--output out.txt']);
  });
});

describe('cURL export runs in the real curl and sends what the engine sends', () => {
  const specs = [
    makeSpec({ method: 'POST', url: 'URL/e1?q=a%20b', headers: [{ name: 'X-Trace', value: "it's 7", enabled: true }], body: { kind: 'json', text: '{"a": [1, "two"]}' }, auth: { kind: 'bearer', token: 't0k' } }),
    makeSpec({ method: 'PUT', url: 'URL/e2', body: { kind: 'form', fields: [{ name: 'a', value: '1 2', enabled: true }, { name: 'b', value: 'x&y', enabled: true }] }, auth: { kind: 'basic', username: 'u', password: 'p:w' } }),
    makeSpec({ method: 'DELETE', url: 'URL/e3', headers: [{ name: 'Accept', value: 'text/plain', enabled: true }, { name: 'X-Off', value: 'no', enabled: false }] }),
  ];
  for (const [i, template] of specs.entries()) {
    it(`request ${i + 1}: ${template.method}`, async () => {
      const spec = { ...template, url: template.url.replace('URL', base) };
      const { text } = await engine.invoke('export.request', { spec, target: 'shell:curl' });
      inbox.length = 0;
      await runCurl(text);
      const viaCurl = inbox.shift();
      await engine.invoke('http.send', { spec });
      const ours = inbox.shift();
      if (!viaCurl || !ours) throw new Error('a request did not arrive');
      expect(viaCurl.method).toBe(ours.method);
      expect(viaCurl.url).toBe(ours.url);
      expect(viaCurl.body.equals(ours.body)).toBe(true);
      expect(chosen(viaCurl.headers)).toEqual(chosen(ours.headers));
    });
  }
});

