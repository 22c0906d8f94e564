import { parse as shellParse } from 'shell-quote';
import { DEFAULT_REQUEST_SETTINGS, type KeyValue, type MultipartPart, type RequestAuth, type RequestBody, type RequestSpec } from '../model/http';
import type { ImportResult, SkippedItem } from '../model/workspace';
import { SwitchboardError } from '../errors';
import { bodyFromContentType, headerValue } from './specHelpers';

// Imports a curl command line (as copied from browser devtools, docs or a terminal). Tokenising is
// done by shell-quote (POSIX quoting, "…", '…', $'…', backslashes); the option table follows
// curl's own man page. Options that change only curl's output (-s, -v, -o, …) or that have no
// equivalent are listed in `skipped`, never dropped silently.

/** Options that take a value, by long name; short aliases map onto these. */
const SHORT: Record<string, string> = {
  X: 'request',
  H: 'header',
  d: 'data',
  F: 'form',
  u: 'user',
  A: 'user-agent',
  e: 'referer',
  b: 'cookie',
  m: 'max-time',
  x: 'proxy',
  T: 'upload-file',
  o: 'output',
  c: 'cookie-jar',
  w: 'write-out',
  E: 'cert',
  K: 'config',
  r: 'range',
  U: 'proxy-user',
  C: 'continue-at',
  Y: 'speed-limit',
  y: 'speed-time',
  z: 'time-cond',
  D: 'dump-header',
  // flags (no value)
  G: 'get',
  I: 'head',
  L: 'location',
  k: 'insecure',
  s: 'silent',
  S: 'show-error',
  v: 'verbose',
  i: 'include',
  f: 'fail',
  O: 'remote-name',
  N: 'no-buffer',
  g: 'globoff',
  j: 'junk-session-cookies',
  '#': 'progress-bar',
  4: 'ipv4',
  6: 'ipv6',
  0: 'http1.0',
  1: 'tlsv1',
  2: 'sslv2',
  3: 'sslv3',
  q: 'disable',
  Z: 'parallel',
};

const WITH_VALUE = new Set([
  'request', 'header', 'data', 'data-ascii', 'data-raw', 'data-binary', 'data-urlencode', 'json', 'form',
  'form-string', 'user', 'user-agent', 'referer', 'cookie', 'max-time', 'proxy', 'upload-file', 'output',
  'cookie-jar', 'write-out', 'cert', 'key', 'cacert', 'capath', 'config', 'range', 'proxy-user', 'continue-at',
  'speed-limit', 'speed-time', 'time-cond', 'dump-header', 'url', 'max-redirs', 'connect-timeout',
  'resolve', 'connect-to', 'interface', 'retry', 'retry-delay', 'retry-max-time', 'limit-rate', 'oauth2-bearer',
  'aws-sigv4', 'cert-type', 'key-type', 'pass', 'ciphers', 'trace', 'trace-ascii', 'stderr', 'unix-socket',
  'abstract-unix-socket', 'dns-servers', 'local-port', 'max-filesize', 'keepalive-time', 'expect100-timeout',
  'happy-eyeballs-timeout-ms', 'preproxy', 'noproxy', 'proxy-header', 'request-target', 'variable', 'url-query',
  'output-dir', 'etag-save', 'etag-compare', 'hsts', 'alt-svc', 'netrc-file', 'socks5', 'socks4', 'socks5-hostname',
  'proto', 'proto-redir', 'create-file-mode', 'ech', 'ip-tos', 'vlan-priority',
]);

/** Flags that only affect curl's own output or process; harmless to drop, still reported. */
const OUTPUT_ONLY = new Set([
  'silent', 'show-error', 'verbose', 'include', 'output', 'remote-name', 'write-out', 'progress-bar', 'no-buffer',
  'fail', 'fail-with-body', 'dump-header', 'trace', 'trace-ascii', 'stderr', 'no-progress-meter', 'remote-header-name',
  'create-dirs', 'output-dir', 'styled-output', 'no-styled-output', 'globoff', 'disable', 'parallel', 'show-headers',
]);

/** Flags that curl applies by default or that the sender does anyway. */
const NO_EFFECT = new Set(['compressed', 'http1.1', 'tr-encoding', 'path-as-is', 'raw']);

interface DataPart {
  flag: 'data' | 'data-raw' | 'data-binary' | 'data-urlencode' | 'json';
  value: string;
}

export interface CurlParseResult {
  spec: RequestSpec;
  skipped: SkippedItem[];
}

