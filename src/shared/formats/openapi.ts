import { sample } from 'openapi-sampler';
import type { KeyValue, MultipartPart, RequestAuth, RequestBody } from '../model/http';
import type { Collection, CollectionFolder, CollectionItem, ImportResult, SkippedItem, VariableDef } from '../model/workspace';
import { SwitchboardError } from '../errors';
import { makeSpec } from './specHelpers';
import { type Json, obj, arr, str } from './json';

// OpenAPI 3.0/3.1 → one request per operation, grouped in folders by first tag. The server URL
// becomes the collection variable {{baseUrl}}; path parameters become {{name}} variables with
// their example or default as value; example bodies come from `example`/`examples`, else are
// generated from the schema by openapi-sampler. Only local "#/…" references are followed; external
// ones are listed in `skipped` (an import never reaches the network).

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function isOpenApi(doc: unknown): boolean {
  const o = obj(doc);
  return !!o && (typeof o.openapi === 'string' || typeof o.swagger === 'string') && !!obj(o.paths);
}

function makeResolver(doc: Json, skipped: SkippedItem[]): (v: unknown, where: string) => Json | null {
  return (v, where) => {
    let cur = obj(v);
    for (let hops = 0; cur && typeof cur.$ref === 'string' && hops < 20; hops++) {
      const ref = cur.$ref;
      if (!ref.startsWith('#/')) {
        skipped.push({ where, reason: `external reference ${ref} is not followed` });
        return null;
      }
      let target: unknown = doc;
      for (const seg of ref.slice(2).split('/')) {
        const key = decodeURIComponent(seg).replace(/~1/g, '/').replace(/~0/g, '~');
        target = obj(target)?.[key];
      }
      if (target === undefined) {
        skipped.push({ where, reason: `reference ${ref} points nowhere` });
        return null;
      }
      cur = obj(target);
    }
    return cur;
  };
}

function exampleOf(media: Json | null, doc: Json, resolve: (v: unknown, where: string) => Json | null, where: string, skipped: SkippedItem[]): unknown {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const examples = obj(media.examples);
  if (examples) {
    for (const ex of Object.values(examples)) {
      const e = resolve(ex, where);
      if (e && e.value !== undefined) return e.value;
    }
  }
  const schema = obj(media.schema);
  if (!schema) return undefined;
  try {
    return sample(schema as Parameters<typeof sample>[0], { skipReadOnly: true, quiet: true }, doc);
  } catch (err) {
    skipped.push({ where, reason: `no example could be generated from the schema: ${err instanceof Error ? err.message : String(err)}` });
    return undefined;
  }
}

function paramValue(p: Json, resolve: (v: unknown, where: string) => Json | null, where: string): string {
  const direct = p.example ?? obj(p.schema)?.example ?? obj(p.schema)?.default;
  let v: unknown = direct;
  if (v === undefined && obj(p.examples)) {
    for (const ex of Object.values(obj(p.examples) ?? {})) {
      const e = resolve(ex, where);
      if (e?.value !== undefined) {
        v = e.value;
        break;
      }
    }
  }
  if (v === undefined) {
    const enumFirst = arr(obj(p.schema)?.enum)[0];
    if (enumFirst !== undefined) v = enumFirst;
  }
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => str(x)).join(',');
  return typeof v === 'object' ? JSON.stringify(v) : str(v);
}

function serverUrl(doc: Json, skipped: SkippedItem[]): string {
  const servers = arr(doc.servers).map(obj).filter((s): s is Json => !!s);
  const first = servers[0];
  if (servers.length > 1) skipped.push({ where: 'servers', reason: `${servers.length - 1} more server(s) not used; {{baseUrl}} is the first` });
  if (!first) return 'http://localhost';
  let url = str(first.url, '/');
  const vars = obj(first.variables) ?? {};
  url = url.replace(/\{([^}]+)\}/g, (_m, name: string) => str(obj(vars[name])?.default, `{{${name}}}`));
  return url.replace(/\/+$/, '');
}

