import { z } from 'zod';
import {
  DEFAULT_REQUEST_SETTINGS,
  keyValueSchema,
  requestAuthSchema,
  requestBodySchema,
  requestSettingsSchema,
  type KeyValue,
  type RequestSettings,
  type RequestSpec,
} from '../model/http';
import {
  variableDefSchema,
  type Collection,
  type CollectionFolder,
  type CollectionItem,
  type Environment,
  type SkippedItem,
  type TreeNode,
  type VariableDef,
} from '../model/workspace';
import { slugify, uniqueName } from './specHelpers';

// The on-disk format of a workspace, as plain files a team can keep in git (after Bruno):
//
//   <workspace>/switchboard.json                 { name, globals }           (optional)
//   <workspace>/environments/<slug>.env.json     { name, variables }
//   <workspace>/<collection>/collection.json     { name, description, variables, auth, order }
//   <workspace>/<collection>/<folder>/folder.json { name, description, order }
//   <workspace>/<collection>/…/<slug>.request.json { name, description, method, url, headers, body, auth, settings }
//
// Keys are always written in the same order, settings only where they differ from the defaults, and
// no ids or timestamps, so saving an unchanged request rewrites the same bytes. `order` lists the
// entries of a folder (request file stems and sub-folder names); entries missing from it follow in
// name order, so a file added by hand or by `git pull` still shows up. Secret variable values are
// never written: only `"secret": true` and an empty value.

export const COLLECTION_FILE = 'collection.json';
export const FOLDER_FILE = 'folder.json';
export const WORKSPACE_FILE = 'switchboard.json';
export const ENVIRONMENTS_DIR = 'environments';
export const REQUEST_SUFFIX = '.request.json';
export const ENV_SUFFIX = '.env.json';

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function kvOut(items: KeyValue[]): Array<Record<string, unknown>> {
  return items.map((h) => {
    const o: Record<string, unknown> = { name: h.name, value: h.value };
    if (!h.enabled) o.enabled = false;
    if (h.description) o.description = h.description;
    return o;
  });
}

function varsOut(vars: VariableDef[]): Array<Record<string, unknown>> {
  return vars.map((v) => {
    const o: Record<string, unknown> = { name: v.name, value: v.secret ? '' : v.value };
    if (!v.enabled) o.enabled = false;
    if (v.secret) o.secret = true;
    if (v.description) o.description = v.description;
    return o;
  });
}

function settingsOut(s: RequestSettings): Record<string, unknown> | undefined {
  const o: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_REQUEST_SETTINGS) as Array<keyof RequestSettings>) {
    if (s[key] !== DEFAULT_REQUEST_SETTINGS[key]) o[key] = s[key];
  }
  return Object.keys(o).length ? o : undefined;
}

function bodyOut(body: RequestSpec['body']): Record<string, unknown> {
  switch (body.kind) {
    case 'form':
      return { kind: 'form', fields: kvOut(body.fields) };
    case 'multipart':
      return {
        kind: 'multipart',
        parts: body.parts.map((p) => {
          const o: Record<string, unknown> = { kind: p.kind, name: p.name };
          if (p.kind === 'text') o.value = p.value;
          else {
            o.path = p.path;
            if (p.filename !== undefined) o.filename = p.filename;
          }
          if (p.contentType) o.contentType = p.contentType;
          if (!p.enabled) o.enabled = false;
          return o;
        }),
      };
    case 'graphql': {
      const o: Record<string, unknown> = { kind: 'graphql', query: body.query, variables: body.variables };
      if (body.operationName) o.operationName = body.operationName;
      return o;
    }
    default: {
      // Fixed order: kind first, then the fields in the order the model declares them.
      const { kind, ...rest } = body;
      return { kind, ...rest };
    }
  }
}

export interface RequestFile {
  name: string;
  description?: string;
  spec: RequestSpec;
}

export function stringifyRequest(req: RequestFile): string {
  const o: Record<string, unknown> = { name: req.name };
  if (req.description) o.description = req.description;
  o.method = req.spec.method;
  o.url = req.spec.url;
  o.headers = kvOut(req.spec.headers);
  o.body = bodyOut(req.spec.body);
  const { kind, ...authRest } = req.spec.auth;
  o.auth = { kind, ...authRest };
  const settings = settingsOut(req.spec.settings);
  if (settings) o.settings = settings;
  return json(o);
}

