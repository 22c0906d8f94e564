import path from 'node:path';
import type { RequestSpec, ResponseRecord, SendOutcome } from '../../shared/model/http';
import { SwitchboardError, toErrorShape } from '../../shared/errors';
import type { Service, ServiceContext } from '../service';
import { BodyStore, DEFAULT_BODY_STORE, type BodyStoreOptions } from './bodyStore';
import { createAgents, destroyAgents } from './exchange';
import { sendRequest, type SendOptions } from './send';
import { Abort } from './abort';
import { Deadlines } from './deadlines';

export type { SendOptions, SendCookieJar } from './send';

export interface SentInfo {
  /** The spec with variables substituted, as it was sent. */
  resolved: RequestSpec | null;
  requestId: string | null;
  source: string | null;
}

export type SentListener = (spec: RequestSpec, outcome: SendOutcome, info: SentInfo) => void;

/** What other services (history, replay, the collection runner) use. */
export interface HttpApi {
  /** Rejects with a SwitchboardError (HTTP_* codes). */
  send(spec: RequestSpec, opts?: SendOptions): Promise<ResponseRecord>;
  cancel(requestId: string): boolean;
  /** Every send, successful or not, from any door or service. Returns an unsubscribe. */
  onSent(listener: SentListener): () => void;
  /** Body bytes of a response (decoded unless asked otherwise); whole body without a range. */
  readBody(id: string, opts?: { decoded?: boolean; offset?: number; length?: number }): Promise<Buffer>;
  /** The first `length` decoded bytes when the body is still in memory, else null (then readBody). */
  peekBody(id: string, length: number): Buffer | null;
}

export interface HttpService extends Service {
  api: HttpApi;
}

export interface HttpServiceOptions {
  bodyStore?: Partial<BodyStoreOptions>;
}

export async function createHttpService(ctx: ServiceContext, options: HttpServiceOptions = {}): Promise<HttpService> {
  const agents = createAgents();
  const store = new BodyStore(BodyStore.processDir(path.join(ctx.dataDir, 'http-bodies')), { ...DEFAULT_BODY_STORE, ...options.bodyStore });
  const inFlight = new Map<string, Abort>();
  const deadlines = new Deadlines();
  const deps = {
    agents,
    store,
    onProgress(id: string, received: number, total: number | null): void {
      ctx.emit({ type: 'http.progress', requestId: id, received, total });
    },
  };
  const listeners = new Set<SentListener>();
  let closed = false;

  const notify = (spec: RequestSpec, outcome: SendOutcome, info: SentInfo): void => {
    for (const l of listeners) {
      try {
        l(spec, outcome, info);
      } catch {
        // A failing listener (history disk full, …) must not fail the send.
      }
    }
  };

  async function send(spec: RequestSpec, opts: SendOptions = {}): Promise<ResponseRecord> {
    if (closed) throw new SwitchboardError('ENGINE_CLOSED', 'The engine is closed.');
    const controller = new Abort();
    const requestId = opts.requestId;
    if (requestId) {
      inFlight.get(requestId)?.abort(new SwitchboardError('HTTP_CANCELLED', 'Replaced by a newer request with the same id.'));
      inFlight.set(requestId, controller);
    }
    let offExternal: (() => void) | null = null;
    if (opts.signal) {
      const external = opts.signal;
      const onAbort = (): void => controller.abort(new SwitchboardError('HTTP_CANCELLED', 'The request was cancelled.'));
      if (external.aborted) onAbort();
      else {
        external.addEventListener('abort', onAbort, { once: true });
        offExternal = () => external.removeEventListener('abort', onAbort);
      }
    }
    const timeoutMs = spec.settings.timeoutMs;
    const deadline =
      timeoutMs > 0
        ? deadlines.add(timeoutMs, () => {
            controller.abort(
              new SwitchboardError('HTTP_TIMEOUT', `No complete response within ${timeoutMs} ms. Raise the timeout in the request settings if the server is slow.`, {
                timeoutMs,
              }),
            );
          })
        : null;
    let resolved: RequestSpec | null = null;
    try {
      const result = await sendRequest(spec, opts, deps, controller);
      resolved = result.resolved;
      if (listeners.size) notify(spec, { ok: true, response: result.record }, { resolved, requestId: requestId ?? null, source: opts.source ?? null });
      return result.record;
    } catch (err) {
      const error =
        err instanceof SwitchboardError
          ? err
          : new SwitchboardError('HTTP_FAILED', err instanceof Error ? err.message : String(err));
      if (listeners.size) notify(spec, { ok: false, error: toErrorShape(error) }, { resolved, requestId: requestId ?? null, source: opts.source ?? null });
      throw error;
    } finally {
      if (deadline) deadlines.settle(deadline);
      offExternal?.();
      if (requestId && inFlight.get(requestId) === controller) inFlight.delete(requestId);
    }
  }

  function cancel(requestId: string): boolean {
    const c = inFlight.get(requestId);
    if (!c) return false;
    c.abort(new SwitchboardError('HTTP_CANCELLED', 'The request was cancelled.'));
    inFlight.delete(requestId);
    return true;
  }

  const api: HttpApi = {
    send,
    cancel,
    onSent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async readBody(id, opts = {}) {
      const decoded = opts.decoded ?? true;
      const offset = opts.offset ?? 0;
      const length = opts.length ?? store.size(id, decoded);
      return (await store.read(id, offset, length, decoded)).buf;
    },
    peekBody(id, length) {
      return store.peek(id, length);
    },
  };

  return {
    api,
    handlers: {
      'http.send': (p) => send(p.spec, { variables: p.variables, requestId: p.requestId, source: ctx.door }),
      'http.cancel': async (p) => ({ cancelled: cancel(p.requestId) }),
      'http.responseBody': async (p) => {
        const { buf, total } = await store.read(p.id, p.offset, p.length, p.decoded);
        return { base64: buf.toString('base64'), offset: p.offset, total };
      },
      'http.saveBody': async (p) => {
        const target = path.resolve(p.path);
        const bytes = await store.save(p.id, target, p.decoded);
        return { path: target, bytes };
      },
      'http.discardBody': async (p) => {
        store.discard(p.id);
        return { ok: true as const };
      },
    },
    async close() {
      closed = true;
      for (const c of inFlight.values()) c.abort(new SwitchboardError('ENGINE_CLOSED', 'The engine is closing.'));
      inFlight.clear();
      listeners.clear();
      deadlines.close();
      destroyAgents(agents);
      store.close();
    },
  };
}