function securityAuth(doc: Json, requirement: unknown, where: string, skipped: SkippedItem[], resolve: (v: unknown, where: string) => Json | null): { auth: RequestAuth; vars: VariableDef[] } {
  const schemes = obj(obj(doc.components)?.securitySchemes) ?? {};
  for (const req of arr(requirement)) {
    const names = Object.keys(obj(req) ?? {});
    if (names.length === 0) return { auth: { kind: 'none' }, vars: [] };
    for (const name of names) {
      const s = resolve(schemes[name], `${where} › security`);
      if (!s) continue;
      const type = str(s.type);
      const scheme = str(s.scheme).toLowerCase();
      if (type === 'http' && scheme === 'basic') {
        return {
          auth: { kind: 'basic', username: '{{username}}', password: '{{password}}' },
          vars: [{ name: 'username', value: '', enabled: true }, { name: 'password', value: '', enabled: true, secret: true }],
        };
      }
      if (type === 'http' && scheme === 'bearer') return { auth: { kind: 'bearer', token: '{{bearerToken}}' }, vars: [{ name: 'bearerToken', value: '', enabled: true, secret: true }] };
      if (type === 'http' && scheme === 'digest') {
        return {
          auth: { kind: 'digest', username: '{{username}}', password: '{{password}}' },
          vars: [{ name: 'username', value: '', enabled: true }, { name: 'password', value: '', enabled: true, secret: true }],
        };
      }
      if (type === 'apiKey' && (s.in === 'header' || s.in === 'query')) {
        return { auth: { kind: 'apikey', key: str(s.name), value: '{{apiKey}}', in: s.in }, vars: [{ name: 'apiKey', value: '', enabled: true, secret: true }] };
      }
      skipped.push({ where: `${where} › security "${name}"`, reason: `${type}${scheme ? ` ${scheme}` : ''} security is not supported; set the auth by hand` });
    }
  }
  return { auth: { kind: 'none' }, vars: [] };
}

function bodyFor(
  rb: Json | null,
  doc: Json,
  resolve: (v: unknown, where: string) => Json | null,
  where: string,
  skipped: SkippedItem[],
  headers: KeyValue[],
): RequestBody {
  const content = obj(rb?.content);
  if (!content) return { kind: 'none' };
  const types = Object.keys(content);
  const pick = types.find((t) => t === 'application/json') ?? types.find((t) => /json/.test(t)) ?? types[0];
  if (!pick) return { kind: 'none' };
  if (types.length > 1) skipped.push({ where: `${where} › body`, reason: `used ${pick}; other media types (${types.filter((t) => t !== pick).join(', ')}) not imported` });
  const media = resolve(content[pick], `${where} › body`);
  const ex = exampleOf(media, doc, resolve, `${where} › body`, skipped);
  if (pick === 'application/json') return { kind: 'json', text: ex === undefined ? '' : JSON.stringify(ex, null, 2) };
  if (/json/.test(pick)) {
    headers.push({ name: 'Content-Type', value: pick, enabled: true });
    return { kind: 'text', text: ex === undefined ? '' : JSON.stringify(ex, null, 2), contentType: pick };
  }
  const fields = obj(ex) ?? {};
  if (pick === 'application/x-www-form-urlencoded') {
    return { kind: 'form', fields: Object.entries(fields).map(([name, v]) => ({ name, value: typeof v === 'object' ? JSON.stringify(v) : str(v), enabled: true })) };
  }
  if (pick === 'multipart/form-data') {
    const props = obj(resolve(media?.schema, `${where} › body`)?.properties) ?? {};
    const parts: MultipartPart[] = [];
    for (const [name, v] of Object.entries(fields)) {
      const prop = resolve(props[name], `${where} › body`);
      if (str(prop?.format) === 'binary' || str(prop?.contentMediaType)) {
        parts.push({ kind: 'file', name, path: '', enabled: true });
        skipped.push({ where: `${where} › body › ${name}`, reason: 'file field: choose a file before sending' });
      } else parts.push({ kind: 'text', name, value: typeof v === 'object' ? JSON.stringify(v) : str(v), enabled: true });
    }
    return { kind: 'multipart', parts };
  }
  if (/xml/.test(pick)) return { kind: 'xml', text: typeof ex === 'string' ? ex : '' };
  if (pick === 'application/octet-stream' || pick.startsWith('image/') || pick.startsWith('audio/') || pick.startsWith('video/')) {
    skipped.push({ where: `${where} › body`, reason: `${pick} body: choose a file before sending` });
    return { kind: 'binary', path: '', contentType: pick };
  }
  return { kind: 'text', text: typeof ex === 'string' ? ex : ex === undefined ? '' : JSON.stringify(ex), contentType: pick };
}

