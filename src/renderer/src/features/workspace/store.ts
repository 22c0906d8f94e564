import { create } from 'zustand';
import type { RequestSpec } from '../../../../shared/model/http';
import type { CookieView, HistorySummary, ResolvedVariable, WorkspaceInfo } from '../../../../shared/model/workspace';
import { engine, onEngineReady } from '../../client/instance';
import { explainError } from '../../components/errorHints';
import { loadPref, savePref } from '../../components/persist';

// The workspace feature's store: the open workspace (collections, environments), history and
// cookies, kept fresh by engine events. Links a Requests tab to the saved request it came from, so
// sends use that collection's variables and "Save" overwrites the file.

export interface TabLink {
  path: string;
  collection: string;
}

interface WorkspaceState {
  info: WorkspaceInfo | null;
  loaded: boolean;
  error: string | null;
  history: HistorySummary[];
  historyTotal: number;
  historyBytes: number;
  historyLimit: number;
  historyQuery: string;
  cookies: CookieView[];
  /** Requests tab id → saved request. */
  links: Record<string, TabLink>;
  reload(): Promise<void>;
  reloadHistory(): Promise<void>;
  reloadCookies(): Promise<void>;
  setHistoryQuery(q: string): void;
  link(tabId: string, link: TabLink | null): void;
}

export const useWorkspace = create<WorkspaceState>((set, get) => ({
  info: null,
  loaded: false,
  error: null,
  history: [],
  historyTotal: 0,
  historyBytes: 0,
  historyLimit: 0,
  historyQuery: '',
  cookies: [],
  links: loadPref<Record<string, TabLink>>('workspace:links', {}),
  async reload() {
    try {
      const info = await engine().invoke('workspace.get', {});
      set({ info, loaded: true, error: null });
    } catch (err) {
      set({ loaded: true, error: explainError(err) });
    }
  },
  async reloadHistory() {
    const text = get().historyQuery.trim();
    try {
      const r = await engine().invoke('history.list', { limit: 500, ...(text ? { text } : {}) });
      set({ history: r.items, historyTotal: r.total, historyBytes: r.bytes, historyLimit: r.limitBytes });
    } catch (err) {
      set({ error: explainError(err) });
    }
  },
  async reloadCookies() {
    try {
      set({ cookies: await engine().invoke('cookies.list', {}) });
    } catch {
      // shown as empty
    }
  },
  setHistoryQuery(q) {
    set({ historyQuery: q });
    scheduleHistory(250);
  },
  link(tabId, link) {
    const links = { ...get().links };
    if (link) links[tabId] = link;
    else delete links[tabId];
    set({ links });
    savePref('workspace:links', links);
  },
}));

let historyTimer: ReturnType<typeof setTimeout> | null = null;
function scheduleHistory(ms: number): void {
  if (historyTimer) clearTimeout(historyTimer);
  historyTimer = setTimeout(() => {
    historyTimer = null;
    void useWorkspace.getState().reloadHistory();
  }, ms);
}

/** What a Requests tab sends with: its collection's variables, the active environment, the jar. */
export function sendContext(tabId: string): { collection?: string } {
  const l = useWorkspace.getState().links[tabId];
  const info = useWorkspace.getState().info;
  if (!l || !info?.collections.some((c) => c.path === l.collection)) return {};
  return { collection: l.collection };
}

/** Unresolved {{variables}} of a spec with the current scopes (debounced by the caller). */
export async function checkVariables(spec: RequestSpec, collection?: string): Promise<{ unresolved: string[]; variables: ResolvedVariable[] }> {
  const r = await engine().invoke('workspace.variables', { spec, ...(collection ? { collection } : {}) });
  return { unresolved: r.unresolved, variables: r.variables };
}

let started = 0;
let stop: (() => void) | null = null;

/** Wire the store to the engine; ref-counted so several views can mount it. */
export function startWorkspace(): () => void {
  started++;
  if (started === 1) {
    const offEvents = engine().subscribe((events) => {
      let ws = false;
      let hist = false;
      let cookies = false;
      for (const e of events) {
        if (e.type === 'workspace.changed') ws = true;
        else if (e.type === 'history.added' || e.type === 'history.removed') hist = true;
        else if (e.type === 'cookies.changed') cookies = true;
      }
      if (ws) void useWorkspace.getState().reload();
      if (hist) scheduleHistory(100);
      if (cookies) void useWorkspace.getState().reloadCookies();
    });
    const offReady = onEngineReady(() => {
      void useWorkspace.getState().reload();
      void useWorkspace.getState().reloadHistory();
      void useWorkspace.getState().reloadCookies();
    });
    stop = () => {
      offEvents();
      offReady();
    };
  }
  return () => {
    started--;
    if (started === 0) {
      stop?.();
      stop = null;
    }
  };
}
