import type { KeyValue, MultipartPart, RequestAuth, RequestBody, RequestSpec } from '../model/http';
import type { Collection, CollectionFolder, CollectionItem, Environment, ImportResult, SkippedItem, VariableDef } from '../model/workspace';
import { SwitchboardError } from '../errors';
import { bodyText, makeSpec } from './specHelpers';
import { type Json, obj, arr, str } from './json';

// Postman collection format v2.1 (and v2.0, which differs only in auth params being maps), plus
// Postman environment files. Scripts, saved example responses and OAuth flows have no place in a
// Switchboard request: they are listed in `skipped`.

export const POSTMAN_SCHEMA_V21 = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

function description(v: unknown): string | undefined {
  if (typeof v === 'string') return v || undefined;
  const o = obj(v);
  return o && typeof o.content === 'string' ? o.content || undefined : undefined;
}

export function isPostmanCollection(doc: unknown): boolean {
  const info = obj(obj(doc)?.info);
  return !!info && (str(info.schema).includes('schema.getpostman.com') || (Array.isArray(obj(doc)?.item) && 'name' in info));
}

export function isPostmanEnvironment(doc: unknown): boolean {
  const o = obj(doc);
  return !!o && Array.isArray(o.values) && (str(o._postman_variable_scope) === 'environment' || str(o._postman_variable_scope) === 'globals' || typeof o.name === 'string');
}

function variablesFrom(list: unknown, where: string, skipped: SkippedItem[]): VariableDef[] {
  const out: VariableDef[] = [];
  for (const raw of arr(list)) {
    const v = obj(raw);
    if (!v) continue;
    const name = str(v.key ?? v.name ?? v.id);
    if (!name || /[{}]/.test(name)) {
      skipped.push({ where: `${where} › variable "${name}"`, reason: 'no usable name' });
      continue;
    }
    const value = typeof v.value === 'string' || typeof v.value === 'number' || typeof v.value === 'boolean' ? String(v.value) : v.value === undefined || v.value === null ? '' : JSON.stringify(v.value);
    const def: VariableDef = { name, value, enabled: v.disabled !== true && v.enabled !== false };
    if (v.type === 'secret') def.secret = true;
    const d = description(v.description);
    if (d) def.description = d;
    out.push(def);
  }
  return out;
}

/** Auth params: an array of {key, value} in v2.1, a plain map in v2.0. */
function authParams(raw: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (Array.isArray(raw)) {
    for (const p of raw) {
      const o = obj(p);
      if (o) out.set(str(o.key), str(o.value));
    }
  } else {
    const o = obj(raw);
    if (o) for (const [k, v] of Object.entries(o)) out.set(k, str(v));
  }
  return out;
}

/** null means "inherit from parent". */
function authFrom(raw: unknown, where: string, skipped: SkippedItem[]): RequestAuth | null {
  const a = obj(raw);
  if (!a) return null;
  const type = str(a.type);
  const p = authParams(a[type]);
  switch (type) {
    case 'noauth':
      return { kind: 'none' };
    case 'inherit':
      return null;
    case 'basic':
      return { kind: 'basic', username: p.get('username') ?? '', password: p.get('password') ?? '' };
    case 'digest':
      return { kind: 'digest', username: p.get('username') ?? '', password: p.get('password') ?? '' };
    case 'bearer':
      return { kind: 'bearer', token: p.get('token') ?? '' };
    case 'apikey':
      return { kind: 'apikey', key: p.get('key') ?? '', value: p.get('value') ?? '', in: p.get('in') === 'query' ? 'query' : 'header' };
    default:
      skipped.push({ where: `${where} › auth`, reason: `"${type}" auth is not supported; the request was imported without it` });
      return { kind: 'none' };
  }
}