export function importOpenApi(doc: unknown): ImportResult {
  const root = obj(doc);
  if (!root || !isOpenApi(root)) throw new SwitchboardError('IMPORT_INVALID', 'Not an OpenAPI document: no "openapi" version and "paths".');
  if (typeof root.swagger === 'string') {
    throw new SwitchboardError('IMPORT_UNSUPPORTED', `Swagger ${root.swagger} is not supported; convert it to OpenAPI 3 first.`);
  }
  if (!/^3\./.test(str(root.openapi))) throw new SwitchboardError('IMPORT_UNSUPPORTED', `OpenAPI ${str(root.openapi)} is not supported (3.x is).`);
  const skipped: SkippedItem[] = [];
  const resolve = makeResolver(root, skipped);
  const info = obj(root.info) ?? {};
  const name = str(info.title, 'OpenAPI import');
  const variables: VariableDef[] = [{ name: 'baseUrl', value: serverUrl(root, skipped), enabled: true }];
  const varNames = new Set(['baseUrl']);
  const addVar = (v: VariableDef): void => {
    if (varNames.has(v.name)) return;
    varNames.add(v.name);
    variables.push(v);
  };
  const folders = new Map<string, CollectionFolder>();
  const top: CollectionItem[] = [];
  const folderOrder: string[] = [];

  const paths = obj(root.paths) ?? {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = resolve(rawItem, path);
    if (!item) continue;
    if (obj(item.servers)) skipped.push({ where: path, reason: 'path-level servers are not used' });
    const pathParams = arr(item.parameters);
    for (const method of METHODS) {
      const op = obj(item[method]);
      if (!op) continue;
      const opName = str(op.summary) || str(op.operationId) || `${method.toUpperCase()} ${path}`;
      const where = `${method.toUpperCase()} ${path}`;
      if (op.deprecated === true) skipped.push({ where, reason: 'deprecated operation (imported anyway)' });
      // Operation parameters override path-item parameters with the same name and location.
      const params = new Map<string, Json>();
      for (const raw of [...pathParams, ...arr(op.parameters)]) {
        const p = resolve(raw, where);
        if (p) params.set(`${str(p.in)}:${str(p.name)}`, p);
      }
      const headers: KeyValue[] = [];
      const query: string[] = [];
      const cookies: string[] = [];
      for (const p of params.values()) {
        const pname = str(p.name);
        const value = paramValue(p, resolve, `${where} › ${pname}`);
        switch (p.in) {
          case 'path':
            addVar({ name: pname, value, enabled: true, ...(str(p.description) ? { description: str(p.description) } : {}) });
            break;
          case 'query':
            if (p.required === true || value !== '') query.push(`${encodeURIComponent(pname)}=${encodeURIComponent(value).replace(/%7B%7B|%7D%7D/g, (m) => (m === '%7B%7B' ? '{{' : '}}'))}`);
            else skipped.push({ where: `${where} › query "${pname}"`, reason: 'optional parameter without example: left out of the URL' });
            break;
          case 'header':
            headers.push({ name: pname, value, enabled: p.required === true || value !== '', ...(str(p.description) ? { description: str(p.description) } : {}) });
            break;
          case 'cookie':
            cookies.push(`${pname}=${value}`);
            break;
          default:
            skipped.push({ where: `${where} › ${pname}`, reason: `parameter location "${str(p.in)}" is not supported` });
        }
      }
      if (cookies.length) headers.push({ name: 'Cookie', value: cookies.join('; '), enabled: true });
      const rb = resolve(op.requestBody, where);
      const body = bodyFor(rb, root, resolve, where, skipped, headers);
      const security = op.security !== undefined ? op.security : root.security;
      const { auth, vars } = securityAuth(root, security, where, skipped, resolve);
      for (const v of vars) addVar(v);
      const urlPath = path.replace(/\{([^}]+)\}/g, '{{$1}}');
      const url = `{{baseUrl}}${urlPath}${query.length ? `?${query.join('&')}` : ''}`;
      const description = [str(op.description)].filter(Boolean).join('\n');
      const spec = makeSpec({ name: opName, method: method.toUpperCase(), url, headers, body, auth });
      if (op.callbacks) skipped.push({ where, reason: 'callbacks are not imported' });
      const req: CollectionItem = { kind: 'request', name: opName, ...(description ? { description } : {}), spec };
      const tag = str(arr(op.tags)[0]);
      if (tag) {
        let folder = folders.get(tag);
        if (!folder) {
          const tagInfo = arr(root.tags).map(obj).find((t) => str(t?.name) === tag);
          folder = { name: tag, items: [], ...(str(tagInfo?.description) ? { description: str(tagInfo?.description) } : {}) };
          folders.set(tag, folder);
          folderOrder.push(tag);
        }
        folder.items.push(req);
      } else top.push(req);
    }
  }
  if (obj(root.webhooks) && Object.keys(obj(root.webhooks) ?? {}).length) {
    skipped.push({ where: 'webhooks', reason: 'webhooks describe requests the API sends, not ones to send; not imported' });
  }
  const items: CollectionItem[] = [...folderOrder.map((t) => ({ kind: 'folder' as const, ...(folders.get(t) as CollectionFolder) })), ...top];
  const collection: Collection = { name, items, variables };
  const d = str(info.description);
  if (d) collection.description = d;
  return { format: 'openapi', collection, environments: [], skipped };
}
