import { create } from 'zustand';
import type { EngineEvent } from '../../../../shared/contract';
import type {
  WsConnectionState,
  WsDirection,
  WsEntryKind,
  WsFrame,
  WsFrameSummary,
  WsReplyRuleInput,
  WsServerClient,
  WsServerState,
} from '../../../../shared/model/sockets';
import { engine, errorText, onEngineReady } from '../../client/instance';
import { loadPref, savePref } from '../../components/persist';

/** Summaries kept per log in the UI; older ones are a "Load older" away (the engine keeps all). */
export const LOG_WINDOW = 5_000;
const PAGE = 1_000;

export interface HeaderRow {
  key: string;
  value: string;
  enabled: boolean;
}

export interface ClientDraft {
  url: string;
  headers: HeaderRow[];
  protocols: string;
  perMessageDeflate: boolean;
  handshakeTimeoutMs: number;
  maxPayloadMb: number;
  insecure: boolean;
  reconnect: boolean;
  reconnectAttempts: number;
  reconnectIntervalMs: number;
}

export interface ServerDraft {
  port: number;
  path: string;
  protocols: string;
  echo: boolean;
  greeting: string;
  perMessageDeflate: boolean;
  rules: WsReplyRuleInput[];
}

/** 'file' sends the bytes of a file on the engine's machine, named by its path. */
export type ComposerFormat = 'text' | 'json' | 'hex' | 'base64' | 'file';

export interface ComposerState {
  format: ComposerFormat;
  text: string;
}

export type Tab =
  | { kind: 'client'; key: string; draft: ClientDraft; connectionId: string | null; composer: ComposerState }
  | { kind: 'server'; key: string; draft: ServerDraft; serverId: string | null; composer: ComposerState; clientId: string | null };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type TabPatch = Partial<DistributiveOmit<Tab, 'kind' | 'key'>>;

export interface LogFilter {
  text: string;
  direction: '' | WsDirection;
  kind: '' | WsEntryKind;
}

export interface LogView {
  frames: WsFrameSummary[];
  /** More frames exist before frames[0]. */
  hasOlder: boolean;
  total: number;
  paused: boolean;
  held: WsFrameSummary[];
  filter: LogFilter;
  selectedSeq: number | null;
  selected: WsFrame | null;
  loading: boolean;
  error: string | null;
}

export const emptyFilter: LogFilter = { text: '', direction: '', kind: '' };

function newLog(): LogView {
  return { frames: [], hasOlder: false, total: 0, paused: false, held: [], filter: emptyFilter, selectedSeq: null, selected: null, loading: false, error: null };
}

export function defaultClientDraft(url = ''): ClientDraft {
  return {
    url,
    headers: [],
    protocols: '',
    perMessageDeflate: true,
    handshakeTimeoutMs: 10_000,
    maxPayloadMb: 16,
    insecure: false,
    reconnect: false,
    reconnectAttempts: 5,
    reconnectIntervalMs: 1000,
  };
}

export function defaultServerDraft(): ServerDraft {
  return { port: 0, path: '/', protocols: '', echo: true, greeting: '', perMessageDeflate: false, rules: [] };
}

const composer = (): ComposerState => ({ format: 'text', text: '' });
let keySeq = 0;
const newKey = () => `t${Date.now().toString(36)}${(keySeq++).toString(36)}`;

interface SocketsState {
  tabs: Tab[];
  activeKey: string | null;
  connections: Record<string, WsConnectionState>;
  servers: Record<string, WsServerState>;
  clients: Record<string, WsServerClient[]>;
  logs: Record<string, LogView>;
  busy: Record<string, boolean>;

  newClientTab(url?: string): string;
  newServerTab(): string;
  closeTab(key: string): Promise<void>;
  activate(key: string): void;
  updateTab(key: string, patch: TabPatch): void;
  setBusy(key: string, busy: boolean): void;

  setFilter(logId: string, filter: Partial<LogFilter>): void;
  setPaused(logId: string, paused: boolean): void;
  selectFrame(logId: string, seq: number | null): void;
  reloadLog(logId: string): Promise<void>;
  loadOlder(logId: string): Promise<void>;
  clearLog(logId: string): Promise<void>;
  refreshClients(serverId: string): Promise<void>;
}

