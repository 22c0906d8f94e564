import { create } from 'zustand';
import type { EngineEvent } from '../../../../shared/contract';
import type { Capture, CaptureSummary, CatcherState } from '../../../../shared/model/catcher';
import { engine, errorText, onEngineReady } from '../../client/instance';
import { base64ToBytes } from '../../components/bodyDecode';
import { errorCode } from '../../components/errorHints';
import { loadPref, savePref } from '../../components/persist';
import { listCaptures, matchesToolFilters, onToolFiltersChanged, startTools } from '../webhookTools/store';

/** How many summaries the list keeps in memory; older ones are one "Load older" away. */
export const PAGE = 5_000;
export const MAX_IN_MEMORY = 50_000;
/** First body range fetched for the detail; the rest on request. */
export const BODY_PREVIEW = 1024 * 1024;

export interface BodyState {
  id: string;
  bytes: Uint8Array;
  total: number;
  loading: boolean;
  /** 0–1 while "Load all" runs, else null. */
  progress?: number | null;
  error: string | null;
}

interface WebhooksState {
  catchers: CatcherState[];
  catchersLoaded: boolean;
  catchersError: string | null;
  /** null = all catchers. */
  catcherId: string | null;
  captures: CaptureSummary[];
  total: number;
  listLoading: boolean;
  listError: string | null;
  text: string;
  method: string;
  paused: boolean;
  held: CaptureSummary[];
  selectedId: string | null;
  /** Multi-selection for export; the selected (detail) row is the range anchor. */
  marked: ReadonlySet<string>;
  detail: Capture | null;
  detailError: string | null;
  body: BodyState | null;

  selectCatcher(id: string | null): void;
  setText(text: string): void;
  setMethod(method: string): void;
  setPaused(paused: boolean): void;
  select(id: string | null): void;
  mark(id: string, mode: 'toggle' | 'range'): void;
  clearMarks(): void;
  reloadCatchers(): Promise<void>;
  reloadCaptures(): Promise<void>;
  loadOlder(): Promise<void>;
  loadFullBody(): Promise<void>;
  cancelFullBody(): void;
  fetchWholeBody(id: string, total: number, onProgress?: (done: number) => boolean | void): Promise<Uint8Array>;
}