/** Postman path variables (`/users/:id` with url.variable) have no Switchboard equivalent: fill them in. */
function fillPathVariables(url: string, vars: unknown, where: string, skipped: SkippedItem[]): string {
  const list = arr(vars).map(obj).filter((v): v is Json => !!v && typeof v.key === 'string');
  if (!list.length) return url;
  const q = url.search(/[?#]/);
  let path = q >= 0 ? url.slice(0, q) : url;
  const rest = q >= 0 ? url.slice(q) : '';
  for (const v of list) {
    const key = str(v.key);
    const value = str(v.value);
    const re = new RegExp(`/:${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=/|$)`, 'g');
    if (!re.test(path)) continue;
    // An empty value becomes a {{variable}} of the same name, so it shows up as unresolved.
    path = path.replace(re, `/${value || `{{${key}}}`}`);
    if (!value) skipped.push({ where: `${where} › path variable :${key}`, reason: `no value; replaced by {{${key}}}` });
  }
  return path + rest;
}

function urlFrom(raw: unknown, where = '', skipped: SkippedItem[] = []): string {
  if (typeof raw === 'string') return raw;
  const u = obj(raw);
  if (!u) return '';
  if (typeof u.raw === 'string' && u.raw) return fillPathVariables(u.raw, u.variable, where, skipped);
  const protocol = str(u.protocol);
  const host = Array.isArray(u.host) ? u.host.map((h) => str(h)).join('.') : str(u.host);
  const port = str(u.port);
  const path = Array.isArray(u.path) ? u.path.map((s) => (typeof s === 'string' ? s : str(obj(s)?.value))).join('/') : str(u.path);
  const query = arr(u.query)
    .map(obj)
    .filter((q): q is Json => !!q && q.disabled !== true)
    .map((q) => (q.value === null || q.value === undefined ? str(q.key) : `${str(q.key)}=${str(q.value)}`))
    .join('&');
  return fillPathVariables(`${protocol ? `${protocol}://` : ''}${host}${port ? `:${port}` : ''}${path ? `/${path.replace(/^\//, '')}` : ''}${query ? `?${query}` : ''}`, u.variable, where, skipped);
}

function headersFrom(raw: unknown): KeyValue[] {
  if (typeof raw === 'string') {
    // v1-style "Name: value\n" block.
    return raw
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const i = l.indexOf(':');
        return { name: i > 0 ? l.slice(0, i).trim() : l, value: i > 0 ? l.slice(i + 1).trim() : '', enabled: true };
      });
  }
  const out: KeyValue[] = [];
  for (const h of arr(raw)) {
    const o = obj(h);
    if (!o) continue;
    const kv: KeyValue = { name: str(o.key), value: str(o.value), enabled: o.disabled !== true };
    const d = description(o.description);
    if (d) kv.description = d;
    out.push(kv);
  }
  return out;
}

function bodyFrom(raw: unknown, where: string, skipped: SkippedItem[]): RequestBody {
  const b = obj(raw);
  if (!b || b.disabled === true) return { kind: 'none' };
  switch (str(b.mode)) {
    case 'raw': {
      const text = str(b.raw);
      const lang = str(obj(obj(b.options)?.raw)?.language);
      if (lang === 'json') return { kind: 'json', text };
      if (lang === 'xml') return { kind: 'xml', text };
      if (lang === 'html') return { kind: 'text', text, contentType: 'text/html' };
      if (lang === 'javascript') return { kind: 'text', text, contentType: 'application/javascript' };
      return { kind: 'text', text };
    }
    case 'urlencoded':
      return {
        kind: 'form',
        fields: arr(b.urlencoded)
          .map(obj)
          .filter((f): f is Json => !!f)
          .map((f) => ({ name: str(f.key), value: str(f.value), enabled: f.disabled !== true })),
      };
    case 'formdata': {
      const parts: MultipartPart[] = [];
      for (const raw of arr(b.formdata)) {
        const f = obj(raw);
        if (!f) continue;
        const enabled = f.disabled !== true;
        const contentType = typeof f.contentType === 'string' && f.contentType ? f.contentType : undefined;
        if (f.type === 'file') {
          const srcs = Array.isArray(f.src) ? f.src.map((s) => str(s)) : [str(f.src)];
          for (const src of srcs) {
            if (!src) {
              skipped.push({ where: `${where} › form field "${str(f.key)}"`, reason: 'file field without a file path' });
              continue;
            }
            parts.push({ kind: 'file', name: str(f.key), path: src, enabled, ...(contentType ? { contentType } : {}) });
          }
        } else {
          parts.push({ kind: 'text', name: str(f.key), value: str(f.value), enabled, ...(contentType ? { contentType } : {}) });
        }
      }
      return { kind: 'multipart', parts };
    }
    case 'file': {
      const src = str(obj(b.file)?.src);
      if (src) return { kind: 'binary', path: src };
      const content = str(obj(b.file)?.content);
      if (content) return { kind: 'text', text: content };
      skipped.push({ where: `${where} › body`, reason: 'binary body without a file path' });
      return { kind: 'none' };
    }
    case 'graphql': {
      const g = obj(b.graphql);
      return { kind: 'graphql', query: str(g?.query), variables: str(g?.variables) };
    }
    case '':
      return { kind: 'none' };
    default:
      skipped.push({ where: `${where} › body`, reason: `body mode "${str(b.mode)}" is not supported` });
      return { kind: 'none' };
  }
}

function settingsFrom(raw: unknown): Partial<RequestSpec['settings']> {
  const p = obj(raw);
  const out: Partial<RequestSpec['settings']> = {};
  if (!p) return out;
  if (typeof p.followRedirects === 'boolean') out.followRedirects = p.followRedirects;
  if (typeof p.maxRedirects === 'number') out.maxRedirects = Math.max(0, Math.min(100, Math.floor(p.maxRedirects)));
  if (typeof p.strictSSL === 'boolean') out.verifyTls = p.strictSSL;
  return out;
}

function noteEvents(item: Json, where: string, skipped: SkippedItem[]): void {
  for (const e of arr(item.event)) {
    const o = obj(e);
    const exec = obj(o?.script)?.exec;
    const code = Array.isArray(exec) ? exec.join('\n') : str(exec);
    if (o && code.trim()) skipped.push({ where: `${where} › ${str(o.listen, 'script')} script`, reason: 'scripts are not run by Switchboard' });
  }
}

export function importPostman(doc: unknown): ImportResult {
  const root = obj(doc);
  const info = obj(root?.info);
  if (!root || !info) throw new SwitchboardError('IMPORT_INVALID', 'Not a Postman collection: no "info".');
  const schema = str(info.schema);
  if (schema && !/v2\.[01]\.\d/.test(schema)) {
    throw new SwitchboardError('IMPORT_UNSUPPORTED', `Postman collection schema ${schema} is not supported (v2.0 and v2.1 are).`);
  }
  const skipped: SkippedItem[] = [];
  const name = str(info.name, 'Postman collection');
  const rootAuth = authFrom(root.auth, name, skipped) ?? { kind: 'none' as const };
  noteEvents(root, name, skipped);

  const walk = (items: unknown, path: string, inherited: RequestAuth): CollectionItem[] => {
    const out: CollectionItem[] = [];
    for (const raw of arr(items)) {
      const it = obj(raw);
      if (!it) continue;
      const itemName = str(it.name, 'Untitled');
      const where = `${path} / ${itemName}`;
      noteEvents(it, where, skipped);
      if (Array.isArray(it.item)) {
        const folderAuth = authFrom(it.auth, where, skipped) ?? inherited;
        const folder: CollectionFolder = { name: itemName, items: walk(it.item, where, folderAuth) };
        const d = description(it.description);
        if (d) folder.description = d;
        if (arr(it.variable).length) skipped.push({ where: `${where} › variables`, reason: 'folder-level variables are not supported' });
        out.push({ kind: 'folder', ...folder });
        continue;
      }
      const req = typeof it.request === 'string' ? { url: it.request, method: 'GET' } : obj(it.request);
      if (!req) {
        skipped.push({ where, reason: 'item has neither a request nor sub-items' });
        continue;
      }
      const auth = authFrom(req.auth, where, skipped) ?? inherited;
      const spec = makeSpec({
        name: itemName,
        method: str(req.method, 'GET').toUpperCase(),
        url: urlFrom(req.url, where, skipped),
        headers: headersFrom(req.header),
        body: bodyFrom(req.body, where, skipped),
        auth,
        settings: settingsFrom(it.protocolProfileBehavior),
      });
      const responses = arr(it.response).length;
      if (responses) skipped.push({ where: `${where} › examples`, reason: `${responses} saved example response(s) are not imported` });
      const d = description(req.description ?? it.description);
      out.push({ kind: 'request', name: itemName, ...(d ? { description: d } : {}), spec });
    }
    return out;
  };

  const collection: Collection = {
    name,
    items: walk(root.item, name, rootAuth),
    variables: variablesFrom(root.variable, name, skipped),
  };
  const d = description(info.description);
  if (d) collection.description = d;
  if (rootAuth.kind !== 'none') collection.auth = rootAuth;
  return { format: 'postman', collection, environments: [], skipped };
}

export function importPostmanEnvironment(doc: unknown): ImportResult {
  const root = obj(doc);
  if (!root) throw new SwitchboardError('IMPORT_INVALID', 'Not a Postman environment.');
  const skipped: SkippedItem[] = [];
  const name = str(root.name, 'Imported environment');
  const env: Environment = { name, variables: variablesFrom(root.values, name, skipped) };
  return { format: 'postman-environment', collection: { name, items: [], variables: [] }, environments: [env], skipped };
}

// ---- Export ----

function kvExport(items: KeyValue[]): Json[] {
  return items.map((h) => {
    const o: Json = { key: h.name, value: h.value };
    if (!h.enabled) o.disabled = true;
    if (h.description) o.description = h.description;
    return o;
  });
}

function authExport(auth: RequestAuth): Json | undefined {
  const p = (pairs: Array<[string, string]>): Json[] => pairs.map(([key, value]) => ({ key, value, type: 'string' }));
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'basic':
      return { type: 'basic', basic: p([['username', auth.username], ['password', auth.password]]) };
    case 'digest':
      return { type: 'digest', digest: p([['username', auth.username], ['password', auth.password]]) };
    case 'bearer':
      return { type: 'bearer', bearer: p([['token', auth.token]]) };
    case 'apikey':
      return { type: 'apikey', apikey: p([['key', auth.key], ['value', auth.value], ['in', auth.in]]) };
  }
}

