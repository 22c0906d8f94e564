import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { RequestSpec } from '../../shared/model/http';
import type {
  Collection,
  CollectionInfo,
  Environment,
  EnvironmentInfo,
  SavedRequest,
  SkippedItem,
  VariableDef,
  VariableView,
  WorkspaceInfo,
} from '../../shared/model/workspace';
import { SwitchboardError } from '../../shared/errors';
import {
  COLLECTION_FILE,
  ENV_SUFFIX,
  ENVIRONMENTS_DIR,
  FOLDER_FILE,
  REQUEST_SUFFIX,
  WORKSPACE_FILE,
  collectionToFiles,
  collectionTree,
  filesToCollection,
  parseCollectionMeta,
  parseEnvironment,
  parseFolderMeta,
  parseRequest,
  parseWorkspaceMeta,
  requestStem,
  stringifyCollectionMeta,
  stringifyEnvironment,
  stringifyFolderMeta,
  stringifyRequest,
  stringifyWorkspaceMeta,
  type CollectionMeta,
  type FileEntry,
  type WorkspaceMeta,
} from '../../shared/formats/collectionFiles';
import { resolveLayers, type ResolvedTable, type VariableLayer } from '../../shared/formats/variables';
import { slugify, uniqueName } from '../../shared/formats/specHelpers';
import { inside, readJsonTree, readTextIfExists, removePath, writeFileAtomic } from './files';
import type { SecretStore } from './secrets';

// One open workspace folder: a thin layer over the pure codecs in collectionFiles.ts. Everything is
// re-read from disk after each change (ours or someone else's), so the files are the only truth.

const WATCH_DEBOUNCE_MS = 150;
/** Watch events this soon after our own write of that path are ours, not external. */
const OWN_WRITE_WINDOW_MS = 1500;

interface LoadedCollection {
  dir: string;
  meta: CollectionMeta;
  files: FileEntry[];
}

export function globalScope(): string {
  return 'global';
}
export function collectionScope(dir: string): string {
  return `collection:${dir}`;
}
export function environmentScope(name: string): string {
  return `environment:${name}`;
}

export class Workspace {
  meta: WorkspaceMeta;
  collections = new Map<string, LoadedCollection>();
  environments = new Map<string, { file: string; env: Environment }>();
  problems: SkippedItem[] = [];
  private watcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private pendingPaths = new Set<string>();
  private ownWrites = new Map<string, number>();

  constructor(
    readonly dir: string,
    private readonly secrets: SecretStore,
  ) {
    this.meta = { name: path.basename(dir), globals: [] };
  }

  async load(): Promise<void> {
    const files = await readJsonTree(this.dir);
    const problems: SkippedItem[] = [];
    let meta: WorkspaceMeta = { name: path.basename(this.dir), globals: [] };
    const byTop = new Map<string, FileEntry[]>();
    const envs = new Map<string, { file: string; env: Environment }>();
    for (const f of files) {
      if (f.path === WORKSPACE_FILE) {
        try {
          meta = parseWorkspaceMeta(f.text, meta.name);
        } catch (err) {
          problems.push({ where: f.path, reason: err instanceof Error ? err.message : String(err) });
        }
        continue;
      }
      const slash = f.path.indexOf('/');
      if (slash < 0) continue;
      const top = f.path.slice(0, slash);
      const rest = f.path.slice(slash + 1);
      if (top === ENVIRONMENTS_DIR) {
        if (!rest.includes('/') && rest.endsWith(ENV_SUFFIX)) {
          try {
            const env = parseEnvironment(f.text, rest.slice(0, -ENV_SUFFIX.length));
            if (envs.has(env.name)) problems.push({ where: f.path, reason: `a second environment named "${env.name}"; ignored` });
            else envs.set(env.name, { file: f.path, env });
          } catch (err) {
            problems.push({ where: f.path, reason: err instanceof Error ? err.message : String(err) });
          }
        }
        continue;
      }
      const list = byTop.get(top) ?? [];
      list.push({ path: rest, text: f.text });
      byTop.set(top, list);
    }
    const collections = new Map<string, LoadedCollection>();
    for (const [top, list] of [...byTop].sort((a, b) => a[0].localeCompare(b[0]))) {
      const metaFile = list.find((f) => f.path === COLLECTION_FILE);
      if (!metaFile) continue; // any other folder (docs, scripts…) is not a collection
      let cmeta: CollectionMeta = { name: top, order: [], variables: [] };
      try {
        cmeta = parseCollectionMeta(metaFile.text, top);
      } catch (err) {
        problems.push({ where: `${top}/${COLLECTION_FILE}`, reason: err instanceof Error ? err.message : String(err) });
      }
      collections.set(top, { dir: top, meta: cmeta, files: list });
    }
    this.meta = meta;
    this.collections = collections;
    this.environments = envs;
    this.problems = problems;
  }

