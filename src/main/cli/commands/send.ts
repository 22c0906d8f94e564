import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../../../engine';
import { isErrorShape, toErrorShape } from '../../../shared/errors';
import type { Engine } from '../../../engine';
import type { KeyValue, RequestBody, RequestSpecInput, ResponseRecord } from '../../../shared/model/http';
import { resolveDataDir } from '../../dataDir';
import { parseCommandArgs } from '../args';

const HELP = `Usage: switchboard send [options] URL

Send one HTTP request (like curl) from the Switchboard engine.

Options:
  -X, --request METHOD     Method (default GET, or POST with a body); any token, e.g. PURGE
  -H, --header 'N: v'      Add a header (repeatable)
  -d, --data DATA          Body text; @FILE reads it from a file (repeatable, joined with &)
      --data-binary @FILE  Body bytes streamed from a file (or literal text without @)
  -u, --user USER:PASS     Basic auth
      --timeout MS         Whole-request timeout (default 30000; 0 = none)
  -k, --insecure           Do not verify TLS certificates
      --no-follow          Do not follow redirects
      --max-redirects N    Redirect limit (default 10)
  -x, --proxy URL          HTTP proxy (http://[user:pass@]host:port)
      --json               Print one JSON object: status, headers, bodyBase64, timings, redirects
  -v, --verbose            Print the status line and headers to stderr
      --fail               Exit 22 when the status is 400 or above (as curl -f)
      --data-dir DIR       Engine data directory
  -h, --help               This help

Exit status: 0 when a response arrived, 1 when the request failed (the error code and message are
printed; with --json as {"error":{"code","message"}}), 2 for bad usage.
`;

function parseHeader(raw: string): KeyValue {
  const i = raw.indexOf(':');
  if (i <= 0) throw new Error(`header "${raw}" must look like 'Name: value'`);
  return { name: raw.slice(0, i).trim(), value: raw.slice(i + 1).trim(), enabled: true };
}

function dataText(d: string): string {
  return d.startsWith('@') ? readFileSync(d.slice(1), 'utf8').replace(/[\r\n]/g, '') : d;
}

