import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { CommandParams } from '../../shared/contract';
import { catcherSettingsSchema, type Capture, type CaptureSummary, type CatcherSettings, type CatcherState, type CatcherStatus } from '../../shared/model/catcher';
import type { EngineErrorShape } from '../../shared/errors';
import { SwitchboardError, toErrorShape } from '../../shared/errors';
import type { Handlers, Service, ServiceContext } from '../service';
import { CaptureStore, StoreLockedError, type StoreEntry } from '../store/captureStore';
import { seqFromId } from '../store/codec';
import { ENGINE_VERSION } from '../version';
import { handleRequest } from './handler';
import { harEntry, harLog } from './har';
import type { CatcherApi, CatcherHooks } from './hooks';
import { CatcherListener } from './listener';
import { loadCatchers, saveCatchers, type SavedCatcher } from './persist';
import { toCapture, toSummary } from './view';

export interface CatcherService extends Service {
  api: CatcherApi;
}

interface Runtime {
  id: string;
  settings: CatcherSettings;
  status: CatcherStatus;
  boundPort: number | null;
  lastPort: number | null;
  error: EngineErrorShape | null;
  listener: CatcherListener | null;
  /** The user wants it running (survives engine restarts). */
  wanted: boolean;
  /** Lives only as long as this engine (CLI `catch`): never written to catchers.json. */
  transient: boolean;
  stateTimer: NodeJS.Timeout | null;
  /** state(rt) as of the last change (its captureCount may lag). */
  cached: CatcherState | null;
}

/** Per-catcher capture counts change with every request; the state event is coalesced to this rate. */
const COUNT_EVENT_MS = 250;