export const useWebhooks = create<WebhooksState>((set, get) => ({
  catchers: [],
  catchersLoaded: false,
  catchersError: null,
  catcherId: loadPref<string | null>('webhooks:catcher', null),
  captures: [],
  total: 0,
  listLoading: false,
  listError: null,
  text: '',
  method: '',
  paused: false,
  held: [],
  selectedId: loadPref<string | null>('webhooks:selected', null),
  marked: new Set<string>(),
  detail: null,
  detailError: null,
  body: null,

  selectCatcher(id) {
    set({ catcherId: id });
    savePref('webhooks:catcher', id);
    void get().reloadCaptures();
  },
  setText(text) {
    set({ text });
    scheduleReload();
  },
  setMethod(method) {
    set({ method });
    void get().reloadCaptures();
  },
  setPaused(paused) {
    if (paused) return set({ paused });
    const { held, captures } = get();
    set({ paused: false, held: [], captures: trim([...captures, ...held]) });
  },
  select(id) {
    set({ selectedId: id });
    savePref('webhooks:selected', id);
    void loadDetail(id);
  },

  mark(id, mode) {
    const { marked, captures, selectedId } = get();
    const next = new Set(marked);
    if (mode === 'toggle') {
      if (next.has(id)) next.delete(id);
      else next.add(id);
      // Marking starts from the row that was open, as in file managers.
      if (selectedId && marked.size === 0 && selectedId !== id) next.add(selectedId);
    } else {
      const a = captures.findIndex((c) => c.id === (selectedId ?? id));
      const b = captures.findIndex((c) => c.id === id);
      if (a === -1 || b === -1) next.add(id);
      else for (let i = Math.min(a, b); i <= Math.max(a, b); i++) next.add(captures[i]!.id);
    }
    set({ marked: next });
  },
  clearMarks() {
    set({ marked: new Set() });
  },

  async reloadCatchers() {
    try {
      const catchers = await engine().invoke('catchers.list', {});
      set({ catchers, catchersLoaded: true, catchersError: null });
      const { catcherId } = get();
      if (catcherId && !catchers.some((c) => c.id === catcherId)) get().selectCatcher(null);
    } catch (err) {
      set({ catchersLoaded: true, catchersError: errorText(err) });
    }
  },

  async reloadCaptures() {
    const token = ++listToken;
    set({ listLoading: true });
    try {
      const res = await listCaptures({ ...filterParams(), newest: true, limit: PAGE });
      if (token !== listToken) return;
      const ids = new Set(res.items.map((c) => c.id));
      const marked = new Set([...get().marked].filter((id) => ids.has(id)));
      set({ captures: bySeq(res.items), total: res.total, held: [], marked, listLoading: false, listError: null });
      const { selectedId, detail } = get();
      if (selectedId && !detail) void loadDetail(selectedId);
    } catch (err) {
      if (token !== listToken) return;
      set({ listLoading: false, listError: errorText(err) });
    }
  },

  async loadOlder() {
    const first = get().captures[0];
    if (!first) return;
    try {
      const res = await listCaptures({ ...filterParams(), beforeSeq: first.seq, newest: true, limit: PAGE });
      set({ captures: [...bySeq(res.items), ...get().captures] });
    } catch (err) {
      set({ listError: errorText(err) });
    }
  },

  async loadFullBody() {
    const body = get().body;
    if (!body || body.bytes.length >= body.total) return;
    const run = ++fullBodyRun;
    set({ body: { ...body, loading: true, progress: body.bytes.length / body.total } });
    const live = () => fullBodyRun === run && get().body?.id === body.id;
    try {
      const bytes = await get().fetchWholeBody(body.id, body.total, (done) => {
        if (!live()) return false;
        const current = get().body!;
        set({ body: { ...current, progress: done / body.total } });
        return true;
      });
      if (live()) set({ body: { ...body, bytes, loading: false, progress: null } });
    } catch (err) {
      if (live()) set({ body: { ...body, loading: false, progress: null, error: errorText(err) } });
    }
  },
  cancelFullBody() {
    fullBodyRun++;
    const body = get().body;
    if (body) set({ body: { ...body, loading: false, progress: null } });
  },

  async fetchWholeBody(id, total, onProgress) {
    const chunk = 8 * 1024 * 1024;
    const out = new Uint8Array(total);
    let offset = 0;
    while (offset < total) {
      const r = await engine().invoke('captures.body', { id, offset, length: chunk });
      const part = base64ToBytes(r.base64);
      if (part.length === 0) break;
      out.set(part.subarray(0, total - offset), offset);
      offset += part.length;
      // The caller may stop us between ranges (cancelled, or the user moved on).
      if (onProgress && onProgress(Math.min(offset, total)) === false) throw new Error('Cancelled');
    }
    return out.subarray(0, Math.min(offset, total));
  },
}));

let listToken = 0;
let fullBodyRun = 0;
let detailToken = 0;
let reloadTimer: ReturnType<typeof setTimeout> | null = null;

function scheduleReload(ms = 200): void {
  if (reloadTimer) clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => {
    reloadTimer = null;
    void useWebhooks.getState().reloadCaptures();
  }, ms);
}

export function filterParams(): { catcherId?: string; text?: string; methods?: string[] } {
  const { catcherId, text, method } = useWebhooks.getState();
  return {
    ...(catcherId ? { catcherId } : {}),
    ...(text.trim() ? { text: text.trim() } : {}),
    ...(method ? { methods: [method] } : {}),
  };
}

/** Pages come oldest first; sorting again costs little and keeps the list right whatever the door does. */
function bySeq(items: CaptureSummary[]): CaptureSummary[] {
  for (let i = 1; i < items.length; i++) if (items[i - 1]!.seq > items[i]!.seq) return [...items].sort((a, b) => a.seq - b.seq);
  return items;
}

function trim(list: CaptureSummary[]): CaptureSummary[] {
  return list.length > MAX_IN_MEMORY ? list.slice(list.length - MAX_IN_MEMORY) : list;
}