/** Postman's structured URL; {{var}} hosts stay whole, as Postman writes them. */
export function postmanUrl(raw: string): Json {
  const out: Json = { raw };
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/?#]*)([^?#]*)(?:\?([^#]*))?/i.exec(raw);
  if (!m) return out;
  if (m[1]) out.protocol = m[1];
  const hostPort = m[2] ?? '';
  const portMatch = /^(.*?)(?::(\d+|\{\{[^}]+\}\}))?$/.exec(hostPort);
  const host = portMatch?.[1] ?? hostPort;
  if (host) out.host = /^\{\{.*\}\}$/.test(host) ? [host] : host.split('.');
  if (portMatch?.[2]) out.port = portMatch[2];
  const path = (m[3] ?? '').replace(/^\//, '');
  if (m[3]) out.path = path.split('/');
  if (m[4] !== undefined && m[4] !== '') {
    out.query = m[4].split('&').map((pair) => {
      const i = pair.indexOf('=');
      return i >= 0 ? { key: pair.slice(0, i), value: pair.slice(i + 1) } : { key: pair, value: null };
    });
  }
  return out;
}

function bodyExport(body: RequestBody, skipped: SkippedItem[], where: string): Json | undefined {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'json':
      return { mode: 'raw', raw: body.text, options: { raw: { language: 'json' } } };
    case 'xml':
      return { mode: 'raw', raw: body.text, options: { raw: { language: 'xml' } } };
    case 'text':
      return { mode: 'raw', raw: body.text, options: { raw: { language: body.contentType?.includes('html') ? 'html' : 'text' } } };
    case 'form':
      return { mode: 'urlencoded', urlencoded: kvExport(body.fields) };
    case 'multipart':
      return {
        mode: 'formdata',
        formdata: body.parts.map((part) => {
          const o: Json = part.kind === 'text' ? { key: part.name, value: part.value, type: 'text' } : { key: part.name, src: part.path, type: 'file' };
          if (!part.enabled) o.disabled = true;
          if (part.contentType) o.contentType = part.contentType;
          return o;
        }),
      };
    case 'binary':
      return { mode: 'file', file: { src: body.path } };
    case 'graphql':
      return { mode: 'graphql', graphql: { query: body.query, variables: body.variables } };
    case 'raw': {
      const text = bodyText(body);
      if (text === null) {
        skipped.push({ where, reason: 'binary body bytes cannot be written into a Postman collection' });
        return undefined;
      }
      return { mode: 'raw', raw: text };
    }
  }
}

