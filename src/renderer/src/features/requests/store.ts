import { create } from 'zustand';
import type { EngineEvent } from '../../../../shared/contract';
import type { KeyValue, RequestSpec, ResponseRecord } from '../../../../shared/model/http';
import { emptyRequestSpec } from '../../../../shared/model/http';
import { engine } from '../../client/instance';
import { base64ToBytes } from '../../components/bodyDecode';
import { explainError, errorCode } from '../../components/errorHints';
import { loadPref, savePref } from '../../components/persist';
import { mergeParams, urlWithParams } from '../../../../shared/httpParams';
import { sendContext } from '../workspace/store';

/** The first part of a response body the UI fetches; the rest on request, in ranges. */
export const BODY_PREVIEW = 1024 * 1024;
/** Bodies up to this size can be loaded whole into the viewer; beyond, save them. */
export const BODY_VIEW_MAX = 16 * 1024 * 1024;
const CHUNK = 4 * 1024 * 1024;

export interface SendError {
  code: string | null;
  message: string;
}

export interface RequestTab {
  id: string;
  spec: RequestSpec;
  /** The params table (disabled rows live only here; enabled ones mirror the URL's query). */
  params: KeyValue[];
  sending: boolean;
  requestId: string | null;
  progress: { received: number; total: number | null } | null;
  response: ResponseRecord | null;
  error: SendError | null;
  body: Uint8Array | null;
  bodyLoading: boolean;
  bodyError: string | null;
}

interface RequestsState {
  tabs: RequestTab[];
  activeId: string;
  newTab(spec?: RequestSpec): void;
  closeTab(id: string): void;
  select(id: string): void;
  update(id: string, patch: Partial<RequestSpec>): void;
  setUrl(id: string, url: string): void;
  setParams(id: string, params: KeyValue[]): void;
  send(id: string): Promise<void>;
  cancel(id: string): Promise<void>;
  loadMoreBody(id: string, upTo: number): Promise<void>;
  downloadBody(id: string): Promise<void>;
}

let seq = 0;
const newId = (): string => `t${Date.now().toString(36)}${(seq++).toString(36)}`;

function makeTab(spec: RequestSpec = emptyRequestSpec(), params?: KeyValue[]): RequestTab {
  return {
    id: newId(),
    spec,
    params: params ?? mergeParams(spec.url, []),
    sending: false,
    requestId: null,
    progress: null,
    response: null,
    error: null,
    body: null,
    bodyLoading: false,
    bodyError: null,
  };
}

interface Saved {
  tabs: Array<{ spec: RequestSpec; params: KeyValue[] }>;
  active: number;
}

function restore(): { tabs: RequestTab[]; activeId: string } {
  const saved = loadPref<Saved | null>('requests:tabs', null);
  const tabs = (saved?.tabs ?? []).filter((t) => t && t.spec && typeof t.spec.url === 'string').map((t) => makeTab({ ...emptyRequestSpec(), ...t.spec }, t.params));
  if (tabs.length === 0) tabs.push(makeTab());
  return { tabs, activeId: tabs[Math.min(Math.max(saved?.active ?? 0, 0), tabs.length - 1)]!.id };
}