  /** Starts fs.watch (recursive); calls `onChange` with changed paths after a quiet period. */
  watch(onChange: (paths: string[]) => void): void {
    if (this.watcher) return;
    try {
      this.watcher = watch(this.dir, { recursive: true }, (_event, filename) => {
        const rel = filename ? String(filename).split(path.sep).join('/') : '';
        if (rel && (rel.startsWith('.git/') || rel === '.git' || rel.endsWith('.tmp') || rel.includes('node_modules/'))) return;
        const own = rel ? this.ownWrites.get(rel) : undefined;
        if (own !== undefined && Date.now() - own < OWN_WRITE_WINDOW_MS) return;
        if (rel) this.pendingPaths.add(rel);
        if (this.debounce) clearTimeout(this.debounce);
        this.debounce = setTimeout(() => {
          this.debounce = null;
          const paths = [...this.pendingPaths];
          this.pendingPaths.clear();
          onChange(paths);
        }, WATCH_DEBOUNCE_MS);
      });
      this.watcher.on('error', () => {
        // The folder was removed or became unreadable: stop watching; the UI still has the last state.
        this.unwatch();
      });
    } catch {
      this.watcher = null;
    }
  }

  unwatch(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    this.watcher?.close();
    this.watcher = null;
  }

  private async write(rel: string, text: string): Promise<void> {
    this.ownWrites.set(rel, Date.now());
    await writeFileAtomic(inside(this.dir, rel), text);
  }

  private async remove(rel: string): Promise<void> {
    this.ownWrites.set(rel, Date.now());
    await removePath(inside(this.dir, rel));
  }

  // ---- Reading ----

  collection(dir: string): LoadedCollection {
    const c = this.collections.get(dir) ?? [...this.collections.values()].find((x) => x.meta.name === dir);
    if (!c) throw new SwitchboardError('NOT_FOUND', `No collection "${dir}" in this workspace.`);
    return c;
  }

  collectionModel(dir: string): { collection: Collection; problems: SkippedItem[] } {
    const c = this.collection(dir);
    return filesToCollection(c.files, c.meta.name);
  }

  /** The collection folder a workspace-relative path belongs to. */
  collectionOf(rel: string): LoadedCollection {
    const top = rel.split('/')[0] ?? '';
    return this.collection(top);
  }

