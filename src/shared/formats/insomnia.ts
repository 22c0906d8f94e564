import type { KeyValue, MultipartPart, RequestAuth, RequestBody } from '../model/http';
import type { Collection, CollectionFolder, CollectionItem, Environment, ImportResult, SkippedItem, VariableDef } from '../model/workspace';
import { SwitchboardError } from '../errors';
import { bodyFromContentType, makeSpec } from './specHelpers';
import { type Json, obj, arr, str } from './json';

// Insomnia export format v4 (Insomnia "Export Data" JSON, also written by v2023+ as v4). Resources
// are a flat list linked by parentId: workspace → request_group (folders) → request, and
// environment (base, then sub-environments). Template tags ({% … %}), gRPC and WebSocket requests,
// and folder environments are listed in `skipped`.

export function isInsomniaExport(doc: unknown): boolean {
  const o = obj(doc);
  return !!o && o._type === 'export' && Array.isArray(o.resources);
}

/** `{{ _.name }}` (Insomnia ≥ 2020) and `{{ name }}` both become `{{name}}`. */
function vars(text: string, where: string, skipped: SkippedItem[]): string {
  if (/\{%/.test(text)) skipped.push({ where, reason: 'template tags ({% … %}) are not supported; left as written' });
  return text.replace(/\{\{\s*_\.([^{}\s]+)\s*\}\}/g, '{{$1}}').replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, '{{$1}}');
}

function flatten(data: unknown, prefix: string, out: VariableDef[]): void {
  const o = obj(data);
  if (!o) return;
  for (const [k, v] of Object.entries(o)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (obj(v)) flatten(v, name, out);
    else out.push({ name, value: typeof v === 'string' ? v.replace(/\{\{\s*_\.([^{}\s]+)\s*\}\}/g, '{{$1}}') : JSON.stringify(v), enabled: true });
  }
}

function authFrom(raw: unknown, where: string, skipped: SkippedItem[]): RequestAuth {
  const a = obj(raw);
  if (!a || a.disabled === true) return { kind: 'none' };
  const s = (v: unknown): string => vars(str(v), `${where} › auth`, skipped);
  switch (str(a.type)) {
    case '':
    case 'none':
      return { kind: 'none' };
    case 'basic':
      return { kind: 'basic', username: s(a.username), password: s(a.password) };
    case 'digest':
      return { kind: 'digest', username: s(a.username), password: s(a.password) };
    case 'bearer': {
      const prefix = str(a.prefix);
      if (prefix && prefix !== 'Bearer') skipped.push({ where: `${where} › auth`, reason: `bearer prefix "${prefix}" replaced by "Bearer"` });
      return { kind: 'bearer', token: s(a.token) };
    }
    case 'apikey':
      return { kind: 'apikey', key: s(a.key), value: s(a.value), in: a.addTo === 'queryParams' ? 'query' : 'header' };
    default:
      skipped.push({ where: `${where} › auth`, reason: `"${str(a.type)}" auth is not supported` });
      return { kind: 'none' };
  }
}

function bodyFrom(raw: unknown, headers: KeyValue[], where: string, skipped: SkippedItem[]): RequestBody {
  const b = obj(raw);
  if (!b) return { kind: 'none' };
  const mime = str(b.mimeType);
  const s = (v: unknown): string => vars(str(v), `${where} › body`, skipped);
  if (mime === 'application/x-www-form-urlencoded') {
    return {
      kind: 'form',
      fields: arr(b.params)
        .map(obj)
        .filter((p): p is Json => !!p)
        .map((p) => ({ name: s(p.name), value: s(p.value), enabled: p.disabled !== true })),
    };
  }
  if (mime === 'multipart/form-data') {
    const parts: MultipartPart[] = [];
    for (const raw of arr(b.params)) {
      const p = obj(raw);
      if (!p) continue;
      const enabled = p.disabled !== true;
      if (p.type === 'file') parts.push({ kind: 'file', name: s(p.name), path: str(p.fileName), enabled });
      else parts.push({ kind: 'text', name: s(p.name), value: s(p.value), enabled });
    }
    return { kind: 'multipart', parts };
  }
  if (mime === 'application/graphql') {
    try {
      const g = obj(JSON.parse(str(b.text)));
      const variables = g?.variables === undefined ? '' : JSON.stringify(g.variables, null, 2);
      return { kind: 'graphql', query: s(g?.query), variables, ...(g?.operationName ? { operationName: str(g.operationName) } : {}) };
    } catch {
      return { kind: 'text', text: s(b.text), contentType: 'application/json' };
    }
  }
  if (typeof b.fileName === 'string' && b.fileName) return { kind: 'binary', path: b.fileName, ...(mime ? { contentType: mime } : {}) };
  if (typeof b.text === 'string') {
    const ct = mime || headers.find((h) => h.name.toLowerCase() === 'content-type')?.value || null;
    return bodyFromContentType(s(b.text), ct);
  }
  return { kind: 'none' };
}