function persistTabs(tabs: Tab[], activeKey: string | null): void {
  // Drafts and composers survive a restart; live ids are re-attached by resync.
  savePref('sockets:tabs', tabs);
  savePref('sockets:active', activeKey);
}

export const useSockets = create<SocketsState>((set, get) => ({
  tabs: loadPref<Tab[]>('sockets:tabs', []),
  activeKey: loadPref<string | null>('sockets:active', null),
  connections: {},
  servers: {},
  clients: {},
  logs: {},
  busy: {},

  newClientTab(url = '') {
    const key = newKey();
    const tabs = [...get().tabs, { kind: 'client' as const, key, draft: defaultClientDraft(url), connectionId: null, composer: composer() }];
    set({ tabs, activeKey: key });
    persistTabs(tabs, key);
    return key;
  },
  newServerTab() {
    const key = newKey();
    const tabs = [...get().tabs, { kind: 'server' as const, key, draft: defaultServerDraft(), serverId: null, composer: composer(), clientId: null }];
    set({ tabs, activeKey: key });
    persistTabs(tabs, key);
    return key;
  },
  async closeTab(key) {
    const tab = get().tabs.find((t) => t.key === key);
    const tabs = get().tabs.filter((t) => t.key !== key);
    const idx = get().tabs.findIndex((t) => t.key === key);
    const activeKey = get().activeKey === key ? (tabs[Math.min(idx, tabs.length - 1)]?.key ?? null) : get().activeKey;
    set({ tabs, activeKey });
    persistTabs(tabs, activeKey);
    if (tab?.kind === 'client' && tab.connectionId) await engine().invoke('ws.remove', { id: tab.connectionId }).catch(() => undefined);
    if (tab?.kind === 'server' && tab.serverId) await engine().invoke('wsServer.remove', { id: tab.serverId }).catch(() => undefined);
  },
  activate(key) {
    set({ activeKey: key });
    persistTabs(get().tabs, key);
  },
  updateTab(key, patch) {
    const tabs = get().tabs.map((t) => (t.key === key ? ({ ...t, ...patch } as Tab) : t));
    set({ tabs });
    persistTabs(tabs, get().activeKey);
  },
  setBusy(key, busy) {
    set({ busy: { ...get().busy, [key]: busy } });
  },

  setFilter(logId, filter) {
    patchLog(logId, { filter: { ...logOf(logId).filter, ...filter } });
    scheduleReload(logId);
  },
  setPaused(logId, paused) {
    const log = logOf(logId);
    if (paused) return patchLog(logId, { paused: true });
    patchLog(logId, { paused: false, held: [], frames: trim([...log.frames, ...log.held]) });
  },
  selectFrame(logId, seq) {
    patchLog(logId, { selectedSeq: seq, selected: null });
    if (seq === null) return;
    void engine()
      .invoke('ws.log.frame', { logId, seq })
      .then((frame) => {
        if (logOf(logId).selectedSeq === seq) patchLog(logId, { selected: frame });
      })
      .catch((err: unknown) => patchLog(logId, { error: errorText(err) }));
  },
  async reloadLog(logId) {
    const token = (reloadTokens[logId] = (reloadTokens[logId] ?? 0) + 1);
    patchLog(logId, { loading: true });
    try {
      const res = await engine().invoke('ws.log.page', { ...filterParams(logId), newest: true, limit: PAGE });
      if (reloadTokens[logId] !== token) return;
      // Frames that arrived while the page was in flight are kept.
      const last = res.items[res.items.length - 1]?.seq ?? 0;
      const tail = logOf(logId).frames.filter((f) => f.seq > last && matchesLocal(logId, f));
      patchLog(logId, { frames: trim([...res.items, ...tail]), total: res.total + tail.length, hasOlder: res.total > res.items.length, held: [], loading: false, error: null });
    } catch (err) {
      if (reloadTokens[logId] !== token) return;
      patchLog(logId, { loading: false, error: errorText(err) });
    }
  },
  async loadOlder(logId) {
    const first = logOf(logId).frames[0];
    if (!first) return;
    const res = await engine().invoke('ws.log.page', { ...filterParams(logId), beforeSeq: first.seq, newest: true, limit: PAGE });
    const frames = [...res.items, ...logOf(logId).frames];
    patchLog(logId, { frames, hasOlder: res.total > frames.length });
  },
  async clearLog(logId) {
    await engine().invoke('ws.log.clear', { logId });
  },
  async refreshClients(serverId) {
    const list = await engine().invoke('wsServer.clients', { id: serverId });
    set({ clients: { ...get().clients, [serverId]: list } });
  },
}));