  async readRequest(rel: string): Promise<SavedRequest> {
    if (!rel.endsWith(REQUEST_SUFFIX)) throw new SwitchboardError('VALIDATION_FAILED', `"${rel}" is not a request file (*${REQUEST_SUFFIX}).`);
    const c = this.collectionOf(rel);
    const text = await readTextIfExists(inside(this.dir, rel));
    if (text === null) throw new SwitchboardError('NOT_FOUND', `The request file ${rel} does not exist (removed outside the app?).`);
    let r;
    try {
      r = parseRequest(text, path.posix.basename(rel, REQUEST_SUFFIX));
    } catch (err) {
      throw new SwitchboardError('IMPORT_INVALID', `${rel}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { path: rel, collection: c.dir, name: r.name, ...(r.description ? { description: r.description } : {}), spec: r.spec };
  }

  // ---- Variables ----

  private views(vars: VariableDef[], scope: string): VariableView[] {
    return vars.map((v) => {
      const secretValue = v.secret ? this.secrets.get(scope, v.name) : undefined;
      return {
        name: v.name,
        value: v.secret ? '' : v.value,
        enabled: v.enabled,
        secret: !!v.secret,
        hasValue: v.secret ? secretValue !== undefined : true,
        ...(v.description ? { description: v.description } : {}),
      };
    });
  }

  layers(collectionDir: string | undefined, activeEnv: string | null): VariableLayer[] {
    const secretsFor = (vars: VariableDef[], scope: string): Record<string, string | undefined> =>
      this.secrets.valuesFor(scope, vars.filter((v) => v.secret).map((v) => v.name));
    const layers: VariableLayer[] = [{ scope: 'global', variables: this.meta.globals, secrets: secretsFor(this.meta.globals, globalScope()) }];
    if (collectionDir) {
      const c = this.collection(collectionDir);
      layers.push({ scope: 'collection', variables: c.meta.variables, secrets: secretsFor(c.meta.variables, collectionScope(c.dir)) });
    }
    const env = activeEnv ? this.environments.get(activeEnv)?.env : undefined;
    if (env) layers.push({ scope: 'environment', variables: env.variables, secrets: secretsFor(env.variables, environmentScope(env.name)) });
    return layers;
  }

  resolve(collectionDir: string | undefined, activeEnv: string | null): ResolvedTable {
    return resolveLayers(this.layers(collectionDir, activeEnv));
  }

  info(activeEnvironment: string | null): WorkspaceInfo {
    const collections: CollectionInfo[] = [];
    const problems = [...this.problems];
    for (const c of this.collections.values()) {
      const tree = collectionTree(c.files, `${c.dir}/`);
      problems.push(...tree.problems);
      collections.push({
        name: c.meta.name,
        path: c.dir,
        ...(c.meta.description ? { description: c.meta.description } : {}),
        variables: this.views(c.meta.variables, collectionScope(c.dir)),
        children: tree.children,
      });
    }
    const environments: EnvironmentInfo[] = [...this.environments.values()]
      .map(({ env }) => ({ name: env.name, variables: this.views(env.variables, environmentScope(env.name)) }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return {
      dir: this.dir,
      name: this.meta.name,
      globals: this.views(this.meta.globals, globalScope()),
      collections,
      environments,
      activeEnvironment: activeEnvironment && this.environments.has(activeEnvironment) ? activeEnvironment : null,
      secretStorage: this.secrets.storage,
      secretWarning: this.secrets.warning,
      problems,
    };
  }

  // ---- Writing ----

  /**
   * Secret values given by the UI go to the secret store; an empty secret value means "keep the
   * stored one". Returns the variables as they go into the file (secret values blanked).
   */
  private async storeSecrets(scope: string, vars: VariableDef[]): Promise<VariableDef[]> {
    const secretNames = new Set<string>();
    for (const v of vars) {
      if (!v.secret) continue;
      secretNames.add(v.name);
      if (v.value !== '') await this.secrets.set(scope, v.name, v.value);
    }
    await this.secrets.retain(scope, secretNames);
    return vars.map((v) => (v.secret ? { ...v, value: '' } : v));
  }

  private checkVariables(vars: VariableDef[]): void {
    const seen = new Set<string>();
    for (const v of vars) {
      if (seen.has(v.name)) throw new SwitchboardError('VALIDATION_FAILED', `The variable "${v.name}" is defined twice.`);
      seen.add(v.name);
    }
  }

  async saveGlobals(vars: VariableDef[]): Promise<void> {
    this.checkVariables(vars);
    const globals = await this.storeSecrets(globalScope(), vars);
    await this.write(WORKSPACE_FILE, stringifyWorkspaceMeta({ name: this.meta.name, globals }));
    await this.load();
  }

  async createCollection(name: string): Promise<string> {
    const taken = new Set([...this.collections.keys(), ENVIRONMENTS_DIR, WORKSPACE_FILE]);
    const dir = uniqueName(slugify(name), taken);
    await this.write(`${dir}/${COLLECTION_FILE}`, stringifyCollectionMeta({ name, order: [], variables: [] }));
    await this.load();
    return dir;
  }

  /** Writes a whole collection (import) as a new folder; returns its folder name. */
  async addCollection(collection: Collection): Promise<string> {
    const taken = new Set([...this.collections.keys(), ENVIRONMENTS_DIR, WORKSPACE_FILE]);
    const dir = uniqueName(slugify(collection.name), taken);
    const secrets = collection.variables.filter((v) => v.secret && v.value !== '');
    for (const f of collectionToFiles(collection)) await this.write(`${dir}/${f.path}`, f.text);
    for (const v of secrets) await this.secrets.set(collectionScope(dir), v.name, v.value);
    await this.load();
    return dir;
  }

  async updateCollection(dir: string, patch: { name?: string | undefined; description?: string | undefined; variables?: VariableDef[] | undefined }): Promise<void> {
    const c = this.collection(dir);
    const meta: CollectionMeta = { ...c.meta };
    if (patch.name !== undefined) meta.name = patch.name;
    if (patch.description !== undefined) {
      if (patch.description) meta.description = patch.description;
      else delete meta.description;
    }
    if (patch.variables) {
      this.checkVariables(patch.variables);
      meta.variables = await this.storeSecrets(collectionScope(c.dir), patch.variables);
    }
    await this.write(`${c.dir}/${COLLECTION_FILE}`, stringifyCollectionMeta(meta));
    await this.load();
  }

  async deleteCollection(dir: string): Promise<void> {
    const c = this.collection(dir);
    await this.remove(c.dir);
    await this.secrets.dropScope(collectionScope(c.dir));
    await this.load();
  }

  private async folderMeta(folderRel: string, isRoot: boolean): Promise<{ file: string; order: string[]; write: (order: string[]) => Promise<void> }> {
    const file = `${folderRel}/${isRoot ? COLLECTION_FILE : FOLDER_FILE}`;
    const text = await readTextIfExists(inside(this.dir, file));
    const fallback = path.posix.basename(folderRel);
    if (isRoot) {
      const meta = text === null ? { name: fallback, order: [], variables: [] } : parseCollectionMeta(text, fallback);
      return { file, order: meta.order, write: (order) => this.write(file, stringifyCollectionMeta({ ...meta, order })) };
    }
    const meta = text === null ? { name: fallback, order: [] } : parseFolderMeta(text, fallback);
    return { file, order: meta.order, write: (order) => this.write(file, stringifyFolderMeta({ ...meta, order })) };
  }

  private stemsIn(folderRel: string): Set<string> {
    const c = this.collectionOf(folderRel);
    const inner = folderRel.slice(c.dir.length + 1);
    const prefix = inner ? `${inner}/` : '';
    const out = new Set<string>(['collection', 'folder', ENVIRONMENTS_DIR]);
    for (const f of c.files) {
      if (!f.path.startsWith(prefix)) continue;
      const rest = f.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) out.add(rest.slice(0, slash));
      else if (rest.endsWith(REQUEST_SUFFIX)) out.add(rest.slice(0, -REQUEST_SUFFIX.length));
    }
    return out;
  }

  async createFolder(collectionDir: string, parent: string | undefined, name: string): Promise<string> {
    const c = this.collection(collectionDir);
    const parentRel = parent ? parent : c.dir;
    if (parentRel !== c.dir && !parentRel.startsWith(`${c.dir}/`)) throw new SwitchboardError('VALIDATION_FAILED', `${parentRel} is not inside ${c.dir}.`);
    const stem = requestStem(name, this.stemsIn(parentRel));
    const rel = `${parentRel}/${stem}`;
    await this.write(`${rel}/${FOLDER_FILE}`, stringifyFolderMeta({ name, order: [] }));
    const pm = await this.folderMeta(parentRel, parentRel === c.dir);
    await pm.write([...pm.order, stem]);
    await this.load();
    return rel;
  }

  async deleteFolder(rel: string): Promise<void> {
    const c = this.collectionOf(rel);
    if (rel === c.dir) throw new SwitchboardError('VALIDATION_FAILED', 'Use workspace.collection.delete to delete a whole collection.');
    await this.remove(rel);
    const parentRel = path.posix.dirname(rel);
    const pm = await this.folderMeta(parentRel, parentRel === c.dir);
    const stem = path.posix.basename(rel);
    await pm.write(pm.order.filter((o) => o !== stem));
    await this.load();
  }

  async saveRequest(p: {
    path?: string | undefined;
    collection?: string | undefined;
    folder?: string | undefined;
    name: string;
    description?: string | undefined;
    spec: RequestSpec;
  }): Promise<SavedRequest> {
    const spec: RequestSpec = { ...p.spec, name: p.name };
    const file = { name: p.name, ...(p.description ? { description: p.description } : {}), spec };
    if (p.path) {
      if (!p.path.endsWith(REQUEST_SUFFIX)) throw new SwitchboardError('VALIDATION_FAILED', `"${p.path}" is not a request file (*${REQUEST_SUFFIX}).`);
      const c = this.collectionOf(p.path);
      await this.write(p.path, stringifyRequest(file));
      await this.load();
      return { path: p.path, collection: c.dir, ...file };
    }
    if (!p.collection) throw new SwitchboardError('VALIDATION_FAILED', 'Say which collection to save the request into.');
    const c = this.collection(p.collection);
    const folderRel = p.folder ? p.folder : c.dir;
    if (folderRel !== c.dir && !folderRel.startsWith(`${c.dir}/`)) throw new SwitchboardError('VALIDATION_FAILED', `${folderRel} is not inside ${c.dir}.`);
    const stem = requestStem(p.name, this.stemsIn(folderRel));
    const rel = `${folderRel}/${stem}${REQUEST_SUFFIX}`;
    await this.write(rel, stringifyRequest(file));
    const pm = await this.folderMeta(folderRel, folderRel === c.dir);
    await pm.write([...pm.order, stem]);
    await this.load();
    return { path: rel, collection: c.dir, ...file };
  }

  async deleteRequest(rel: string): Promise<void> {
    if (!rel.endsWith(REQUEST_SUFFIX)) throw new SwitchboardError('VALIDATION_FAILED', `"${rel}" is not a request file.`);
    const c = this.collectionOf(rel);
    await this.remove(rel);
    const parentRel = path.posix.dirname(rel);
    const pm = await this.folderMeta(parentRel, parentRel === c.dir);
    const stem = path.posix.basename(rel, REQUEST_SUFFIX);
    await pm.write(pm.order.filter((o) => o !== stem));
    await this.load();
  }

  async saveEnvironment(name: string, previousName: string | undefined, vars: VariableDef[]): Promise<void> {
    this.checkVariables(vars);
    const prev = previousName ? this.environments.get(previousName) : undefined;
    if (previousName && previousName !== name && this.environments.has(name)) {
      throw new SwitchboardError('VALIDATION_FAILED', `An environment named "${name}" already exists.`);
    }
    const existing = this.environments.get(name) ?? prev;
    if (prev && previousName !== name) await this.secrets.renameScope(environmentScope(previousName ?? ''), environmentScope(name));
    const variables = await this.storeSecrets(environmentScope(name), vars);
    let file = existing?.file;
    if (!file || (prev && previousName !== name)) {
      const taken = new Set([...this.environments.values()].filter((e) => e !== prev).map((e) => path.posix.basename(e.file, ENV_SUFFIX)));
      file = `${ENVIRONMENTS_DIR}/${uniqueName(slugify(name), taken)}${ENV_SUFFIX}`;
    }
    if (prev && prev.file !== file) await this.remove(prev.file);
    await this.write(file, stringifyEnvironment({ name, variables }));
    await this.load();
  }

  async deleteEnvironment(name: string): Promise<void> {
    const e = this.environments.get(name);
    if (!e) throw new SwitchboardError('NOT_FOUND', `No environment "${name}".`);
    await this.remove(e.file);
    await this.secrets.dropScope(environmentScope(name));
    await this.load();
  }

  async addEnvironment(env: Environment): Promise<string> {
    const name = uniqueName(env.name, new Set(this.environments.keys()));
    await this.saveEnvironment(name, undefined, env.variables);
    return name;
  }
}