function requestExport(spec: RequestSpec, where: string, skipped: SkippedItem[]): Json {
  const headers = [...spec.headers];
  // Postman has no per-body content type for raw text and binary: carry it as a header.
  const b = spec.body;
  if ((b.kind === 'text' || b.kind === 'binary' || b.kind === 'raw') && b.contentType && !headers.some((h) => h.name.toLowerCase() === 'content-type')) {
    headers.push({ name: 'Content-Type', value: b.contentType, enabled: true });
  }
  const req: Json = { method: spec.method, header: kvExport(headers), url: postmanUrl(spec.url) };
  const body = bodyExport(spec.body, skipped, where);
  if (body) req.body = body;
  const auth = authExport(spec.auth);
  req.auth = auth ?? { type: 'noauth' };
  return req;
}

function variablesExport(vars: VariableDef[]): Json[] {
  return vars.map((v) => {
    const o: Json = { key: v.name, value: v.secret ? '' : v.value, type: v.secret ? 'secret' : 'string' };
    if (!v.enabled) o.disabled = true;
    if (v.description) o.description = v.description;
    return o;
  });
}

/** A collection as Postman v2.1 JSON; what cannot be carried is listed. */
export function exportPostman(collection: Collection): { doc: Json; skipped: SkippedItem[] } {
  const skipped: SkippedItem[] = [];
  const items = (list: CollectionItem[], path: string): Json[] =>
    list.map((it) => {
      const where = `${path} / ${it.name}`;
      if (it.kind === 'folder') {
        const o: Json = { name: it.name, item: items(it.items, where) };
        if (it.description) o.description = it.description;
        return o;
      }
      const o: Json = { name: it.name, request: requestExport(it.spec, where, skipped) };
      if (it.description) (o.request as Json).description = it.description;
      const s = it.spec.settings;
      const ppb: Json = {};
      if (!s.followRedirects) ppb.followRedirects = false;
      if (s.maxRedirects !== 10) ppb.maxRedirects = s.maxRedirects;
      if (!s.verifyTls) ppb.strictSSL = false;
      if (Object.keys(ppb).length) o.protocolProfileBehavior = ppb;
      if (s.proxy) skipped.push({ where, reason: 'per-request proxy has no Postman equivalent' });
      return o;
    });
  const info: Json = { name: collection.name, schema: POSTMAN_SCHEMA_V21 };
  if (collection.description) info.description = collection.description;
  const doc: Json = { info, item: items(collection.items, collection.name) };
  if (collection.variables.length) doc.variable = variablesExport(collection.variables);
  const auth = collection.auth ? authExport(collection.auth) : undefined;
  if (auth) doc.auth = auth;
  return { doc, skipped };
}

export function exportPostmanEnvironment(env: Environment): Json {
  return {
    name: env.name,
    values: env.variables.map((v) => ({ key: v.name, value: v.secret ? '' : v.value, type: v.secret ? 'secret' : 'default', enabled: v.enabled })),
    _postman_variable_scope: 'environment',
  };
}