export function importInsomnia(doc: unknown): ImportResult {
  const root = obj(doc);
  if (!root || !isInsomniaExport(root)) throw new SwitchboardError('IMPORT_INVALID', 'Not an Insomnia export (expected _type "export" and resources).');
  const format = Number(root.__export_format);
  if (format && format !== 4) throw new SwitchboardError('IMPORT_UNSUPPORTED', `Insomnia export format ${format} is not supported (v4 is).`);
  const skipped: SkippedItem[] = [];
  const resources = arr(root.resources).map(obj).filter((r): r is Json => !!r);
  const children = new Map<string, Json[]>();
  for (const r of resources) {
    const parent = str(r.parentId);
    const list = children.get(parent) ?? [];
    list.push(r);
    children.set(parent, list);
  }
  const workspaces = resources.filter((r) => r._type === 'workspace');
  const ws = workspaces[0];
  if (workspaces.length > 1) skipped.push({ where: 'workspaces', reason: `only the first of ${workspaces.length} workspaces was imported` });
  const rootId = ws ? str(ws._id) : '';
  const sortKey = (r: Json): number => (typeof r.metaSortKey === 'number' ? r.metaSortKey : 0);

  const walk = (parentId: string, path: string): CollectionItem[] => {
    const out: CollectionItem[] = [];
    const kids = [...(children.get(parentId) ?? [])].sort((a, b) => sortKey(a) - sortKey(b));
    for (const r of kids) {
      const name = str(r.name, 'Untitled');
      const where = `${path} / ${name}`;
      switch (r._type) {
        case 'request_group': {
          const folder: CollectionFolder = { name, items: walk(str(r._id), where) };
          if (typeof r.description === 'string' && r.description) folder.description = r.description;
          if (obj(r.environment) && Object.keys(obj(r.environment) ?? {}).length) {
            skipped.push({ where: `${where} › environment`, reason: 'folder environments are not supported' });
          }
          out.push({ kind: 'folder', ...folder });
          break;
        }
        case 'request': {
          const s = (v: unknown, w: string): string => vars(str(v), `${where} › ${w}`, skipped);
          const headers: KeyValue[] = arr(r.headers)
            .map(obj)
            .filter((h): h is Json => !!h)
            .map((h) => ({ name: s(h.name, 'headers'), value: s(h.value, 'headers'), enabled: h.disabled !== true }));
          let url = s(r.url, 'url');
          const params = arr(r.parameters)
            .map(obj)
            .filter((p): p is Json => !!p && p.disabled !== true);
          if (params.length) {
            const q = params.map((p) => `${encodeURIComponent(s(p.name, 'query'))}=${encodeURIComponent(s(p.value, 'query'))}`).join('&');
            url += (url.includes('?') ? '&' : '?') + q;
          }
          const settings: { followRedirects?: boolean; verifyTls?: boolean; timeoutMs?: number } = {};
          if (r.settingFollowRedirects === 'off') settings.followRedirects = false;
          if (r.settingFollowRedirects === 'on') settings.followRedirects = true;
          const spec = makeSpec({
            name,
            method: str(r.method, 'GET').toUpperCase(),
            url,
            headers,
            body: bodyFrom(r.body, headers, where, skipped),
            auth: authFrom(r.authentication, where, skipped),
            settings,
          });
          const d = typeof r.description === 'string' && r.description ? r.description : undefined;
          out.push({ kind: 'request', name, ...(d ? { description: d } : {}), spec });
          break;
        }
        case 'grpc_request':
        case 'websocket_request':
        case 'socketio_request':
          skipped.push({ where, reason: `${str(r._type).replace('_', ' ')} is not an HTTP request` });
          break;
        default:
          break;
      }
    }
    return out;
  };

  const name = ws ? str(ws.name, 'Insomnia workspace') : 'Insomnia export';
  const items = walk(rootId, name);
  // Requests whose parent is not in the file (partial exports) are still imported at the top.
  if (!ws) {
    const known = new Set(resources.map((r) => str(r._id)));
    for (const [parent] of children) if (parent !== rootId && !known.has(parent)) items.push(...walk(parent, name));
  }

  // The base environment (child of the workspace) becomes collection variables; its
  // sub-environments become environments.
  const collectionVars: VariableDef[] = [];
  const environments: Environment[] = [];
  const envs = resources.filter((r) => r._type === 'environment');
  const base = envs.find((e) => str(e.parentId) === rootId) ?? envs.find((e) => str(e.parentId).startsWith('wrk_'));
  if (base) flatten(base.data, '', collectionVars);
  for (const e of envs) {
    if (e === base) continue;
    const vs: VariableDef[] = [];
    flatten(e.data, '', vs);
    if (base && str(e.parentId) !== str(base._id)) continue;
    environments.push({ name: str(e.name, 'Environment'), variables: vs });
  }
  for (const r of resources) {
    if (r._type === 'cookie_jar' && arr(r.cookies).length) skipped.push({ where: 'cookie jar', reason: `${arr(r.cookies).length} cookie(s) are not imported` });
    if (r._type === 'api_spec' && str(r.contents)) skipped.push({ where: 'API spec', reason: 'import the OpenAPI document on its own to get its requests' });
    if (r._type === 'unit_test_suite' || r._type === 'unit_test') skipped.push({ where: str(r.name, 'unit test'), reason: 'tests are not supported' });
  }
  const collection: Collection = { name, items, variables: collectionVars };
  if (ws && typeof ws.description === 'string' && ws.description) collection.description = ws.description;
  return { format: 'insomnia', collection, environments, skipped };
}
