import type { CommandParams } from '../../shared/contract';
import { DEFAULT_REQUEST_SETTINGS, type KeyValue, type RequestAuth, type RequestBody, type RequestSettings, type RequestSpec } from '../../shared/model/http';

// A fast path for validating `http.send` params, in front of the zod schema (contract/http.ts).
// zod's safeParse cost ≈ 10 µs per send, a third of what the whole engine may add to a keep-alive
// round trip (bench figure `sender`). This accepts only the common shapes (no unknown keys, the
// usual body and auth kinds, plain objects) and builds exactly what zod would output (same keys,
// same order, defaults as fresh shallow copies); anything else returns null and goes to zod, so every
// rejection and its VALIDATION_FAILED message still come from zod. test/unit/httpFastParams.test.ts
// checks it against zod on generated inputs.

type SendParams = CommandParams<'http.send'>;

const MAX_TEXT = 64 * 1024 * 1024;
const SHORT = 64 * 1024;
const MiB = 1024 * 1024;

function plain(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

function str(x: unknown, min: number, max: number): x is string {
  return typeof x === 'string' && x.length >= min && x.length <= max;
}

function int(x: unknown, min: number, max: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
}

/** True when every own key of `o` is one of `allowed` and none holds `undefined` (zod keeps those). */
function onlyKeys(o: Record<string, unknown>, allowed: readonly string[]): boolean {
  for (const k in o) {
    if (!allowed.includes(k) || o[k] === undefined) return false;
  }
  return true;
}

const PARAM_KEYS = ['spec', 'variables', 'requestId'] as const;
const SPEC_KEYS = ['name', 'method', 'url', 'headers', 'body', 'auth', 'settings'] as const;
const KV_KEYS = ['name', 'value', 'enabled', 'description'] as const;
const SETTINGS_KEYS = ['timeoutMs', 'followRedirects', 'maxRedirects', 'verifyTls', 'proxy'] as const;
const KIND_ONLY = ['kind'] as const;
const KIND_TEXT = ['kind', 'text'] as const;
const KIND_TEXT_CT = ['kind', 'text', 'contentType'] as const;
const KIND_TOKEN = ['kind', 'token'] as const;
const KIND_USER = ['kind', 'username', 'password'] as const;

function headers(x: unknown): KeyValue[] | null {
  if (x === undefined) return [];
  if (!Array.isArray(x) || x.length > 10_000) return null;
  const out: KeyValue[] = [];
  for (const h of x as unknown[]) {
    if (!plain(h) || !onlyKeys(h, KV_KEYS)) return null;
    const { name, value, enabled, description } = h;
    if (!str(name, 0, SHORT) || !str(value, 0, MiB)) return null;
    if (enabled !== undefined && typeof enabled !== 'boolean') return null;
    const kv: KeyValue = { name, value, enabled: enabled === undefined ? true : enabled };
    if (description !== undefined) {
      if (!str(description, 0, 10_000)) return null;
      kv.description = description;
    }
    out.push(kv);
  }
  return out;
}

function body(x: unknown): RequestBody | null {
  if (x === undefined) return { kind: 'none' };
  if (!plain(x)) return null;
  switch (x.kind) {
    case 'none':
      return onlyKeys(x, KIND_ONLY) ? { kind: 'none' } : null;
    case 'json':
    case 'xml':
      return onlyKeys(x, KIND_TEXT) && str(x.text, 0, MAX_TEXT) ? { kind: x.kind, text: x.text } : null;
    case 'text': {
      if (!onlyKeys(x, KIND_TEXT_CT) || !str(x.text, 0, MAX_TEXT)) return null;
      if (x.contentType === undefined) return { kind: 'text', text: x.text };
      return str(x.contentType, 0, SHORT) ? { kind: 'text', text: x.text, contentType: x.contentType } : null;
    }
    default:
      return null;
  }
}

function auth(x: unknown): RequestAuth | null {
  if (x === undefined) return { kind: 'none' };
  if (!plain(x)) return null;
  switch (x.kind) {
    case 'none':
      return onlyKeys(x, KIND_ONLY) ? { kind: 'none' } : null;
    case 'bearer':
      return onlyKeys(x, KIND_TOKEN) && str(x.token, 0, MiB) ? { kind: 'bearer', token: x.token } : null;
    case 'basic':
    case 'digest':
      return onlyKeys(x, KIND_USER) && str(x.username, 0, SHORT) && str(x.password, 0, SHORT)
        ? { kind: x.kind, username: x.username, password: x.password }
        : null;
    default:
      return null;
  }
}

function settings(x: unknown): RequestSettings | null {
  if (x === undefined) return { ...DEFAULT_REQUEST_SETTINGS };
  if (!plain(x) || !onlyKeys(x, SETTINGS_KEYS)) return null;
  const d = DEFAULT_REQUEST_SETTINGS;
  // `=== undefined`, not `??`: zod refuses null where it defaults undefined.
  const timeoutMs = x.timeoutMs === undefined ? d.timeoutMs : x.timeoutMs;
  const followRedirects = x.followRedirects === undefined ? d.followRedirects : x.followRedirects;
  const maxRedirects = x.maxRedirects === undefined ? d.maxRedirects : x.maxRedirects;
  const verifyTls = x.verifyTls === undefined ? d.verifyTls : x.verifyTls;
  const proxy = x.proxy === undefined ? d.proxy : x.proxy;
  if (!int(timeoutMs, 0, 24 * 3600_000) || typeof followRedirects !== 'boolean' || !int(maxRedirects, 0, 100)) return null;
  if (typeof verifyTls !== 'boolean' || !str(proxy, 0, 4096)) return null;
  return { timeoutMs, followRedirects, maxRedirects, verifyTls, proxy };
}

function variables(x: unknown): Record<string, string> | null {
  if (!plain(x)) return null;
  const out: Record<string, string> = {};
  for (const k in x) {
    const v = x[k];
    // zod copies keys one by one; leave special names and bad values to it.
    if (k === '__proto__' || k.length > 1000 || !str(v, 0, MiB)) return null;
    out[k] = v;
  }
  return out;
}

/** `http.send` params exactly as the zod schema would output them, or null (then zod decides). */
export function fastHttpSendParams(params: unknown): SendParams | null {
  if (!plain(params) || !onlyKeys(params, PARAM_KEYS)) return null;
  const s = params.spec;
  if (!plain(s) || !onlyKeys(s, SPEC_KEYS)) return null;
  if (!str(s.method, 1, 64) || !str(s.url, 1, MiB)) return null;
  if (s.name !== undefined && !str(s.name, 0, 1000)) return null;
  const h = headers(s.headers);
  const b = body(s.body);
  const a = auth(s.auth);
  const st = settings(s.settings);
  if (!h || !b || !a || !st) return null;
  const spec: RequestSpec =
    s.name === undefined
      ? { method: s.method, url: s.url, headers: h, body: b, auth: a, settings: st }
      : { name: s.name, method: s.method, url: s.url, headers: h, body: b, auth: a, settings: st };
  const out: SendParams = { spec };
  if (params.variables !== undefined) {
    const v = variables(params.variables);
    if (!v) return null;
    out.variables = v;
  }
  if (params.requestId !== undefined) {
    if (!str(params.requestId, 1, 200)) return null;
    out.requestId = params.requestId;
  }
  return out;
}