export async function sendCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'send',
    argv,
    {
      request: { type: 'string', short: 'X' },
      header: { type: 'string', short: 'H', multiple: true },
      data: { type: 'string', short: 'd', multiple: true },
      'data-binary': { type: 'string' },
      user: { type: 'string', short: 'u' },
      timeout: { type: 'string' },
      insecure: { type: 'boolean', short: 'k' },
      'no-follow': { type: 'boolean' },
      'max-redirects': { type: 'string' },
      proxy: { type: 'string', short: 'x' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      fail: { type: 'boolean' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  if ('exit' in parsed) return parsed.exit;
  const { values: o, positionals } = parsed;
  const url = positionals[0];
  if (!url || positionals.length > 1) {
    process.stderr.write(`switchboard send: give exactly one URL\n\n${HELP}`);
    return 2;
  }
  const usage = (msg: string): number => {
    process.stderr.write(`switchboard send: ${msg}\n`);
    return 2;
  };

  let headers: KeyValue[];
  let body: RequestBody = { kind: 'none' };
  try {
    headers = (o.header ?? []).map(parseHeader);
    if (o.data && o['data-binary'] !== undefined) return usage('use either -d or --data-binary, not both');
    // Like curl, data defaults to a form content type unless -H says otherwise.
    if (o.data) body = { kind: 'text', text: o.data.map(dataText).join('&'), contentType: 'application/x-www-form-urlencoded' };
    const bin = o['data-binary'];
    if (bin !== undefined) {
      body = bin.startsWith('@')
        ? { kind: 'binary', path: bin.slice(1), contentType: 'application/x-www-form-urlencoded' }
        : { kind: 'text', text: bin, contentType: 'application/x-www-form-urlencoded' };
    }
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new Error(`${name} must be a whole number`);
    return Number(v);
  };
  let timeoutMs: number | undefined;
  let maxRedirects: number | undefined;
  try {
    timeoutMs = num(o.timeout, '--timeout');
    maxRedirects = num(o['max-redirects'], '--max-redirects');
  } catch (err) {
    return usage((err as Error).message);
  }
  let auth: RequestSpecInput['auth'] = { kind: 'none' };
  if (o.user !== undefined) {
    const i = o.user.indexOf(':');
    auth = { kind: 'basic', username: i < 0 ? o.user : o.user.slice(0, i), password: i < 0 ? '' : o.user.slice(i + 1) };
  }
  const spec: RequestSpecInput = {
    method: o.request ?? (body.kind === 'none' ? 'GET' : 'POST'),
    url,
    headers,
    body,
    auth,
    settings: {
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(maxRedirects !== undefined ? { maxRedirects } : {}),
      followRedirects: !o['no-follow'],
      verifyTls: !o.insecure,
      proxy: o.proxy ?? '',
    },
  };

  let engine: Engine;
  let scratch: string | null = null;
  try {
    engine = await createEngine({ dataDir: resolveDataDir(o['data-dir']), door: 'cli' });
  } catch (err) {
    // The desktop app or `serve` holds the data directory: still send, from a scratch engine
    // (this send then is not added to that directory's history).
    if (!(isErrorShape(err) && err.code === 'STORE_LOCKED')) throw err;
    scratch = mkdtempSync(path.join(os.tmpdir(), 'switchboard-send-'));
    if (o.verbose || !o.json) process.stderr.write(`switchboard send: ${err.message} Sending without recording history.\n`);
    engine = await createEngine({ dataDir: scratch, door: 'cli' });
  }
  try {
    let r: ResponseRecord;
    try {
      r = await engine.invoke('http.send', { spec });
    } catch (err) {
      const e = toErrorShape(err);
      if (o.json) process.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message } })}\n`);
      else process.stderr.write(`switchboard send: ${e.message} [${e.code}]\n`);
      return 1;
    }
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < r.bodySize; ) {
      const part = await engine.invoke('http.responseBody', { id: r.id, offset, length: 8 * 1024 * 1024 });
      const buf = Buffer.from(part.base64, 'base64');
      if (buf.length === 0) break;
      chunks.push(buf);
      offset += buf.length;
    }
    const bodyBytes = Buffer.concat(chunks);
    if (o.json) {
      const out = {
        status: r.status,
        statusText: r.statusText,
        httpVersion: r.httpVersion,
        method: r.method,
        url: r.url,
        headers: r.headers,
        cookies: r.cookies,
        bodyBase64: bodyBytes.toString('base64'),
        bodySize: r.bodySize,
        wireBodySize: r.wireBodySize,
        contentEncoding: r.contentEncoding,
        timings: r.timings,
        elapsedMs: r.elapsedMs,
        redirects: r.redirects,
        tlsVerified: r.tlsVerified,
        tls: r.tls,
        remoteAddress: r.remoteAddress,
      };
      process.stdout.write(`${JSON.stringify(out)}\n`);
    } else {
      if (o.verbose) {
        for (const hop of r.redirects) process.stderr.write(`< ${hop.status} ${hop.method} ${hop.url} -> ${hop.location}\n`);
        process.stderr.write(`< HTTP/${r.httpVersion} ${r.status} ${r.statusText}\n`);
        for (const [n, v] of r.headers) process.stderr.write(`< ${n}: ${v}\n`);
        process.stderr.write(`* ${r.elapsedMs.toFixed(1)} ms, ${r.bodySize} bytes${r.tlsVerified ? '' : ' (TLS not verified)'}\n`);
      }
      await new Promise<void>((resolve) => process.stdout.write(bodyBytes, () => resolve()));
    }
    return o.fail && r.status >= 400 ? 22 : 0;
  } finally {
    await engine.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

export default sendCommand;