function urlFor(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

export async function createCatcherService(ctx: ServiceContext): Promise<CatcherService> {
  // Older segments of a big store are decoded after opening: the first page does not wait for them.
  const store = await CaptureStore.open(path.join(ctx.dataDir, 'captures'), { background: {} }).catch((err: unknown) => {
    if (err instanceof StoreLockedError) throw new SwitchboardError('STORE_LOCKED', err.message, { pid: err.pid });
    throw err;
  });
  // Checksums skipped to open fast are checked now, off the critical path.
  void store
    .verifyInBackground()
    .then((found) => {
      if (found.length > 0) {
        ctx.emit({
          type: 'engine.storeError',
          error: { code: 'STORE_CORRUPT', message: `${found.length} damaged index record(s) in ${store.dir}: ${found[0]?.reason ?? ''}` },
        });
      }
    })
    .catch(() => undefined);
  const runtimes = new Map<string, Runtime>();
  const stateListeners = new Set<(s: CatcherState) => void>();
  const captureListeners = new Set<(s: CaptureSummary) => void>();
  let hooks: CatcherHooks | null = null;
  let storeError: { code: string; message: string } | null = null;
  let closed = false;

  const state = (rt: Runtime): CatcherState => ({
    ...rt.settings,
    id: rt.id,
    status: rt.status,
    boundPort: rt.boundPort,
    url: rt.boundPort !== null ? urlFor(rt.settings.host, rt.boundPort) : null,
    error: rt.error,
    captureCount: store.countFor(rt.id),
  });

  const emitState = (rt: Runtime): void => {
    rt.cached = null;
    if (rt.stateTimer) {
      clearTimeout(rt.stateTimer);
      rt.stateTimer = null;
    }
    const s = state(rt);
    ctx.emit({ type: 'catcher.state', catcher: s });
    for (const l of stateListeners) {
      try {
        l(s);
      } catch {
        // A listener's failure is its own.
      }
    }
  };

  const persist = (): void => {
    const list: SavedCatcher[] = [...runtimes.values()].filter((rt) => !rt.transient).map((rt) => ({
      id: rt.id,
      settings: rt.settings,
      running: rt.wanted,
      lastPort: rt.lastPort,
    }));
    saveCatchers(ctx.dataDir, list);
  };

  const setStoreError = (err: { code: string; message: string } | null): void => {
    if (err === null && storeError === null) return;
    if (err && storeError && err.message === storeError.message) return;
    storeError = err;
    ctx.emit({ type: 'engine.storeError', error: err });
  };

  const depsFor = (rt: Runtime) => ({
    store,
    // Built once per change, not per request: thousands of requests a second read it.
    catcher: () => (rt.cached ??= state(rt)),
    hooks: () => hooks,
    stored(entry: StoreEntry) {
      if (storeError) setStoreError(null);
      const summary = toSummary(entry);
      ctx.emit({ type: 'capture.new', capture: summary });
      for (const l of captureListeners) {
        try {
          l(summary);
        } catch {
          // ignore
        }
      }
      rt.stateTimer ??= setTimeout(() => {
        rt.stateTimer = null;
        if (runtimes.get(rt.id) === rt) emitState(rt);
      }, COUNT_EVENT_MS);
    },
    updated(entry: StoreEntry) {
      ctx.emit({ type: 'capture.updated', capture: toSummary(entry) });
    },
    storeFailed(err: unknown) {
      const e = err as NodeJS.ErrnoException;
      setStoreError({
        code: 'STORE_WRITE_FAILED',
        message: `Captures cannot be saved (${e.code ?? 'error'}: ${e.message}); senders are answered 503 until the disk accepts writes again.`,
      });
    },
  });

  const get = (id: string): Runtime => {
    const rt = runtimes.get(id);
    if (!rt) throw new SwitchboardError('NOT_FOUND', `No catcher with id ${id}.`);
    return rt;
  };

  const start = async (rt: Runtime): Promise<void> => {
    if (rt.listener) return;
    rt.status = 'starting';
    rt.error = null;
    emitState(rt);
    const deps = depsFor(rt);
    const listener = new CatcherListener(ctx.limits, (req, res, finished) => handleRequest(req, res, deps, finished));
    try {
      let bound: number | null = null;
      // "Any free port" comes back on the port it had, so a URL pasted into a provider keeps working.
      if (rt.settings.port === 0 && rt.lastPort) bound = await listener.start(rt.settings.host, rt.lastPort).catch(() => null);
      bound ??= await listener.start(rt.settings.host, rt.settings.port);
      rt.listener = listener;
      rt.boundPort = bound;
      rt.lastPort = bound;
      rt.status = 'running';
      emitState(rt);
    } catch (err) {
      rt.status = 'error';
      rt.boundPort = null;
      rt.error = toErrorShape(err);
      emitState(rt);
      throw err;
    }
  };

  const stop = async (rt: Runtime, status: CatcherStatus = 'stopped'): Promise<void> => {
    const listener = rt.listener;
    rt.listener = null;
    if (listener) await listener.stop();
    rt.boundPort = null;
    rt.status = status;
    if (status === 'stopped') rt.error = null;
    if (!closed) emitState(rt);
  };

  // Catchers come back as they were; one that cannot bind shows the error instead of failing the engine.
  const loaded = loadCatchers(ctx.dataDir);
  for (const saved of loaded.catchers) {
    const rt: Runtime = {
      id: saved.id,
      settings: saved.settings,
      status: 'stopped',
      boundPort: null,
      lastPort: saved.lastPort,
      error: null,
      listener: null,
      wanted: saved.running,
      transient: false,
      stateTimer: null,
      cached: null,
    };
    runtimes.set(rt.id, rt);
  }
  if (ctx.restoreCatchers !== false) for (const rt of runtimes.values()) if (rt.wanted) await start(rt).catch(() => undefined);
  if (runtimes.size > 0) persist();

  const resolveEntry = async (id: string): Promise<StoreEntry> => {
    const seq = seqFromId(id);
    const entry = seq === null ? undefined : await store.lookup(seq);
    if (!entry) throw new SwitchboardError('NOT_FOUND', `No capture with id ${id}.`);
    return entry;
  };

  /** The whole capture (detail read from disk), or null when there is none with that id. */
  const captureOf = async (id: string): Promise<Capture | null> => {
    const seq = seqFromId(id);
    const stored = seq === null ? null : await store.get(seq);
    return stored ? toCapture(stored) : null;
  };

  const exportHar = async (p: CommandParams<'captures.exportHar'>): Promise<{ har: string; count: number }> => {
    let entries: readonly StoreEntry[];
    if (p.ids) {
      const found = await Promise.all(
        p.ids.map((id) => {
          const seq = seqFromId(id);
          return seq === null ? undefined : store.lookup(seq);
        }),
      );
      entries = found.filter((e): e is StoreEntry => e !== undefined);
    } else {
      entries = (await store.list({ catcherId: p.catcherId, methods: p.methods, text: p.text, limit: Number.MAX_SAFE_INTEGER })).items;
    }
    const out = [];
    for (const e of entries) {
      const stored = await store.get(e.seq);
      if (!stored) continue;
      const body = (await store.readBody(e.seq)) ?? Buffer.alloc(0);
      const rt = runtimes.get(e.catcherId);
      out.push(harEntry(toCapture(stored), body, rt ? state(rt) : null));
    }
    return { har: JSON.stringify(harLog(out, ENGINE_VERSION), null, 2), count: out.length };
  };

  const createCatcher = async (p: CommandParams<'catchers.create'>, transient: boolean): Promise<CatcherState> => {
    const { start: startNow, ...settings } = p;
    const rt: Runtime = {
      id: `k${randomBytes(5).toString('hex')}`,
      settings,
      status: 'stopped',
      boundPort: null,
      lastPort: null,
      error: null,
      listener: null,
      wanted: startNow,
      transient,
      stateTimer: null,
      cached: null,
    };
      // A catcher that cannot bind is not created: the dialog shows the error and the user picks again.
      if (startNow) {
        runtimes.set(rt.id, rt);
        try {
          await start(rt);
        } catch (err) {
          runtimes.delete(rt.id);
          ctx.emit({ type: 'catcher.removed', id: rt.id });
          throw err;
        }
      } else {
        runtimes.set(rt.id, rt);
        emitState(rt);
      }
      persist();
      return state(rt);
  };

  const handlers: Handlers = {
    'engine.info': async () => ({
      version: ENGINE_VERSION,
      dataDir: ctx.dataDir,
      door: ctx.door,
      captureCount: store.count,
      storeError,
    }),
    'catchers.list': async () => [...runtimes.values()].map(state),
    'catchers.create': async (p) => createCatcher(p, false),
    'catchers.update': async ({ id, settings }) => {
      const rt = get(id);
      const before = rt.settings;
      rt.settings = { ...before, ...settings };
      rt.cached = null;
      const rebind = rt.listener !== null && (rt.settings.port !== before.port || rt.settings.host !== before.host);
      if (rt.settings.port !== before.port || rt.settings.host !== before.host) rt.lastPort = null;
      if (rebind) {
        await stop(rt);
        try {
          await start(rt);
        } finally {
          persist();
        }
      } else {
        persist();
        emitState(rt);
      }
      return state(rt);
    },
    'catchers.start': async ({ id }) => {
      const rt = get(id);
      rt.wanted = true;
      try {
        await start(rt);
      } finally {
        persist();
      }
      return state(rt);
    },
    'catchers.stop': async ({ id }) => {
      const rt = get(id);
      rt.wanted = false;
      await stop(rt);
      persist();
      return state(rt);
    },
    'catchers.delete': async ({ id, deleteCaptures }) => {
      const rt = get(id);
      rt.wanted = false;
      await stop(rt);
      if (rt.stateTimer) clearTimeout(rt.stateTimer);
      runtimes.delete(id);
      persist();
      ctx.emit({ type: 'catcher.removed', id });
      if (deleteCaptures) {
        await store.clear(id);
        ctx.emit({ type: 'captures.cleared', catcherId: id });
      }
      return { ok: true as const };
    },
    'captures.list': async (p) => {
      const { items, total } = await store.list(p);
      return { items: items.map(toSummary), total };
    },
    'captures.get': async ({ id }) => {
      const capture = await captureOf(id);
      if (!capture) throw new SwitchboardError('NOT_FOUND', `No capture with id ${id}.`);
      return capture;
    },
    'captures.body': async ({ id, offset, length }) => {
      const entry = await resolveEntry(id);
      const bytes = await readOrCorrupt(store, entry.seq, offset, length);
      return { base64: bytes.toString('base64'), offset: Math.min(offset, entry.bodySize), total: entry.bodySize };
    },
    'captures.clear': async ({ catcherId }) => {
      const removed = await store.clear(catcherId ?? null);
      ctx.emit({ type: 'captures.cleared', catcherId: catcherId ?? null });
      for (const rt of runtimes.values()) if (!catcherId || rt.id === catcherId) emitState(rt);
      return { removed };
    },
    'captures.exportHar': exportHar,
  };

  const api: CatcherApi = {
    createTransient: (settings) => createCatcher({ ...catcherSettingsSchema.parse(settings), start: true }, true),
    getCatcher: (id) => {
      const rt = runtimes.get(id);
      return rt ? state(rt) : null;
    },
    listCatchers: () => [...runtimes.values()].map(state),
    getCapture: captureOf,
    readBody: async (id) => {
      const seq = seqFromId(id);
      return seq === null ? null : store.readBody(seq);
    },
    annotate: async (id, patch) => {
      const seq = seqFromId(id);
      if (seq === null) return null;
      const entry = await store.update(seq, patch);
      if (!entry) return null;
      const summary = toSummary(entry);
      ctx.emit({ type: 'capture.updated', capture: summary });
      return summary;
    },
    setHooks: (h) => {
      hooks = h;
    },
    onCatcherState: (l) => {
      stateListeners.add(l);
      return () => stateListeners.delete(l);
    },
    onCapture: (l) => {
      captureListeners.add(l);
      return () => captureListeners.delete(l);
    },
  };

  return {
    handlers,
    api,
    async close() {
      closed = true;
      await Promise.all([...runtimes.values()].map((rt) => stop(rt, rt.status)));
      for (const rt of runtimes.values()) if (rt.stateTimer) clearTimeout(rt.stateTimer);
      await store.close();
    },
  };
}

async function readOrCorrupt(store: CaptureStore, seq: number, offset: number, length: number): Promise<Buffer> {
  try {
    return (await store.readBody(seq, offset, length)) ?? Buffer.alloc(0);
  } catch (err) {
    throw new SwitchboardError('STORE_CORRUPT', `The stored body of this capture is damaged: ${(err as Error).message}`);
  }
}
