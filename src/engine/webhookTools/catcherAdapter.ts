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
      const view = (catcherId: string, c: { method: string; url: string; headers: HeaderPairs; receivedAt: string; remoteAddress: string; contentType?: string | null }, body: Buffer): RequestView => ({
        catcherId,
        method: c.method,
        url: c.url,
        headers: c.headers,
        body,
        receivedAtMs: Date.parse(c.receivedAt),
        remoteAddress: c.remoteAddress,
        contentType: c.contentType ?? contentTypeOf(c.headers),
      });
      api.setHooks({
        annotate: ({ catcher, capture, body }) => hooks.annotate(view(catcher.id, capture, body)),
        respond: async ({ catcher, capture, body }) => hooks.respond(capture.id, view(catcher.id, capture, body), capture.annotations ?? {}),
        afterResponse: ({ catcher, capture, body }) => hooks.afterResponse(capture.id, view(catcher.id, capture, body), capture.annotations ?? {}),
      });
    },
  };
}