function tokenize(command: string): string[] {
  // Line continuations: bash `\⏎` and Windows cmd `^⏎` (as "Copy as cURL (cmd)" writes).
  const text = command.replace(/\\\r?\n/g, ' ').replace(/\^\r?\n/g, ' ').trim();
  // Keep $NAME literal: a pasted command must not read the app's environment.
  const entries = shellParse(text, (key) => `$${key}`);
  const out: string[] = [];
  for (const e of entries) {
    if (typeof e === 'string') out.push(e);
    else if ('op' in e && e.op === 'glob') out.push(e.pattern);
    else if ('comment' in e) continue;
    else break; // |, ;, &&, > … end the curl command: what follows is another program
  }
  return out;
}

/** As curl does for --data-urlencode: all but A-Z a-z 0-9 - . _ ~ escaped, space as '+'. */
function curlEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function urlencodePart(value: string): string {
  // curl --data-urlencode forms: "content", "=content", "name=content", "@file", "name@file".
  const eq = value.indexOf('=');
  const at = value.indexOf('@');
  if (eq === 0) return curlEscape(value.slice(1));
  if (eq > 0 && (at < 0 || eq < at)) return `${value.slice(0, eq)}=${curlEscape(value.slice(eq + 1))}`;
  return curlEscape(value);
}

function parseFormPart(raw: string, literal: boolean): MultipartPart | { error: string } {
  const eq = raw.indexOf('=');
  if (eq <= 0) return { error: `-F "${raw}" has no name=`};
  const name = raw.slice(0, eq);
  let rest = raw.slice(eq + 1);
  if (literal) return { kind: 'text', name, value: rest, enabled: true };
  // ;type= and ;filename= modifiers (unquoted forms only).
  let contentType: string | undefined;
  let filename: string | undefined;
  const mods = /;(type|filename|headers|encoder)=("[^"]*"|[^;]*)/g;
  const first = rest.search(/;(type|filename|headers|encoder)=/);
  if (first >= 0) {
    for (const m of rest.slice(first).matchAll(mods)) {
      const v = (m[2] ?? '').replace(/^"|"$/g, '');
      if (m[1] === 'type') contentType = v;
      if (m[1] === 'filename') filename = v;
    }
    rest = rest.slice(0, first);
  }
  if (rest.startsWith('@')) {
    const part: MultipartPart = { kind: 'file', name, path: rest.slice(1), enabled: true };
    if (filename) part.filename = filename;
    if (contentType) part.contentType = contentType;
    return part;
  }
  if (rest.startsWith('<')) {
    // "<file": the file's content as a text field (no filename); kept as a file part without a name.
    const part: MultipartPart = { kind: 'file', name, path: rest.slice(1), enabled: true, filename: '' };
    if (contentType) part.contentType = contentType;
    return part;
  }
  const part: MultipartPart = { kind: 'text', name, value: rest, enabled: true };
  if (contentType) part.contentType = contentType;
  return part;
}

export function looksLikeCurl(text: string): boolean {
  return /^\s*(\$\s*)?curl(\.exe)?\s/i.test(text);
}

