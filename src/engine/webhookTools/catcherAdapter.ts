import type { CatcherApi } from '../catcher/hooks';
import type { Handlers } from '../service';
import type { HeaderPairs } from '../../shared/model/common';
import { SwitchboardError } from '../../shared/errors';
import type { CatcherPort, RequestView } from './service';

// The catcher's api and commands, seen through the narrow port the webhook tools use.

function contentTypeOf(headers: HeaderPairs): string | null {
  for (const [n, v] of headers) if (n.toLowerCase() === 'content-type') return v;
  return null;
}

interface ViewSource {
  method: string;
  url: string;
  headers: HeaderPairs;
  receivedAt: string;
  remoteAddress: string;
  contentType?: string | null;
}

// Built for each hook call on every capture; the receive time is parsed only when a signature check
// needs it (most captures are unsigned).
class CaptureView implements RequestView {
  readonly method: string;
  readonly url: string;
  readonly headers: HeaderPairs;
  readonly remoteAddress: string;
  readonly contentType: string | null;
  private readonly receivedAt: string;
  private parsedAt: number | undefined;

  constructor(
    readonly catcherId: string,
    c: ViewSource,
    readonly body: Buffer,
  ) {
    this.method = c.method;
    this.url = c.url;
    this.headers = c.headers;
    this.remoteAddress = c.remoteAddress;
    this.contentType = c.contentType ?? contentTypeOf(c.headers);
    this.receivedAt = c.receivedAt;
  }

  get receivedAtMs(): number {
    return (this.parsedAt ??= Date.parse(this.receivedAt));
  }
}

export function catcherPort(catchers: { api: CatcherApi; handlers: Handlers }): CatcherPort {
  const { api, handlers } = catchers;
  const list = handlers['captures.list'];
  const bodyRange = handlers['captures.body'];
  if (!list || !bodyRange) throw new Error('The catcher service lacks captures.list / captures.body.');
  return {
    catcherExists: (id) => api.getCatcher(id) !== null,
    async annotate(id, patch) {
      await api.annotate(id, { annotations: patch });
    },
    async getCapture(id) {
      const c = await api.getCapture(id);
      if (!c) throw new SwitchboardError('NOT_FOUND', `No capture with id ${id}.`);
      return c;
    },
    async readBody(id, maxBytes) {
      if (maxBytes === undefined) {
        const b = await api.readBody(id);
        if (!b) throw new SwitchboardError('NOT_FOUND', `No capture with id ${id}.`);
        return b;
      }
      const r = await bodyRange({ id, offset: 0, length: maxBytes });
      return Buffer.from(r.base64, 'base64');
    },
    async listPage(q) {
      const r = await list({ ...q, newest: q.newest ?? false });
      return r.items;
    },
    setHooks(hooks) {
      if (!hooks) return api.setHooks(null);
      const view = (catcherId: string, c: ViewSource, body: Buffer): RequestView => new CaptureView(catcherId, c, body);
      api.setHooks({
        annotate: ({ catcher, capture, body }) => hooks.annotate(view(catcher.id, capture, body)),
        plainAnnotations: (rawHeaders, body, contentType) => hooks.plain(rawHeaders, body, contentType),
        respond: async ({ catcher, capture, body }) => hooks.respond(capture.id, view(catcher.id, capture, body), capture.annotations ?? {}),
        afterResponse: ({ catcher, capture, body }) => hooks.afterResponse(capture.id, view(catcher.id, capture, body), capture.annotations ?? {}),
        wants: (catcher, annotations) => hooks.wants(catcher.id, annotations ?? {}),
      });
    },
  };
}
