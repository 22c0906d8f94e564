import { useEffect, useMemo, useState } from 'react';
import type { HistorySummary, TreeNode } from '../../../../shared/model/workspace';
import { engine } from '../../client/instance';
import { methodClass, StatusBadge } from '../../components/Badges';
import { explainError } from '../../components/errorHints';
import { formatBytes, formatDuration, shortcutLabel } from '../../components/format';
import { Icon } from '../../components/Icon';
import { MiddleEllipsis } from '../../components/MiddleEllipsis';
import { Tabs } from '../../components/Tabs';
import { useShortcut } from '../../components/shortcuts';
import { toast } from '../../components/toastStore';
import { useRequests } from '../requests/store';
import { CookiesDialog, ExportDialog, ImportDialog, OpenDialog, SaveDialog, VariablesDialog } from './dialogs';
import { variableSegments } from '../../../../shared/formats/variables';
import { checkVariables, startWorkspace, useWorkspace } from './store';
import './workspace.css';

type Panel = 'collections' | 'history';
type DialogKind = 'open' | 'save' | 'variables' | 'import' | 'export' | 'cookies' | null;

function activeTab() {
  const s = useRequests.getState();
  return s.tabs.find((t) => t.id === s.activeId) ?? s.tabs[0];
}

async function openSaved(path: string): Promise<void> {
  try {
    const saved = await engine().invoke('workspace.request.read', { path });
    const links = useWorkspace.getState().links;
    // Already open: just switch to it.
    const existing = useRequests.getState().tabs.find((t) => links[t.id]?.path === path);
    if (existing) {
      useRequests.getState().select(existing.id);
      return;
    }
    useRequests.getState().newTab({ ...saved.spec, name: saved.name });
    useWorkspace.getState().link(useRequests.getState().activeId, { path, collection: saved.collection });
  } catch (err) {
    toast.error(explainError(err));
  }
}

async function removeRequest(path: string, name: string): Promise<void> {
  if (!window.confirm(`Delete "${name}" (${path})?`)) return;
  try {
    await engine().invoke('workspace.request.delete', { path });
    const links = useWorkspace.getState().links;
    for (const [tabId, l] of Object.entries(links)) if (l.path === path) useWorkspace.getState().link(tabId, null);
  } catch (err) {
    toast.error(explainError(err));
  }
}

async function addFolder(collection: string): Promise<void> {
  const name = window.prompt('Folder name');
  if (!name?.trim()) return;
  try {
    await engine().invoke('workspace.folder.create', { collection, name: name.trim() });
  } catch (err) {
    toast.error(explainError(err));
  }
}

async function removeCollection(collection: string, name: string): Promise<void> {
  if (!window.confirm(`Delete the collection "${name}" and all its request files?`)) return;
  try {
    await engine().invoke('workspace.collection.delete', { collection });
  } catch (err) {
    toast.error(explainError(err));
  }
}

function TreeRows({ nodes, depth }: { nodes: TreeNode[]; depth: number }) {
  const [closed, setClosed] = useState<Record<string, boolean>>({});
  const activePath = useWorkspace((s) => s.links[useRequests.getState().activeId]?.path);
  useRequests((s) => s.activeId);
  return (
    <>
      {nodes.map((n) =>
        n.kind === 'folder' ? (
          <div key={n.path} role="group">
            <button
              type="button"
              className="ws-row ws-folder"
              style={{ paddingLeft: 8 + depth * 12 }}
              aria-expanded={!closed[n.path]}
              onClick={() => setClosed({ ...closed, [n.path]: !closed[n.path] })}
            >
              <span className="ws-caret">{closed[n.path] ? '▸' : '▾'}</span>
              <span className="truncate">{n.name}</span>
            </button>
            {!closed[n.path] && <TreeRows nodes={n.children} depth={depth + 1} />}
          </div>
        ) : (
          <div key={n.path} className={`ws-row ws-request ${activePath === n.path ? 'active' : ''}`} data-path={n.path}>
            <button type="button" className="ws-row-main" style={{ paddingLeft: 8 + depth * 12 }} title={`${n.method} ${n.url}\n${n.path}`} onClick={() => void openSaved(n.path)}>
              <span className={`ws-method ${methodClass(n.method)}`}>{n.method}</span>
              <span className="truncate">{n.name}</span>
            </button>
            <button type="button" className="icon-btn ws-row-action" aria-label={`Delete ${n.name}`} title="Delete this request file" onClick={() => void removeRequest(n.path, n.name)}>
              <Icon name="trash" size={12} />
            </button>
          </div>
        ),
      )}
    </>
  );
}