export function parseCurl(command: string): CurlParseResult {
  let tokens: string[];
  try {
    tokens = tokenize(command.replace(/^\s*\$\s*/, ''));
  } catch (err) {
    throw new SwitchboardError('IMPORT_INVALID', `The curl command cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!tokens.length || !/^curl(\.exe)?$/i.test(tokens[0] ?? '')) {
    throw new SwitchboardError('IMPORT_UNSUPPORTED', 'This does not start with "curl".');
  }
  const skipped: SkippedItem[] = [];
  const headers: KeyValue[] = [];
  const data: DataPart[] = [];
  const form: MultipartPart[] = [];
  const urls: string[] = [];
  let method: string | null = null;
  let user: string | null = null;
  let digest = false;
  let getMode = false;
  let head = false;
  let upload: string | null = null;
  let bearer: string | null = null;
  const settings = { ...DEFAULT_REQUEST_SETTINGS };
  let follow = false;

  const take = (name: string, value: string): void => {
    switch (name) {
      case 'request':
        method = value;
        break;
      case 'header': {
        const i = value.indexOf(':');
        if (i > 0) {
          const hv = value.slice(i + 1).trim();
          // "Name:" with no value tells curl to remove that header; nothing to send.
          if (hv === '') skipped.push({ where: `-H "${value}"`, reason: 'removes a default curl header; not needed here' });
          else headers.push({ name: value.slice(0, i).trim(), value: hv, enabled: true });
        } else if (value.endsWith(';')) {
          headers.push({ name: value.slice(0, -1).trim(), value: '', enabled: true });
        } else if (value.startsWith('@')) {
          skipped.push({ where: `-H ${value}`, reason: 'headers read from a file are not imported' });
        } else {
          skipped.push({ where: `-H "${value}"`, reason: 'not a "Name: value" header' });
        }
        break;
      }
      case 'data':
      case 'data-ascii':
        data.push({ flag: 'data', value });
        break;
      case 'data-raw':
        data.push({ flag: 'data-raw', value });
        break;
      case 'data-binary':
        data.push({ flag: 'data-binary', value });
        break;
      case 'data-urlencode':
        data.push({ flag: 'data-urlencode', value });
        break;
      case 'json':
        data.push({ flag: 'json', value });
        break;
      case 'form':
      case 'form-string': {
        const p = parseFormPart(value, name === 'form-string');
        if ('error' in p) skipped.push({ where: `-F ${value}`, reason: p.error });
        else form.push(p);
        break;
      }
      case 'user':
        user = value;
        break;
      case 'user-agent':
        headers.push({ name: 'User-Agent', value, enabled: true });
        break;
      case 'referer':
        headers.push({ name: 'Referer', value: value.replace(/;auto$/, ''), enabled: true });
        break;
      case 'cookie':
        if (value.includes('=')) headers.push({ name: 'Cookie', value, enabled: true });
        else skipped.push({ where: `-b ${value}`, reason: 'cookies read from a file are not imported (use the cookie jar)' });
        break;
      case 'max-time': {
        const s = Number(value);
        if (Number.isFinite(s) && s >= 0) settings.timeoutMs = Math.round(s * 1000);
        else skipped.push({ where: `--max-time ${value}`, reason: 'not a number of seconds' });
        break;
      }
      case 'max-redirs': {
        const n = Number(value);
        if (Number.isInteger(n) && n >= 0) settings.maxRedirects = Math.min(n, 100);
        break;
      }
      case 'proxy':
        settings.proxy = value;
        break;
      case 'upload-file':
        upload = value;
        break;
      case 'url':
        urls.push(value);
        break;
      case 'oauth2-bearer':
        bearer = value;
        break;
      default:
        skipped.push({
          where: `--${name} ${value}`,
          reason: OUTPUT_ONLY.has(name) ? 'only changes curl\'s output' : 'no equivalent in Switchboard',
        });
    }
  };

  const flag = (name: string): void => {
    switch (name) {
      case 'get':
        getMode = true;
        break;
      case 'head':
        head = true;
        break;
      case 'location':
      case 'location-trusted':
        follow = true;
        break;
      case 'insecure':
        settings.verifyTls = false;
        break;
      case 'digest':
        digest = true;
        break;
      case 'basic':
        break;
      default:
        if (NO_EFFECT.has(name)) return;
        skipped.push({ where: `--${name}`, reason: OUTPUT_ONLY.has(name) ? 'only changes curl\'s output' : 'no equivalent in Switchboard' });
    }
  };

  for (let i = 1; i < tokens.length; i++) {
    const tok = tokens[i] ?? '';
    if (tok.startsWith('--') && tok.length > 2) {
      const eq = tok.indexOf('=');
      // curl itself does not accept --opt=value, but pasted commands sometimes use it.
      const long = eq > 0 && WITH_VALUE.has(tok.slice(2, eq)) ? tok.slice(2, eq) : tok.slice(2);
      if (WITH_VALUE.has(long)) {
        const value = eq > 0 && long === tok.slice(2, eq) ? tok.slice(eq + 1) : tokens[++i];
        if (value === undefined) skipped.push({ where: tok, reason: 'missing its value' });
        else take(long, value);
      } else if (long.startsWith('no-')) {
        if (long === 'no-location') follow = false;
        else if (!OUTPUT_ONLY.has(long.slice(3)) && !NO_EFFECT.has(long.slice(3)) && long !== 'no-progress-meter') {
          skipped.push({ where: tok, reason: 'no equivalent in Switchboard' });
        }
      } else flag(long);
    } else if (tok.startsWith('-') && tok.length > 1) {
      // Short options may be clustered (-sSL) and a value may be glued on (-XPOST, -HX:y).
      for (let j = 1; j < tok.length; j++) {
        const ch = tok[j] ?? '';
        const long = SHORT[ch];
        if (!long) {
          skipped.push({ where: `-${ch}`, reason: 'unknown curl option' });
          continue;
        }
        if (WITH_VALUE.has(long)) {
          const rest = tok.slice(j + 1);
          const value = rest !== '' ? rest : tokens[++i];
          if (value === undefined) skipped.push({ where: `-${ch}`, reason: 'missing its value' });
          else take(long, value);
          break;
        }
        flag(long);
      }
    } else {
      urls.push(tok);
    }
  }

  if (urls.length === 0) throw new SwitchboardError('IMPORT_INVALID', 'The curl command has no URL.');
  for (const extra of urls.slice(1)) skipped.push({ where: extra, reason: 'only the first URL of a curl command is imported' });
  let url = urls[0] ?? '';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `http://${url}`;

  let body: RequestBody = { kind: 'none' };
  let dataText: string | null = null;
  if (data.length) {
    const fileRefs = data.filter((d) => (d.flag === 'data' || d.flag === 'data-binary' || d.flag === 'json') && d.value.startsWith('@'));
    if (fileRefs.length && data.length === 1 && fileRefs[0]) {
      const ref = fileRefs[0];
      const path = ref.value.slice(1);
      if (ref.flag === 'data') {
        skipped.push({ where: `-d ${ref.value}`, reason: 'curl strips line breaks from a -d @file; the file is sent as is' });
      }
      body = { kind: 'binary', path };
    } else {
      for (const r of fileRefs) skipped.push({ where: r.value, reason: 'a file reference mixed with other data cannot be imported; sent literally' });
      dataText = data.map((d) => (d.flag === 'data-urlencode' ? urlencodePart(d.value) : d.value)).join('&');
    }
  }
  const isJson = data.some((d) => d.flag === 'json');
  if (isJson) {
    if (!headerValue(headers, 'content-type')) headers.push({ name: 'Content-Type', value: 'application/json', enabled: true });
    if (!headerValue(headers, 'accept')) headers.push({ name: 'Accept', value: 'application/json', enabled: true });
  }

  if (getMode && dataText !== null) {
    url += (url.includes('?') ? '&' : '?') + dataText;
  } else if (dataText !== null) {
    const ct = headerValue(headers, 'content-type');
    if (ct === null) {
      // curl's default for -d; the header is written so the imported request sends the same bytes.
      headers.push({ name: 'Content-Type', value: 'application/x-www-form-urlencoded', enabled: true });
    }
    body = bodyFromContentType(dataText, headerValue(headers, 'content-type'));
  }
  if (form.length) {
    if (body.kind !== 'none') skipped.push({ where: '-F', reason: 'curl refuses -F together with -d; the form parts were kept' });
    body = { kind: 'multipart', parts: form };
  }
  if (upload !== null) {
    if (body.kind === 'none') body = { kind: 'binary', path: upload };
    else skipped.push({ where: `-T ${upload}`, reason: 'ignored because the command also has a body' });
  }

  let auth: RequestAuth = { kind: 'none' };
  if (user !== null) {
    const u: string = user;
    const i = u.indexOf(':');
    const username = i >= 0 ? u.slice(0, i) : u;
    const password = i >= 0 ? u.slice(i + 1) : '';
    if (i < 0) skipped.push({ where: `-u ${u}`, reason: 'no password given (curl would prompt for it); left empty' });
    auth = digest ? { kind: 'digest', username, password } : { kind: 'basic', username, password };
  } else if (bearer !== null) {
    auth = { kind: 'bearer', token: bearer };
  }

  const m: string | null = method;
  const finalMethod = m ?? (head ? 'HEAD' : upload !== null && body.kind === 'binary' ? 'PUT' : body.kind !== 'none' ? 'POST' : 'GET');
  settings.followRedirects = follow;
  return {
    spec: { method: finalMethod.toUpperCase() === finalMethod ? finalMethod : finalMethod, url, headers, body, auth, settings },
    skipped,
  };
}

/** A curl command as an import: one request in a one-request collection. */
export function importCurl(command: string, name?: string): ImportResult {
  const { spec, skipped } = parseCurl(command);
  let reqName = name;
  if (!reqName) {
    try {
      const u = new URL(spec.url);
      reqName = `${spec.method} ${u.pathname}`;
    } catch {
      reqName = `${spec.method} request`;
    }
  }
  return {
    format: 'curl',
    collection: { name: 'Imported from curl', items: [{ kind: 'request', name: reqName, spec: { ...spec, name: reqName } }], variables: [] },
    environments: [],
    skipped,
  };
}