let saveTimer: ReturnType<typeof setTimeout> | null = null;
function persist(): void {
  if (saveTimer) return;
  saveTimer = setTimeout(() => {
    saveTimer = null;
    const { tabs, activeId } = useRequests.getState();
    savePref('requests:tabs', {
      tabs: tabs.map((t) => ({ spec: t.spec, params: t.params })),
      active: tabs.findIndex((t) => t.id === activeId),
    } satisfies Saved);
  }, 300);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export const useRequests = create<RequestsState>((set, get) => {
  const patchTab = (id: string, patch: Partial<RequestTab> | ((t: RequestTab) => Partial<RequestTab>)): void => {
    set({ tabs: get().tabs.map((t) => (t.id === id ? { ...t, ...(typeof patch === 'function' ? patch(t) : patch) } : t)) });
  };
  const tab = (id: string): RequestTab | undefined => get().tabs.find((t) => t.id === id);

  return {
    ...restore(),
    newTab(spec) {
      const t = makeTab(spec);
      set({ tabs: [...get().tabs, t], activeId: t.id });
      persist();
    },
    closeTab(id) {
      const tabs = get().tabs;
      const i = tabs.findIndex((t) => t.id === id);
      if (i < 0) return;
      const closing = tabs[i]!;
      if (closing.sending) void get().cancel(id);
      if (closing.response) void engine().invoke('http.discardBody', { id: closing.response.id }).catch(() => undefined);
      let rest = tabs.filter((t) => t.id !== id);
      if (rest.length === 0) rest = [makeTab()];
      const activeId = get().activeId === id ? rest[Math.min(i, rest.length - 1)]!.id : get().activeId;
      set({ tabs: rest, activeId });
      persist();
    },
    select(id) {
      set({ activeId: id });
      persist();
    },
    update(id, patch) {
      patchTab(id, (t) => ({ spec: { ...t.spec, ...patch } }));
      persist();
    },
    setUrl(id, url) {
      patchTab(id, (t) => ({ spec: { ...t.spec, url }, params: mergeParams(url, t.params) }));
      persist();
    },
    setParams(id, params) {
      patchTab(id, (t) => ({ params, spec: { ...t.spec, url: urlWithParams(t.spec.url, params) } }));
      persist();
    },
    async send(id) {
      const t = tab(id);
      if (!t || t.sending) return;
      if (!t.spec.url.trim()) {
        patchTab(id, { error: { code: 'HTTP_INVALID_URL', message: 'Enter a URL to send the request to.' } });
        return;
      }
      const requestId = `${id}-${Date.now().toString(36)}`;
      const previous = t.response?.id;
      patchTab(id, { sending: true, requestId, error: null, progress: null });
      try {
        // Through the workspace: environment/collection variables, cookie jar, history.
        const response = await engine().invoke('workspace.send', { spec: t.spec, requestId, source: 'composer', ...sendContext(id) });
        if (previous) void engine().invoke('http.discardBody', { id: previous }).catch(() => undefined);
        if (!tab(id)) {
          void engine().invoke('http.discardBody', { id: response.id }).catch(() => undefined);
          return;
        }
        patchTab(id, { sending: false, requestId: null, progress: null, response, body: null, bodyError: null, bodyLoading: response.bodySize > 0 });
        if (response.bodySize > 0) await get().loadMoreBody(id, BODY_PREVIEW);
      } catch (err) {
        patchTab(id, { sending: false, requestId: null, progress: null, error: { code: errorCode(err), message: explainError(err) } });
      }
    },
    async cancel(id) {
      const t = tab(id);
      if (!t?.requestId) return;
      await engine().invoke('http.cancel', { requestId: t.requestId }).catch(() => undefined);
    },
    async loadMoreBody(id, upTo) {
      const t = tab(id);
      const r = t?.response;
      if (!t || !r) return;
      const responseId = r.id;
      let body = t.body ?? new Uint8Array(0);
      const target = Math.min(upTo, r.bodySize);
      patchTab(id, { bodyLoading: true, bodyError: null });
      try {
        while (body.length < target) {
          const part = await engine().invoke('http.responseBody', { id: responseId, offset: body.length, length: Math.min(CHUNK, target - body.length) });
          const bytes = base64ToBytes(part.base64);
          if (bytes.length === 0) break;
          body = concat(body, bytes);
          if (tab(id)?.response?.id !== responseId) return;
        }
        patchTab(id, { body, bodyLoading: false });
      } catch (err) {
        patchTab(id, { bodyLoading: false, bodyError: explainError(err) });
      }
    },
    async downloadBody(id) {
      const r = tab(id)?.response;
      if (!r) return;
      // Built from ranges into a Blob, so even a huge body never sits in one JS string.
      const parts: BlobPart[] = [];
      for (let offset = 0; offset < r.bodySize; ) {
        const part = await engine().invoke('http.responseBody', { id: r.id, offset, length: CHUNK });
        const bytes = base64ToBytes(part.base64);
        if (bytes.length === 0) break;
        parts.push(bytes as BlobPart);
        offset += bytes.length;
      }
      const blob = new Blob(parts, { type: r.contentType ?? 'application/octet-stream' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = suggestFilename(r);
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    },
  };
});

export function suggestFilename(r: ResponseRecord): string {
  const cd = r.headers.find(([n]) => n.toLowerCase() === 'content-disposition')?.[1];
  const m = cd ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd) : null;
  if (m?.[1]) return decodeURIComponent(m[1]);
  let last: string;
  try {
    last = new URL(r.url).pathname.split('/').filter(Boolean).pop() ?? '';
  } catch {
    last = '';
  }
  if (last.includes('.')) return last;
  const type = r.contentType ?? '';
  const ext = type.includes('json') ? '.json' : type.includes('html') ? '.html' : type.includes('xml') ? '.xml' : type.startsWith('text/') ? '.txt' : '.bin';
  return `${last || 'response'}${ext}`;
}

/** Progress events for downloads in flight; call once when the area mounts. */
export function startRequests(): () => void {
  return engine().subscribe((events: EngineEvent[]) => {
    let changed = false;
    const tabs = useRequests.getState().tabs.map((t) => {
      if (!t.requestId) return t;
      let progress = t.progress;
      for (const e of events) {
        if (e.type === 'http.progress' && e.requestId === t.requestId) progress = { received: e.received, total: e.total };
      }
      if (progress === t.progress) return t;
      changed = true;
      return { ...t, progress };
    });
    if (changed) useRequests.setState({ tabs });
  });
}