const requestFileSchema = z.object({
  name: z.string().max(1000).default(''),
  description: z.string().max(100_000).optional(),
  method: z.string().min(1).max(64).default('GET'),
  url: z.string().max(1024 * 1024).default(''),
  headers: z.array(keyValueSchema).max(10_000).default([]),
  body: requestBodySchema.default({ kind: 'none' }),
  auth: requestAuthSchema.default({ kind: 'none' }),
  settings: requestSettingsSchema.partial().default({}),
});

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${what} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function issues(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Throws an Error with a readable message when the file is not a request. */
export function parseRequest(text: string, fallbackName: string): RequestFile {
  const parsed = requestFileSchema.safeParse(parseJson(text, 'The request file'));
  if (!parsed.success) throw new Error(`The request file does not match the format: ${issues(parsed.error)}`);
  const d = parsed.data;
  const name = d.name || fallbackName;
  const spec: RequestSpec = {
    name,
    method: d.method,
    url: d.url,
    headers: d.headers,
    body: d.body,
    auth: d.auth,
    settings: { ...DEFAULT_REQUEST_SETTINGS, ...stripUndefined(d.settings) },
  };
  return d.description ? { name, description: d.description, spec } : { name, spec };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

export interface FolderMeta {
  name: string;
  description?: string;
  order: string[];
}

export interface CollectionMeta extends FolderMeta {
  variables: VariableDef[];
  auth?: RequestSpec['auth'];
}

export function stringifyFolderMeta(meta: FolderMeta): string {
  const o: Record<string, unknown> = { name: meta.name };
  if (meta.description) o.description = meta.description;
  o.order = meta.order;
  return json(o);
}

export function stringifyCollectionMeta(meta: CollectionMeta): string {
  const o: Record<string, unknown> = { name: meta.name };
  if (meta.description) o.description = meta.description;
  o.variables = varsOut(meta.variables);
  if (meta.auth && meta.auth.kind !== 'none') {
    const { kind, ...rest } = meta.auth;
    o.auth = { kind, ...rest };
  }
  o.order = meta.order;
  return json(o);
}

const folderMetaSchema = z.object({
  name: z.string().max(1000).default(''),
  description: z.string().max(100_000).optional(),
  order: z.array(z.string().max(1000)).max(100_000).default([]),
});

const collectionMetaSchema = folderMetaSchema.extend({
  variables: z.array(variableDefSchema).max(10_000).default([]),
  auth: requestAuthSchema.optional(),
});

export function parseFolderMeta(text: string, fallbackName: string): FolderMeta {
  const parsed = folderMetaSchema.safeParse(parseJson(text, 'The folder file'));
  if (!parsed.success) throw new Error(`The folder file does not match the format: ${issues(parsed.error)}`);
  const d = parsed.data;
  return { name: d.name || fallbackName, ...(d.description ? { description: d.description } : {}), order: d.order };
}

export function parseCollectionMeta(text: string, fallbackName: string): CollectionMeta {
  const parsed = collectionMetaSchema.safeParse(parseJson(text, 'The collection file'));
  if (!parsed.success) throw new Error(`The collection file does not match the format: ${issues(parsed.error)}`);
  const d = parsed.data;
  const meta: CollectionMeta = { name: d.name || fallbackName, order: d.order, variables: d.variables.map(cleanVar) };
  if (d.description) meta.description = d.description;
  if (d.auth && d.auth.kind !== 'none') meta.auth = d.auth;
  return meta;
}

function cleanVar(v: z.output<typeof variableDefSchema>): VariableDef {
  const out: VariableDef = { name: v.name, value: v.secret ? '' : v.value, enabled: v.enabled };
  if (v.secret) out.secret = true;
  if (v.description) out.description = v.description;
  return out;
}

const environmentFileSchema = z.object({
  name: z.string().max(1000).default(''),
  variables: z.array(variableDefSchema).max(10_000).default([]),
});

export function stringifyEnvironment(env: Environment): string {
  return json({ name: env.name, variables: varsOut(env.variables) });
}

export function parseEnvironment(text: string, fallbackName: string): Environment {
  const parsed = environmentFileSchema.safeParse(parseJson(text, 'The environment file'));
  if (!parsed.success) throw new Error(`The environment file does not match the format: ${issues(parsed.error)}`);
  return { name: parsed.data.name || fallbackName, variables: parsed.data.variables.map(cleanVar) };
}

export interface WorkspaceMeta {
  name: string;
  globals: VariableDef[];
}

export function stringifyWorkspaceMeta(meta: WorkspaceMeta): string {
  return json({ name: meta.name, globals: varsOut(meta.globals) });
}

export function parseWorkspaceMeta(text: string, fallbackName: string): WorkspaceMeta {
  const parsed = z
    .object({ name: z.string().max(1000).default(''), globals: z.array(variableDefSchema).max(10_000).default([]) })
    .safeParse(parseJson(text, 'switchboard.json'));
  if (!parsed.success) throw new Error(`switchboard.json does not match the format: ${issues(parsed.error)}`);
  return { name: parsed.data.name || fallbackName, globals: parsed.data.globals.map(cleanVar) };
}

// ---- Whole collections ↔ files (used by import and by the CLI runner) ----

export interface FileEntry {
  /** Relative to the collection folder, '/'-separated. */
  path: string;
  text: string;
}

/** Request file stem (without .request.json) for a name, unique among `taken`. */
export function requestStem(name: string, taken: Set<string>): string {
  return uniqueName(slugify(name), taken);
}

/** The files of a collection, relative to its folder. */
export function collectionToFiles(collection: Collection): FileEntry[] {
  const files: FileEntry[] = [];
  const writeFolder = (folder: CollectionFolder, dir: string, isRoot: boolean): void => {
    const taken = new Set<string>([isRoot ? 'collection' : 'folder', ENVIRONMENTS_DIR]);
    const order: string[] = [];
    for (const item of folder.items) {
      const stem = requestStem(item.name, taken);
      taken.add(stem);
      order.push(stem);
      if (item.kind === 'folder') {
        writeFolder(item, `${dir}${stem}/`, false);
      } else {
        const req: RequestFile = { name: item.name, spec: item.spec };
        if (item.description) req.description = item.description;
        files.push({ path: `${dir}${stem}${REQUEST_SUFFIX}`, text: stringifyRequest(req) });
      }
    }
    if (isRoot) {
      const meta: CollectionMeta = { name: folder.name, order, variables: collection.variables };
      if (folder.description) meta.description = folder.description;
      if (collection.auth) meta.auth = collection.auth;
      files.push({ path: `${dir}${COLLECTION_FILE}`, text: stringifyCollectionMeta(meta) });
    } else {
      const meta: FolderMeta = { name: folder.name, order };
      if (folder.description) meta.description = folder.description;
      files.push({ path: `${dir}${FOLDER_FILE}`, text: stringifyFolderMeta(meta) });
    }
  };
  writeFolder(collection, '', true);
  return files;
}

/** Entries of a folder in display order: `order` first, then the rest by name. */
export function orderEntries(names: string[], order: string[]): string[] {
  const set = new Set(names);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const o of order) {
    if (set.has(o) && !seen.has(o)) {
      out.push(o);
      seen.add(o);
    }
  }
  const rest = names.filter((n) => !seen.has(n)).sort((a, b) => a.localeCompare(b));
  return [...out, ...rest];
}

/**
 * Rebuilds a collection from its files (paths relative to the collection folder). Files that
 * cannot be read become `problems`, and the rest still loads.
 */
export function filesToCollection(files: FileEntry[], fallbackName: string): { collection: Collection; problems: SkippedItem[] } {
  const problems: SkippedItem[] = [];
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  const load = (dir: string, isRoot: boolean, fallback: string): { folder: CollectionFolder; meta: CollectionMeta | null } => {
    const metaPath = `${dir}${isRoot ? COLLECTION_FILE : FOLDER_FILE}`;
    const metaText = byPath.get(metaPath);
    let meta: FolderMeta = { name: fallback, order: [] };
    let cmeta: CollectionMeta | null = null;
    if (metaText !== undefined) {
      try {
        if (isRoot) {
          cmeta = parseCollectionMeta(metaText, fallback);
          meta = cmeta;
        } else meta = parseFolderMeta(metaText, fallback);
      } catch (err) {
        problems.push({ where: metaPath, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    // Direct children of dir.
    const requests = new Map<string, string>();
    const folders = new Set<string>();
    for (const p of byPath.keys()) {
      if (!p.startsWith(dir)) continue;
      const rest = p.slice(dir.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) {
        const sub = rest.slice(0, slash);
        if (!(isRoot && sub === ENVIRONMENTS_DIR)) folders.add(sub);
      } else if (rest.endsWith(REQUEST_SUFFIX)) requests.set(rest.slice(0, -REQUEST_SUFFIX.length), p);
    }
    const items: CollectionItem[] = [];
    for (const entry of orderEntries([...new Set([...requests.keys(), ...folders])], meta.order)) {
      const reqPath = requests.get(entry);
      if (reqPath !== undefined) {
        try {
          const r = parseRequest(byPath.get(reqPath) ?? '', entry);
          items.push({ kind: 'request', name: r.name, ...(r.description ? { description: r.description } : {}), spec: r.spec });
        } catch (err) {
          problems.push({ where: reqPath, reason: err instanceof Error ? err.message : String(err) });
        }
      }
      if (folders.has(entry)) {
        const sub = load(`${dir}${entry}/`, false, entry).folder;
        items.push({ kind: 'folder', ...sub });
      }
    }
    const folder: CollectionFolder = { name: meta.name, items };
    if (meta.description) folder.description = meta.description;
    return { folder, meta: cmeta };
  };
  const { folder, meta } = load('', true, fallbackName);
  const collection: Collection = { ...folder, variables: meta?.variables ?? [] };
  if (meta?.auth) collection.auth = meta.auth;
  return { collection, problems };
}

/**
 * The tree of a collection for the sidebar, with each request's file path (prefixed by `prefix`,
 * the collection's folder in the workspace). Unreadable files become problems.
 */
export function collectionTree(
  files: FileEntry[],
  prefix: string,
): { children: TreeNode[]; problems: SkippedItem[] } {
  const problems: SkippedItem[] = [];
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  const walk = (dir: string, isRoot: boolean): TreeNode[] => {
    let order: string[] = [];
    const metaText = byPath.get(`${dir}${isRoot ? COLLECTION_FILE : FOLDER_FILE}`);
    if (metaText !== undefined) {
      try {
        order = (isRoot ? parseCollectionMeta(metaText, '') : parseFolderMeta(metaText, '')).order;
      } catch {
        // reported by filesToCollection / the folder node below
      }
    }
    const requests = new Map<string, string>();
    const folders = new Set<string>();
    for (const p of byPath.keys()) {
      if (!p.startsWith(dir)) continue;
      const rest = p.slice(dir.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) {
        const sub = rest.slice(0, slash);
        if (!(isRoot && sub === ENVIRONMENTS_DIR)) folders.add(sub);
      } else if (rest.endsWith(REQUEST_SUFFIX)) requests.set(rest.slice(0, -REQUEST_SUFFIX.length), p);
    }
    const out: TreeNode[] = [];
    for (const entry of orderEntries([...new Set([...requests.keys(), ...folders])], order)) {
      const reqPath = requests.get(entry);
      if (reqPath !== undefined) {
        try {
          const r = parseRequest(byPath.get(reqPath) ?? '', entry);
          out.push({ kind: 'request', name: r.name, path: `${prefix}${reqPath}`, method: r.spec.method, url: r.spec.url });
        } catch (err) {
          problems.push({ where: `${prefix}${reqPath}`, reason: err instanceof Error ? err.message : String(err) });
        }
      }
      if (folders.has(entry)) {
        let name = entry;
        const fm = byPath.get(`${dir}${entry}/${FOLDER_FILE}`);
        if (fm !== undefined) {
          try {
            name = parseFolderMeta(fm, entry).name;
          } catch (err) {
            problems.push({ where: `${prefix}${dir}${entry}/${FOLDER_FILE}`, reason: err instanceof Error ? err.message : String(err) });
          }
        }
        out.push({ kind: 'folder', name, path: `${prefix}${dir}${entry}`, children: walk(`${dir}${entry}/`, false) });
      }
    }
    return out;
  };
  return { children: walk('', true), problems };
}