const reloadTokens: Record<string, number> = {};
const reloadTimers: Record<string, ReturnType<typeof setTimeout>> = {};

function scheduleReload(logId: string, ms = 200): void {
  clearTimeout(reloadTimers[logId]);
  reloadTimers[logId] = setTimeout(() => void useSockets.getState().reloadLog(logId), ms);
}

export function logOf(logId: string): LogView {
  return useSockets.getState().logs[logId] ?? newLog();
}

function patchLog(logId: string, patch: Partial<LogView>): void {
  const logs = useSockets.getState().logs;
  useSockets.setState({ logs: { ...logs, [logId]: { ...(logs[logId] ?? newLog()), ...patch } } });
}

/** The server tab's client selection narrows its log to that client. */
function clientFilterOf(logId: string): string | undefined {
  const tab = useSockets.getState().tabs.find((t) => t.kind === 'server' && t.serverId === logId);
  return tab?.kind === 'server' && tab.clientId ? tab.clientId : undefined;
}

export function filterParams(logId: string) {
  const f = logOf(logId).filter;
  const clientId = clientFilterOf(logId);
  return {
    logId,
    ...(clientId ? { clientId } : {}),
    ...(f.text.trim() ? { text: f.text.trim() } : {}),
    ...(f.direction ? { directions: [f.direction] } : {}),
    ...(f.kind ? { kinds: [f.kind] } : {}),
  };
}

/** Re-query a server log after its client selection changed. */
export function refilter(logId: string): void {
  scheduleReload(logId, 0);
}

function matchesLocal(logId: string, f: WsFrameSummary): boolean {
  const filter = logOf(logId).filter;
  const clientId = clientFilterOf(logId);
  if (clientId && f.clientId !== clientId) return false;
  if (filter.direction && f.direction !== filter.direction) return false;
  if (filter.kind && f.kind !== filter.kind) return false;
  // Text search runs in the engine over whole payloads; live frames are matched on their preview.
  if (filter.text.trim() && !f.preview.toLowerCase().includes(filter.text.trim().toLowerCase())) return false;
  return true;
}

function trim(list: WsFrameSummary[]): WsFrameSummary[] {
  return list.length > LOG_WINDOW ? list.slice(list.length - LOG_WINDOW) : list;
}

// ── Events: applied at most once per animation frame ──────────────────────────────────────────

let queue: EngineEvent[] = [];
let frameHandle: ReturnType<typeof setTimeout> | number | null = null;

function scheduleApply(): void {
  if (frameHandle !== null) return;
  frameHandle = document.hidden ? setTimeout(applyEvents, 250) : requestAnimationFrame(applyEvents);
}