function Collections({ onDialog }: { onDialog: (d: DialogKind) => void }) {
  const info = useWorkspace((s) => s.info);
  const [newName, setNewName] = useState<string | null>(null);
  if (!info) {
    return (
      <div className="empty ws-empty">
        <h3>No workspace open</h3>
        <p>A workspace is a folder of plain files (one per request) you can keep in git. Open an existing folder, or give a new path to create one.</p>
        <button type="button" className="btn primary" onClick={() => onDialog('open')}>
          Open folder…
        </button>
      </div>
    );
  }
  const create = async (): Promise<void> => {
    if (!newName?.trim()) return;
    try {
      await engine().invoke('workspace.collection.create', { name: newName.trim() });
      setNewName(null);
    } catch (err) {
      toast.error(explainError(err));
    }
  };
  return (
    <div className="ws-tree" aria-label="Collections">
      {info.problems.length > 0 && (
        <div className="error-box ws-problems" title={info.problems.map((p) => `${p.where}: ${p.reason}`).join('\n')}>
          <Icon name="alert" size={14} /> {info.problems.length} file{info.problems.length === 1 ? '' : 's'} could not be read: {info.problems[0]?.where}
        </div>
      )}
      {info.collections.map((c) => (
        <div key={c.path} className="ws-collection">
          <div className="ws-row ws-collection-head" title={c.description ?? c.path}>
            <Icon name="file" size={13} />
            <span className="truncate grow">{c.name}</span>
            <span className="faint ws-count">{countRequests(c.children)}</span>
            <button type="button" className="icon-btn ws-row-action" aria-label={`New folder in ${c.name}`} title="New folder" onClick={() => void addFolder(c.path)}>
              <Icon name="plus" size={12} />
            </button>
            <button type="button" className="icon-btn ws-row-action" aria-label={`Delete collection ${c.name}`} title="Delete collection" onClick={() => void removeCollection(c.path, c.name)}>
              <Icon name="trash" size={12} />
            </button>
          </div>
          {c.children.length === 0 ? <div className="faint ws-hint">Empty — save a request here.</div> : <TreeRows nodes={c.children} depth={1} />}
        </div>
      ))}
      {info.collections.length === 0 && <div className="faint ws-hint">No collections yet: create one, or import a Postman/Insomnia/OpenAPI/HAR file or a curl command.</div>}
      {newName === null ? (
        <button type="button" className="btn small ws-new-coll" onClick={() => setNewName('')}>
          <Icon name="plus" size={12} /> New collection
        </button>
      ) : (
        <form
          className="ws-new-form"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <input className="input" autoFocus aria-label="Collection name" placeholder="Collection name" value={newName} onChange={(e) => setNewName(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setNewName(null)} />
          <button type="submit" className="btn small primary" disabled={!newName.trim()}>
            Create
          </button>
        </form>
      )}
    </div>
  );
}

function countRequests(nodes: TreeNode[]): number {
  return nodes.reduce((n, c) => n + (c.kind === 'request' ? 1 : countRequests(c.children)), 0);
}

function dayLabel(day: string): string {
  const d = new Date(`${day}T00:00:00`);
  const today = new Date();
  const key = (x: Date): string => `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
  if (day === key(today)) return 'Today';
  const y = new Date(today);
  y.setDate(today.getDate() - 1);
  if (day === key(y)) return 'Yesterday';
  return d.toLocaleDateString(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' });
}

/** Path and query (what usually differs between entries); the host is in the tooltip. */
function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

async function resend(h: HistorySummary): Promise<void> {
  try {
    const r = await engine().invoke('history.resend', { id: h.id });
    toast.success(`${r.request.method} ${r.status} ${r.statusText} · ${formatDuration(r.elapsedMs)}`);
  } catch (err) {
    toast.error(explainError(err));
  }
}

async function openHistory(h: HistorySummary): Promise<void> {
  try {
    const e = await engine().invoke('history.get', { id: h.id });
    useRequests.getState().newTab(e.spec);
  } catch (err) {
    toast.error(explainError(err));
  }
}

function History() {
  const items = useWorkspace((s) => s.history);
  const total = useWorkspace((s) => s.historyTotal);
  const bytes = useWorkspace((s) => s.historyBytes);
  const limit = useWorkspace((s) => s.historyLimit);
  const query = useWorkspace((s) => s.historyQuery);
  const groups = useMemo(() => {
    const out: Array<{ day: string; items: HistorySummary[] }> = [];
    for (const h of items) {
      const last = out.at(-1);
      if (last && last.day === h.day) last.items.push(h);
      else out.push({ day: h.day, items: [h] });
    }
    return out;
  }, [items]);
  const clear = async (): Promise<void> => {
    if (!window.confirm(`Delete all ${total} history entries and their stored responses?`)) return;
    try {
      const r = await engine().invoke('history.clear', {});
      toast.success(`Cleared ${r.removed} entries`);
    } catch (err) {
      toast.error(explainError(err));
    }
  };
  return (
    <div className="ws-history">
      <div className="ws-history-bar">
        <input
          className="input grow"
          type="search"
          placeholder="Search URL, method, status, body…"
          aria-label="Search history"
          value={query}
          onChange={(e) => useWorkspace.getState().setHistoryQuery(e.target.value)}
        />
        <button type="button" className="icon-btn" title="Clear history" aria-label="Clear history" onClick={() => void clear()} disabled={total === 0 && !query}>
          <Icon name="trash" size={14} />
        </button>
      </div>
      <div className="ws-history-list" aria-label="History">
        {groups.length === 0 && <div className="faint ws-hint">{query ? 'Nothing matches.' : 'Every request you send (here, by replay or from the CLI) shows up here with its response.'}</div>}
        {groups.map((g) => (
          <div key={g.day} role="group" aria-label={dayLabel(g.day)}>
            <div className="ws-day">{dayLabel(g.day)}</div>
            {g.items.map((h) => (
              <div key={h.id} className="ws-row ws-hist" data-id={h.id}>
                <button type="button" className="ws-hist-main" title={`${h.method} ${h.url}\n${new Date(h.at).toLocaleString()}\nOpen in a new tab`} onClick={() => void openHistory(h)}>
                  <span className={`ws-method ${methodClass(h.method)}`}>{h.method}</span>
                  <MiddleEllipsis text={shortUrl(h.url)} className="grow" />
                  {h.status !== null ? <StatusBadge status={h.status} /> : <span className="ws-err" title={h.errorCode ?? ''}>ERR</span>}
                </button>
                <button type="button" className="icon-btn ws-resend" title="Send again" aria-label="Resend" onClick={() => void resend(h)}>
                  <Icon name="play" size={12} />
                </button>
              </div>
            ))}
          </div>
        ))}
      </div>
      <div className="ws-foot faint">
        {total.toLocaleString()} entr{total === 1 ? 'y' : 'ies'} · {formatBytes(bytes)} of {formatBytes(limit)}
      </div>
    </div>
  );
}

function EnvironmentBar({ onDialog }: { onDialog: (d: DialogKind) => void }) {
  const info = useWorkspace((s) => s.info);
  const tab = useRequests((s) => s.tabs.find((t) => t.id === s.activeId));
  const link = useWorkspace((s) => (tab ? s.links[tab.id] : undefined));
  const [unresolved, setUnresolved] = useState<string[]>([]);
  const [known, setKnown] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    if (!tab) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      checkVariables(tab.spec, link?.collection)
        .then((r) => {
          if (cancelled) return;
          setUnresolved(r.unresolved);
          setKnown(new Map(r.variables.map((v) => [v.name, v.secret ? 'secret' : v.scope])));
        })
        .catch(() => !cancelled && setUnresolved([]));
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [tab, link?.collection, info]);
  if (!info) return null;
  return (
    <div className="ws-envbar">
      <div className="row">
        <select
          className="select grow"
          aria-label="Active environment"
          value={info.activeEnvironment ?? ''}
          onChange={(e) => void engine().invoke('workspace.environment.activate', { name: e.target.value || null }).catch((err: unknown) => toast.error(explainError(err)))}
        >
          <option value="">No environment</option>
          {info.environments.map((e) => (
            <option key={e.name} value={e.name}>
              {e.name}
            </option>
          ))}
        </select>
        <button type="button" className="icon-btn" title="Variables: globals, collection, environments" aria-label="Edit variables" onClick={() => onDialog('variables')}>
          <Icon name="edit" size={14} />
        </button>
      </div>
      {tab && tab.spec.url.includes('{{') && (
        <div className="ws-url-vars" aria-label="Variables in the URL">
          {variableSegments(tab.spec.url).map((seg, i) =>
            seg.variable === null ? (
              <span key={i}>{seg.text}</span>
            ) : (
              <span
                key={i}
                className={`ws-var ${known.has(seg.variable) || seg.variable.startsWith('$') ? 'ok' : 'missing'}`}
                title={known.has(seg.variable) ? `from ${known.get(seg.variable)}` : seg.variable.startsWith('$') ? 'dynamic' : 'not defined in any scope'}
              >
                {seg.text}
              </span>
            ),
          )}
        </div>
      )}
      {unresolved.length > 0 && (
        <div className="ws-unresolved" role="status" title="No scope defines these; they would be sent as written.">
          <Icon name="alert" size={12} /> Unresolved: {unresolved.map((u) => `{{${u}}}`).join(', ')}
        </div>
      )}
      {info.secretWarning && (
        <div className="ws-secret-warn faint" title={info.secretWarning}>
          <Icon name="info" size={12} /> Secrets not encrypted here
        </div>
      )}
    </div>
  );
}

export function WorkspacePanel() {
  useEffect(() => startWorkspace(), []);
  const info = useWorkspace((s) => s.info);
  const [panel, setPanel] = useState<Panel>('collections');
  const [dialog, setDialog] = useState<DialogKind>(null);
  const historyTotal = useWorkspace((s) => s.historyTotal);
  const tabId = useRequests((s) => s.activeId);
  const linked = useWorkspace((s) => s.links[tabId]);
  const save = async (): Promise<void> => {
    const t = activeTab();
    if (!t) return;
    if (linked) {
      try {
        await engine().invoke('workspace.request.save', { path: linked.path, name: t.spec.name || 'Untitled', spec: t.spec });
        toast.success(`Saved ${linked.path}`);
      } catch (err) {
        toast.error(explainError(err));
      }
    } else setDialog('save');
  };
  // Ctrl/Cmd+S saves, as in Postman (only when a workspace is open; the dialog asks where).
  useShortcut('mod+s', () => void save(), !!info);
  return (
    <aside className="ws-panel" aria-label="Workspace">
      <div className="pane-header">
        <span className="pane-title grow truncate" title={info?.dir ?? ''}>
          {info ? info.name : 'Workspace'}
        </span>
        <button type="button" className="icon-btn" title="Open a workspace folder" aria-label="Open workspace folder" onClick={() => setDialog('open')}>
          <Icon name="file" size={14} />
        </button>
        <button type="button" className="icon-btn" title="Import (curl, Postman, Insomnia, HAR, OpenAPI)" aria-label="Import" onClick={() => setDialog('import')} disabled={!info}>
          <Icon name="download" size={14} />
        </button>
        <button type="button" className="icon-btn" title="Export (cURL, code, Postman, HAR)" aria-label="Export" onClick={() => setDialog('export')}>
          <Icon name="export" size={14} />
        </button>
        <button type="button" className="icon-btn" title="Cookie jar" aria-label="Cookies" onClick={() => setDialog('cookies')}>
          <Icon name="dot" size={14} />
        </button>
      </div>
      <EnvironmentBar onDialog={setDialog} />
      {info && (
        <div className="ws-save-row">
          <button type="button" className="btn small grow" onClick={() => void save()} title={`${linked ? `Overwrite ${linked.path}` : 'Save the current request into a collection'} (${shortcutLabel('S')})`}>
            <Icon name="check" size={12} /> {linked ? 'Save' : 'Save to collection…'}
          </button>
          {linked && (
            <button type="button" className="btn small" onClick={() => setDialog('save')} title="Save a copy into a collection">
              Save as…
            </button>
          )}
        </div>
      )}
      <Tabs<Panel>
        size="small"
        ariaLabel="Workspace panels"
        items={[
          { key: 'collections', label: 'Collections' },
          { key: 'history', label: 'History', badge: historyTotal ? historyTotal.toLocaleString() : undefined },
        ]}
        active={panel}
        onChange={setPanel}
      />
      <div className="ws-body">{panel === 'collections' ? <Collections onDialog={setDialog} /> : <History />}</div>
      <OpenDialog open={dialog === 'open'} onClose={() => setDialog(null)} />
      <SaveDialog open={dialog === 'save'} onClose={() => setDialog(null)} />
      <VariablesDialog open={dialog === 'variables'} onClose={() => setDialog(null)} />
      <ImportDialog open={dialog === 'import'} onClose={() => setDialog(null)} />
      <ExportDialog open={dialog === 'export'} onClose={() => setDialog(null)} />
      <CookiesDialog open={dialog === 'cookies'} onClose={() => setDialog(null)} />
    </aside>
  );
}