async function loadDetail(id: string | null): Promise<void> {
  const token = ++detailToken;
  if (!id) return useWebhooks.setState({ detail: null, body: null, detailError: null });
  useWebhooks.setState({ detailError: null });
  try {
    const capture = await engine().invoke('captures.get', { id });
    if (token !== detailToken) return;
    useWebhooks.setState({
      detail: capture,
      body: { id, bytes: new Uint8Array(0), total: capture.bodySize, loading: capture.bodySize > 0, error: null },
    });
    if (capture.bodySize === 0) return;
    const r = await engine().invoke('captures.body', { id, offset: 0, length: BODY_PREVIEW });
    if (token !== detailToken) return;
    useWebhooks.setState({ body: { id, bytes: base64ToBytes(r.base64), total: r.total, loading: false, error: null } });
  } catch (err) {
    if (token !== detailToken) return;
    // The remembered selection was cleared or deleted meanwhile: forget it quietly.
    if (errorCode(err) === 'NOT_FOUND') {
      useWebhooks.setState({ selectedId: null, detail: null, body: null, detailError: null });
      savePref('webhooks:selected', null);
      return;
    }
    const state = useWebhooks.getState();
    // A capture that vanished (cleared) is not an error worth shouting about.
    if (state.detail?.id !== id) useWebhooks.setState({ detail: null, body: null, detailError: errorText(err) });
    else useWebhooks.setState({ body: state.body && { ...state.body, loading: false, error: errorText(err) } });
  }
}

function matchesLocal(c: CaptureSummary): boolean {
  const { catcherId, method } = useWebhooks.getState();
  if (catcherId && c.catcherId !== catcherId) return false;
  if (method && c.method.toUpperCase() !== method) return false;
  return matchesToolFilters(c);
}

// Events are applied at most once per animation frame, however fast they come.
let queue: EngineEvent[] = [];
let frame: ReturnType<typeof setTimeout> | number | null = null;

// rAF stops in hidden tabs; fall back to a timer so the queue never grows unbounded.
function scheduleApply(): void {
  if (frame !== null) return;
  frame = document.hidden ? setTimeout(applyEvents, 250) : requestAnimationFrame(applyEvents);
}

function applyEvents(): void {
  frame = null;
  if (queue.length === 0) return;
  const events = queue;
  queue = [];
  const s = useWebhooks.getState();
  let catchers = s.catchers;
  let captures = s.captures;
  let held = s.held;
  let total = s.total;
  let reload = false;
  let reloadCatchers = false;
  const added: CaptureSummary[] = [];
  const textFilter = s.text.trim() !== '';
  for (const ev of events) {
    switch (ev.type) {
      case 'catcher.state': {
        const i = catchers.findIndex((c) => c.id === ev.catcher.id);
        catchers = i === -1 ? [...catchers, ev.catcher] : catchers.map((c, j) => (j === i ? ev.catcher : c));
        break;
      }
      case 'catcher.removed':
        catchers = catchers.filter((c) => c.id !== ev.id);
        reloadCatchers = reloadCatchers || s.catcherId === ev.id;
        break;
      case 'capture.new':
        catchers = catchers.map((c) => (c.id === ev.capture.catcherId ? { ...c, captureCount: c.captureCount + 1 } : c));
        // Text filters also search headers and bodies, which only the engine can see.
        if (textFilter) reload = true;
        else if (matchesLocal(ev.capture)) added.push(ev.capture);
        break;
      case 'capture.updated':
        captures = captures.map((c) => (c.id === ev.capture.id ? ev.capture : c));
        break;
      case 'captures.cleared':
        if (ev.catcherId === null || !s.catcherId || ev.catcherId === s.catcherId) reload = true;
        catchers = catchers.map((c) => (ev.catcherId === null || c.id === ev.catcherId ? { ...c, captureCount: 0 } : c));
        break;
      default:
        break;
    }
  }
  if (added.length) {
    total += added.length;
    if (s.paused) held = [...held, ...added];
    else captures = trim([...captures, ...added]);
  }
  useWebhooks.setState({ catchers, captures, held, total });
  if (reload) scheduleReload(textFilter ? 300 : 0);
  if (reloadCatchers) useWebhooks.getState().selectCatcher(null);
}

/** Wire the store to the engine; call once when the Webhooks area mounts. */
export function startWebhooks(): () => void {
  const offEvents = engine().subscribe((events) => {
    for (const ev of events) queue.push(ev);
    scheduleApply();
  });
  const offTools = startTools();
  onToolFiltersChanged(() => scheduleReload(0));
  const offReady = onEngineReady(() => {
    void useWebhooks.getState().reloadCatchers();
    void useWebhooks.getState().reloadCaptures();
  });
  return () => {
    offEvents();
    offTools();
    offReady();
    frame = null;
    queue = [];
  };
}