function applyEvents(): void {
  frameHandle = null;
  const events = queue;
  queue = [];
  if (events.length === 0) return;
  const s = useSockets.getState();
  let connections = s.connections;
  let servers = s.servers;
  let clients = s.clients;
  const logs = { ...s.logs };
  let logsChanged = false;
  for (const e of events) {
    switch (e.type) {
      case 'ws.connection':
        connections = { ...connections, [e.connection.id]: e.connection };
        break;
      case 'ws.removed': {
        const { [e.id]: _gone, ...rest } = connections;
        connections = rest;
        break;
      }
      case 'wsServer.state':
        servers = { ...servers, [e.server.id]: e.server };
        break;
      case 'wsServer.removed': {
        const { [e.id]: _gone, ...rest } = servers;
        servers = rest;
        break;
      }
      case 'wsServer.client': {
        const list = clients[e.client.serverId] ?? [];
        const i = list.findIndex((c) => c.id === e.client.id);
        const next = i === -1 ? [...list, e.client] : list.map((c, j) => (j === i ? e.client : c));
        // Open clients first, as the engine lists them.
        next.sort((a, b) => (a.status === 'closed' ? 1 : 0) - (b.status === 'closed' ? 1 : 0) || a.connectedAt - b.connectedAt);
        clients = { ...clients, [e.client.serverId]: next };
        break;
      }
      case 'ws.log.cleared':
        logs[e.logId] = { ...(logs[e.logId] ?? newLog()), frames: [], held: [], total: 0, hasOlder: false, selectedSeq: null, selected: null };
        logsChanged = true;
        break;
      case 'ws.frames': {
        const log = logs[e.logId];
        // Only logs someone looks at are kept; others load when opened.
        if (!log) break;
        // A page loaded meanwhile may already hold these frames.
        const newest = Math.max(log.frames[log.frames.length - 1]?.seq ?? 0, log.held[log.held.length - 1]?.seq ?? 0);
        const fresh = e.frames.filter((f) => f.seq > newest && matchesLocal(e.logId, f));
        if (e.skipped > 0 && !log.paused) {
          scheduleReload(e.logId, 50);
        }
        if (fresh.length === 0 && e.skipped === 0) break;
        logsChanged = true;
        if (log.paused) logs[e.logId] = { ...log, held: [...log.held, ...fresh].slice(-LOG_WINDOW), total: log.total + fresh.length };
        else logs[e.logId] = { ...log, frames: trim([...log.frames, ...fresh]), total: log.total + fresh.length + e.skipped };
        break;
      }
      default:
        break;
    }
  }
  useSockets.setState({ connections, servers, clients, ...(logsChanged ? { logs } : {}) });
}

/** Lists live connections and servers, attaching them to tabs (new tabs for ones made elsewhere, e.g. the CLI door). */
async function resync(): Promise<void> {
  const [conns, srvs] = await Promise.all([engine().invoke('ws.list', {}), engine().invoke('wsServer.list', {})]);
  const connections = Object.fromEntries(conns.map((c) => [c.id, c]));
  const servers = Object.fromEntries(srvs.map((x) => [x.id, x]));
  let tabs = useSockets.getState().tabs.map((t): Tab => {
    if (t.kind === 'client' && t.connectionId && !connections[t.connectionId]) return { ...t, connectionId: null };
    if (t.kind === 'server' && t.serverId && !servers[t.serverId]) return { ...t, serverId: null, clientId: null };
    return t;
  });
  for (const c of conns) {
    if (!tabs.some((t) => t.kind === 'client' && t.connectionId === c.id)) {
      tabs = [...tabs, { kind: 'client', key: newKey(), draft: { ...defaultClientDraft(c.settings.url) }, connectionId: c.id, composer: composer() }];
    }
  }
  for (const x of srvs) {
    if (!tabs.some((t) => t.kind === 'server' && t.serverId === x.id)) {
      tabs = [...tabs, { kind: 'server', key: newKey(), draft: { ...defaultServerDraft(), port: x.settings.port, path: x.settings.path }, serverId: x.id, composer: composer(), clientId: null }];
    }
  }
  const activeKey = useSockets.getState().activeKey;
  useSockets.setState({ connections, servers, tabs, activeKey: tabs.some((t) => t.key === activeKey) ? activeKey : (tabs[0]?.key ?? null) });
  persistTabs(tabs, useSockets.getState().activeKey);
  for (const x of srvs) void useSockets.getState().refreshClients(x.id);
  for (const id of Object.keys(useSockets.getState().logs)) void useSockets.getState().reloadLog(id);
}

export function startSockets(): () => void {
  const client = engine();
  const unsub = client.subscribe((events) => {
    let relevant = false;
    for (const e of events) {
      if (e.type.startsWith('ws.') || e.type.startsWith('wsServer.')) {
        queue.push(e);
        relevant = true;
      }
    }
    if (relevant) scheduleApply();
  });
  const unready = onEngineReady(() => void resync().catch(() => undefined));
  return () => {
    unsub();
    unready();
  };
}

/** Make sure a log is loaded (first time a tab shows it). */
export function ensureLog(logId: string): void {
  if (useSockets.getState().logs[logId]) return;
  patchLog(logId, {});
  void useSockets.getState().reloadLog(logId);
}
