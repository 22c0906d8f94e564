import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestSpec, ResponseRecord } from '../../shared/model/http';
import type { Collection, CollectionItem, WorkspaceInfo } from '../../shared/model/workspace';
import type { ImportPreview } from '../../shared/contract/workspace';
import { SwitchboardError } from '../../shared/errors';
import { COLLECTION_FILE } from '../../shared/formats/collectionFiles';
import { importText } from '../../shared/formats/detect';
import { historyToHar } from '../../shared/formats/har';
import { exportPostman } from '../../shared/formats/postman';
import { slugify } from '../../shared/formats/specHelpers';
import { resolveLayers, substituteVariables, unresolvedVariables } from '../../shared/formats/variables';
import type { Service, ServiceContext } from '../service';
import type { HttpApi } from '../http/service';
import { PLAIN_SECRET_BOX, type SecretBox } from '../webhookTools/secretBox';
import { ENGINE_VERSION } from '../version';
import { WorkspaceCookieJar } from './cookieJar';
import { exists, isDirectory, writeFileAtomic } from './files';
import { requestSnippet } from './formats/snippets';
import { DEFAULT_HISTORY_LIMITS, HistoryStore, summary, type HistoryLimits } from './history';
import { SecretStore } from './secrets';
import { Workspace } from './workspace';

export interface WorkspaceDeps {
  http: HttpApi;
  /** How secret variable values are kept at rest; Electron passes safeStorage. Default: plain. */
  secretBox?: SecretBox;
  /** For SWITCHBOARD_VAR_* and SWITCHBOARD_SECRETS_FILE; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** A local secrets file outside the workspace (CLI --secrets). */
  secretsFile?: string;
  historyLimits?: Partial<HistoryLimits>;
  /** Reopen the last workspace on start (default true). */
  reopen?: boolean;
}

export interface WorkspaceService extends Service {
  api: {
    /** The jar of the open workspace (or the default one). */
    cookieJar(): WorkspaceCookieJar;
    /** Variables for a collection with the active environment. */
    variables(collection?: string): Record<string, string>;
  };
}

interface State {
  lastDir: string | null;
  active: Record<string, string>;
}

function key(dir: string): string {
  return createHash('sha256').update(dir).digest('hex').slice(0, 16);
}

function countItems(items: CollectionItem[]): { requests: number; folders: number } {
  let requests = 0;
  let folders = 0;
  for (const i of items) {
    if (i.kind === 'folder') {
      folders++;
      const sub = countItems(i.items);
      requests += sub.requests;
      folders += sub.folders;
    } else requests++;
  }
  return { requests, folders };
}

export async function createWorkspaceService(ctx: ServiceContext, deps: WorkspaceDeps): Promise<WorkspaceService> {
  const base = path.join(ctx.dataDir, 'workspace');
  const stateFile = path.join(base, 'state.json');
  const box = deps.secretBox ?? PLAIN_SECRET_BOX;
  const env = deps.env ?? process.env;
  const history = new HistoryStore(path.join(ctx.dataDir, 'history'), { ...DEFAULT_HISTORY_LIMITS, ...deps.historyLimits });
  await history.load();

  let state: State = { lastDir: null, active: {} };
  try {
    const raw = JSON.parse(readFileSync(stateFile, 'utf8')) as Partial<State>;
    state = { lastDir: typeof raw.lastDir === 'string' ? raw.lastDir : null, active: typeof raw.active === 'object' && raw.active ? raw.active : {} };
  } catch {
    // first run
  }
  const saveState = (): Promise<void> => writeFileAtomic(stateFile, `${JSON.stringify(state, null, 2)}\n`);

  // One-off CLI runs neither reopen nor remember a workspace: the desktop app's choice stays.
  const remember = ctx.door !== 'cli';
  let ws: Workspace | null = null;
  let secrets = new SecretStore(path.join(base, 'secrets', 'default.json'), { box, env, ...(deps.secretsFile ? { secretsFile: deps.secretsFile } : {}) });
  secrets.load(null);
  const emitCookies = (): void => ctx.emit({ type: 'cookies.changed' });
  let jar = new WorkspaceCookieJar(path.join(base, 'jars', 'default.json'), emitCookies);

  const need = (): Workspace => {
    if (!ws) throw new SwitchboardError('WORKSPACE_NOT_OPEN', 'No workspace is open. Open a folder as a workspace first.');
    return ws;
  };
  const active = (): string | null => (ws ? (state.active[ws.dir] ?? null) : null);
  const info = (): WorkspaceInfo => need().info(active());
  const changed = (paths: string[], external: boolean): void => ctx.emit({ type: 'workspace.changed', dir: ws?.dir ?? null, external, paths });

  async function open(dirIn: string, create: boolean): Promise<WorkspaceInfo> {
    let dir = path.resolve(dirIn);
    if (!(await isDirectory(dir))) {
      if (!create) throw new SwitchboardError('NOT_FOUND', `${dir} is not a folder. Create it, or open with "create".`);
      await writeFileAtomic(path.join(dir, 'switchboard.json'), `${JSON.stringify({ name: path.basename(dir), globals: [] }, null, 2)}\n`);
    }
    // Opening a collection folder opens the workspace around it.
    if (await exists(path.join(dir, COLLECTION_FILE))) dir = path.dirname(dir);
    await jar.flush();
    ws?.unwatch();
    secrets = new SecretStore(path.join(base, 'secrets', `${key(dir)}.json`), { box, env, ...(deps.secretsFile ? { secretsFile: deps.secretsFile } : {}) });
    secrets.load(dir);
    const next = new Workspace(dir, secrets);
    await next.load();
    ws = next;
    jar = new WorkspaceCookieJar(path.join(base, 'jars', `${key(dir)}.json`), emitCookies);
    next.watch((paths) => {
      if (ws !== next) return;
      next
        .load()
        .then(() => changed(paths, true))
        .catch(() => undefined);
    });
    if (remember) {
      state.lastDir = dir;
      await saveState();
    }
    emitCookies();
    return info();
  }

  if (deps.reopen !== false && remember && state.lastDir) {
    await open(state.lastDir, false).catch(() => undefined);
  }

  const envFor = (environment: string | null | undefined): string | null => {
    if (environment === undefined) return active();
    if (environment !== null && !ws?.environments.has(environment)) {
      throw new SwitchboardError('NOT_FOUND', `No environment "${environment}" in this workspace.`);
    }
    return environment;
  };

  function variables(collection?: string, environment?: string | null): Record<string, string> {
    if (!ws) return {};
    return ws.resolve(collection, envFor(environment)).values;
  }

  async function send(
    spec: RequestSpec,
    opts: { collection?: string | undefined; environment?: string | null | undefined; variables?: Record<string, string> | undefined; requestId?: string | undefined; source: string },
  ): Promise<ResponseRecord> {
    const vars = { ...variables(opts.collection, opts.environment), ...opts.variables };
    return deps.http.send(spec, {
      variables: vars,
      cookieJar: jar,
      source: opts.source,
      ...(opts.requestId ? { requestId: opts.requestId } : {}),
    });
  }

  function readHistoryBody(record: ResponseRecord, max: number): Buffer | Promise<Buffer> {
    const length = Math.min(max, record.bodySize);
    return deps.http.peekBody(record.id, length) ?? deps.http.readBody(record.id, { decoded: true, offset: 0, length });
  }
  // Entries are built off the send path (see history.ts); events go out as each one is.
  history.onRecorded((entry, evicted) => {
    if (evicted.length) ctx.emit({ type: 'history.removed', ids: evicted });
    ctx.emit({ type: 'history.added', entry: summary(entry) });
  });
  const unsubscribe = deps.http.onSent((spec, outcome, sent) => {
    history.add(spec, outcome, sent.source, readHistoryBody);
  });

  function preview(text: string, format?: Parameters<typeof importText>[1]): ImportPreview & { result: ReturnType<typeof importText> } {
    const result = importText(text, format);
    const counts = countItems(result.collection.items);
    return {
      format: result.format,
      name: result.collection.name,
      requests: counts.requests,
      folders: counts.folders,
      environments: result.environments.map((e) => e.name),
      skipped: result.skipped,
      result,
    };
  }

  return {
    api: {
      cookieJar: () => jar,
      variables,
    },
    handlers: {
      'workspace.open': async (p) => {
        const result = await open(p.dir, p.create);
        changed([], false);
        return result;
      },
      'workspace.close': async () => {
        ws?.unwatch();
        ws = null;
        state.lastDir = null;
        await saveState();
        await jar.flush();
        jar = new WorkspaceCookieJar(path.join(base, 'jars', 'default.json'), emitCookies);
        changed([], false);
        emitCookies();
        return { ok: true as const };
      },
      'workspace.get': async () => (ws ? info() : null),
      'workspace.request.read': async (p) => need().readRequest(p.path),
      'workspace.request.save': async (p) => {
        const saved = await need().saveRequest(p);
        changed([saved.path], false);
        return saved;
      },
      'workspace.request.delete': async (p) => {
        await need().deleteRequest(p.path);
        changed([p.path], false);
        return { ok: true as const };
      },
      'workspace.request.rename': async (p) => {
        const w = need();
        const r = await w.readRequest(p.path);
        const saved = await w.saveRequest({ path: p.path, name: p.name, description: r.description, spec: r.spec });
        changed([p.path], false);
        return saved;
      },
      'workspace.collection.create': async (p) => {
        const dir = await need().createCollection(p.name);
        changed([dir], false);
        return info();
      },
      'workspace.collection.update': async (p) => {
        await need().updateCollection(p.collection, p);
        changed([p.collection], false);
        return info();
      },
      'workspace.collection.delete': async (p) => {
        await need().deleteCollection(p.collection);
        changed([p.collection], false);
        return info();
      },
      'workspace.folder.create': async (p) => {
        const rel = await need().createFolder(p.collection, p.parent, p.name);
        changed([rel], false);
        return info();
      },
      'workspace.folder.delete': async (p) => {
        await need().deleteFolder(p.path);
        changed([p.path], false);
        return info();
      },
      'workspace.environment.save': async (p) => {
        const w = need();
        await w.saveEnvironment(p.name, p.previousName, p.variables);
        if (p.previousName && p.previousName !== p.name && state.active[w.dir] === p.previousName) {
          state.active[w.dir] = p.name;
          await saveState();
        }
        changed([], false);
        return info();
      },
      'workspace.environment.delete': async (p) => {
        const w = need();
        await w.deleteEnvironment(p.name);
        if (state.active[w.dir] === p.name) {
          delete state.active[w.dir];
          await saveState();
        }
        changed([], false);
        return info();
      },
      'workspace.environment.activate': async (p) => {
        const w = need();
        if (p.name === null) delete state.active[w.dir];
        else {
          if (!w.environments.has(p.name)) throw new SwitchboardError('NOT_FOUND', `No environment "${p.name}".`);
          state.active[w.dir] = p.name;
        }
        await saveState();
        changed([], false);
        return info();
      },
      'workspace.globals.save': async (p) => {
        await need().saveGlobals(p.variables);
        changed([], false);
        return info();
      },
      'workspace.variables': async (p) => {
        const table = ws ? ws.resolve(p.collection, envFor(p.environment)) : resolveLayers([]);
        return {
          variables: table.rows,
          unresolved: p.spec ? unresolvedVariables(p.spec, table.values) : [],
          missingSecrets: table.missingSecrets,
        };
      },
      'workspace.send': async (p) =>
        send(p.spec, { collection: p.collection, environment: p.environment, variables: p.variables, requestId: p.requestId, source: p.source ?? ctx.door }),

      'history.list': async (p) => {
        const { items, total } = await history.list(p);
        return { items, total, bytes: history.totalBytes, limitBytes: history.limits.maxBytes };
      },
      'history.get': async (p) => history.get(p.id),
      'history.body': async (p) => {
        const { buf, total } = await history.body(p.id, p.offset, p.length);
        return { base64: buf.toString('base64'), offset: p.offset, total };
      },
      'history.delete': async (p) => {
        history.get(p.id);
        await history.delete(p.id);
        ctx.emit({ type: 'history.removed', ids: [p.id] });
        return { ok: true as const };
      },
      'history.clear': async () => {
        const removed = await history.clear();
        ctx.emit({ type: 'history.removed', ids: 'all' });
        return { removed };
      },
      'history.resend': async (p) => {
        const entry = history.get(p.id);
        return send(entry.spec, { requestId: p.requestId, source: 'history' });
      },
      'history.exportHar': async (p) => {
        let entries = history.entries(p.ids);
        if (!p.ids && p.text) {
          const ids = new Set((await history.list({ text: p.text, limit: 1_000_000 })).items.map((i) => i.id));
          entries = entries.filter((e) => ids.has(e.id));
        }
        const items = [];
        for (const entry of entries) {
          const body = entry.bodyKept ? (await history.body(entry.id)).buf : null;
          items.push({ entry, body: body ? new Uint8Array(body) : null });
        }
        const har = historyToHar(items);
        har.log.creator = { name: 'Switchboard', version: ENGINE_VERSION };
        return { har: JSON.stringify(har, null, 2), count: items.length };
      },

      'cookies.list': async (p) => jar.list(p.domain),
      'cookies.set': async (p) => jar.set(p),
      'cookies.delete': async (p) => ({ removed: await jar.remove(p.domain, p.path, p.key) }),
      'cookies.clear': async (p) => ({ removed: await jar.clear(p.domain) }),

      'import.preview': async (p) => {
        const { result: _result, ...rest } = preview(p.text, p.format);
        return rest;
      },
      'import.run': async (p) => {
        const w = need();
        const { result } = preview(p.text, p.format);
        const collection: Collection = p.name ? { ...result.collection, name: p.name } : result.collection;
        let dir: string | null = null;
        if (result.format !== 'postman-environment') dir = await w.addCollection(collection);
        const environments: string[] = [];
        for (const e of result.environments) environments.push(await w.addEnvironment(e));
        changed(dir ? [dir] : [], false);
        return { format: result.format, collection: dir, environments, skipped: result.skipped, info: info() };
      },
      'export.request': async (p) => {
        let spec = p.spec;
        if (!p.raw) {
          const vars = variables(p.collection);
          const s = (t: string): string => substituteVariables(t, vars);
          spec = JSON.parse(JSON.stringify(spec), (_k, v: unknown) => (typeof v === 'string' ? s(v) : v)) as RequestSpec;
        }
        return requestSnippet(spec, p.target);
      },
      'export.collection': async (p) => {
        const { collection, problems } = need().collectionModel(p.collection);
        const { doc, skipped } = exportPostman(collection);
        return {
          text: `${JSON.stringify(doc, null, 2)}\n`,
          filename: `${slugify(collection.name)}.postman_collection.json`,
          skipped: [...problems, ...skipped],
        };
      },
    },
    async close() {
      unsubscribe();
      ws?.unwatch();
      ws = null;
      await history.flush();
      await jar.flush();
    },
  };
}
