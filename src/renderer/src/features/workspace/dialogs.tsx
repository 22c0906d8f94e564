import { useEffect, useState } from 'react';
import { SNIPPET_TARGETS, type ImportPreview, type SnippetTarget } from '../../../../shared/contract/workspace';
import type { ResolvedVariable, VariableDef, VariableView } from '../../../../shared/model/workspace';
import { engine } from '../../client/instance';
import { downloadBlob } from '../../components/clipboard';
import { CodeView } from '../../components/CodeView';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { explainError } from '../../components/errorHints';
import { Icon } from '../../components/Icon';
import { toast } from '../../components/toastStore';
import { useRequests } from '../requests/store';
import { useWorkspace } from './store';

function activeTab() {
  const s = useRequests.getState();
  return s.tabs.find((t) => t.id === s.activeId) ?? s.tabs[0];
}

function ErrorLine({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <div className="error-box" role="alert">
      <Icon name="alert" size={14} /> {error}
    </div>
  );
}

export function OpenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const info = useWorkspace((s) => s.info);
  const [dir, setDir] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (open) {
      setDir(info?.dir ?? '');
      setError(null);
    }
  }, [open, info?.dir]);
  const go = async (create: boolean): Promise<void> => {
    try {
      const r = await engine().invoke('workspace.open', { dir: dir.trim(), create });
      useWorkspace.setState({ info: r });
      toast.success(`Opened ${r.dir}`);
      onClose();
    } catch (err) {
      setError(explainError(err));
    }
  };
  return (
    <Dialog
      open={open}
      title="Open a workspace folder"
      onClose={onClose}
      footer={
        <>
          {info && (
            <button
              type="button"
              className="btn"
              onClick={() =>
                void engine()
                  .invoke('workspace.close', {})
                  .then(() => {
                    useWorkspace.setState({ info: null });
                    onClose();
                  })
              }
            >
              Close workspace
            </button>
          )}
          <span className="grow" />
          <button type="button" className="btn" onClick={() => void go(true)} disabled={!dir.trim()}>
            Create &amp; open
          </button>
          <button type="button" className="btn primary" onClick={() => void go(false)} disabled={!dir.trim()}>
            Open
          </button>
        </>
      }
    >
      <p className="muted">
        Any folder can be a workspace: each collection is a sub-folder with a <code>collection.json</code>, each request a readable <code>*.request.json</code> file,
        environments in <code>environments/</code>. Changes made outside (git pull) show up here at once.
      </p>
      <label className="ws-field">
        <span>Folder path (on the machine running the engine)</span>
        <input className="input" autoFocus value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/home/me/api-workspace" aria-label="Workspace folder path" onKeyDown={(e) => e.key === 'Enter' && dir.trim() && void go(false)} />
      </label>
      <ErrorLine error={error} />
    </Dialog>
  );
}

export function SaveDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const info = useWorkspace((s) => s.info);
  const [name, setName] = useState('');
  const [collection, setCollection] = useState('');
  const [newCollection, setNewCollection] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    const t = activeTab();
    setName(t?.spec.name || (t?.spec.url ? `${t.spec.method} ${t.spec.url.replace(/^https?:\/\/[^/]+/, '').split('?')[0] || '/'}` : 'New request'));
    setCollection(info?.collections[0]?.path ?? '');
    setNewCollection('');
    setError(null);
  }, [open, info]);
  const save = async (): Promise<void> => {
    const t = activeTab();
    if (!t) return;
    try {
      let target = collection;
      if (!target) {
        if (!newCollection.trim()) throw new Error('Name the new collection.');
        const before = new Set(info?.collections.map((c) => c.path));
        const r = await engine().invoke('workspace.collection.create', { name: newCollection.trim() });
        target = r.collections.find((c) => !before.has(c.path))?.path ?? '';
      }
      const saved = await engine().invoke('workspace.request.save', { collection: target, name: name.trim(), spec: { ...t.spec, name: name.trim() } });
      useRequests.getState().update(t.id, { name: name.trim() });
      useWorkspace.getState().link(t.id, { path: saved.path, collection: saved.collection });
      toast.success(`Saved as ${saved.path}`);
      onClose();
    } catch (err) {
      setError(explainError(err));
    }
  };
  return (
    <Dialog
      open={open}
      title="Save request to a collection"
      onClose={onClose}
      footer={
        <button type="button" className="btn primary" onClick={() => void save()} disabled={!name.trim()}>
          Save
        </button>
      }
    >
      <label className="ws-field">
        <span>Name</span>
        <input className="input" autoFocus aria-label="Request name" value={name} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void save()} />
      </label>
      <label className="ws-field">
        <span>Collection</span>
        <select className="select" aria-label="Collection" value={collection} onChange={(e) => setCollection(e.target.value)}>
          {info?.collections.map((c) => (
            <option key={c.path} value={c.path}>
              {c.name}
            </option>
          ))}
          <option value="">New collection…</option>
        </select>
      </label>
      {!collection && (
        <label className="ws-field">
          <span>New collection name</span>
          <input className="input" aria-label="New collection name" value={newCollection} onChange={(e) => setNewCollection(e.target.value)} />
        </label>
      )}
      <ErrorLine error={error} />
    </Dialog>
  );
}

type Scope = { kind: 'global' } | { kind: 'collection'; path: string } | { kind: 'environment'; name: string } | { kind: 'new-environment' };

function toDefs(views: VariableView[]): VariableDef[] {
  return views.map((v) => ({ name: v.name, value: v.value, enabled: v.enabled, ...(v.secret ? { secret: true } : {}) }));
}

function VariableTable({ rows, onChange, stored }: { rows: VariableDef[]; onChange: (rows: VariableDef[]) => void; stored: Record<string, boolean> }) {
  const set = (i: number, patch: Partial<VariableDef>): void => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <table className="ws-vars">
      <thead>
        <tr>
          <th />
          <th>Name</th>
          <th>Value</th>
          <th title="Kept out of the workspace files, stored in the OS keychain (or SWITCHBOARD_VAR_NAME)">Secret</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            <td>
              <input type="checkbox" aria-label={`Enable ${r.name}`} checked={r.enabled} onChange={(e) => set(i, { enabled: e.target.checked })} />
            </td>
            <td>
              <input className="input" aria-label="Variable name" value={r.name} onChange={(e) => set(i, { name: e.target.value })} />
            </td>
            <td>
              <input
                className="input"
                aria-label={`Value of ${r.name}`}
                type={r.secret ? 'password' : 'text'}
                placeholder={r.secret ? (stored[r.name] ? '•••••• (stored; type to replace)' : 'not set') : ''}
                value={r.value}
                onChange={(e) => set(i, { value: e.target.value })}
              />
            </td>
            <td>
              <input type="checkbox" aria-label={`${r.name} is secret`} checked={!!r.secret} onChange={(e) => set(i, { secret: e.target.checked })} />
            </td>
            <td>
              <button type="button" className="icon-btn" aria-label={`Remove ${r.name}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                <Icon name="trash" size={12} />
              </button>
            </td>
          </tr>
        ))}
        <tr>
          <td colSpan={5}>
            <button type="button" className="btn small" onClick={() => onChange([...rows, { name: '', value: '', enabled: true }])}>
              <Icon name="plus" size={12} /> Add variable
            </button>
          </td>
        </tr>
      </tbody>
    </table>
  );
}

export function VariablesDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const info = useWorkspace((s) => s.info);
  const [scope, setScope] = useState<Scope>({ kind: 'global' });
  const [rows, setRows] = useState<VariableDef[]>([]);
  const [envName, setEnvName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [resolved, setResolved] = useState<ResolvedVariable[]>([]);
  const tabId = useRequests((s) => s.activeId);
  const link = useWorkspace((s) => s.links[tabId]);

  const viewsFor = (s: Scope): VariableView[] => {
    if (!info) return [];
    if (s.kind === 'global') return info.globals;
    if (s.kind === 'collection') return info.collections.find((c) => c.path === s.path)?.variables ?? [];
    if (s.kind === 'environment') return info.environments.find((e) => e.name === s.name)?.variables ?? [];
    return [];
  };
  const key = JSON.stringify(scope);
  useEffect(() => {
    if (!open) return;
    setRows(toDefs(viewsFor(scope)));
    setEnvName(scope.kind === 'environment' ? scope.name : '');
    setError(null);
    // Reload the rows when the scope or the workspace changes (viewsFor reads both).
  }, [open, key, info]);
  useEffect(() => {
    if (!open) return;
    void engine()
      .invoke('workspace.variables', link ? { collection: link.collection } : {})
      .then((r) => setResolved(r.variables))
      .catch(() => setResolved([]));
  }, [open, info, link]);
  if (!info) {
    return (
      <Dialog open={open} title="Variables" onClose={onClose}>
        <p className="muted">Open a workspace first: variables live in its files.</p>
      </Dialog>
    );
  }
  const stored: Record<string, boolean> = {};
  for (const v of viewsFor(scope)) stored[v.name] = v.hasValue;
  const save = async (): Promise<void> => {
    try {
      const variables = rows.filter((r) => r.name.trim()).map((r) => ({ ...r, name: r.name.trim() }));
      if (scope.kind === 'global') await engine().invoke('workspace.globals.save', { variables });
      else if (scope.kind === 'collection') await engine().invoke('workspace.collection.update', { collection: scope.path, variables });
      else {
        const name = envName.trim();
        if (!name) throw new Error('Name the environment.');
        await engine().invoke('workspace.environment.save', { name, ...(scope.kind === 'environment' ? { previousName: scope.name } : {}), variables });
        setScope({ kind: 'environment', name });
      }
      toast.success('Variables saved');
    } catch (err) {
      setError(explainError(err));
    }
  };
  const remove = async (): Promise<void> => {
    if (scope.kind !== 'environment') return;
    if (!window.confirm(`Delete the environment "${scope.name}"?`)) return;
    try {
      await engine().invoke('workspace.environment.delete', { name: scope.name });
      setScope({ kind: 'global' });
    } catch (err) {
      setError(explainError(err));
    }
  };
  const scopeLabel = (s: Scope): string =>
    s.kind === 'global' ? 'Globals' : s.kind === 'collection' ? `Collection: ${info.collections.find((c) => c.path === s.path)?.name ?? s.path}` : s.kind === 'environment' ? `Environment: ${s.name}` : 'New environment';
  const scopes: Scope[] = [
    { kind: 'global' },
    ...info.collections.map((c): Scope => ({ kind: 'collection', path: c.path })),
    ...info.environments.map((e): Scope => ({ kind: 'environment', name: e.name })),
    { kind: 'new-environment' },
  ];
  return (
    <Dialog
      open={open}
      title="Variables and environments"
      onClose={onClose}
      width={820}
      footer={
        <>
          {scope.kind === 'environment' && (
            <button type="button" className="btn danger" onClick={() => void remove()}>
              Delete environment
            </button>
          )}
          <span className="grow" />
          <button type="button" className="btn primary" onClick={() => void save()}>
            Save
          </button>
        </>
      }
    >
      <div className="ws-vars-layout">
        <nav className="ws-scopes" aria-label="Scopes">
          {scopes.map((s) => (
            <button key={JSON.stringify(s)} type="button" className={`ws-row ${JSON.stringify(s) === key ? 'active' : ''}`} onClick={() => setScope(s)}>
              <span className="truncate">{scopeLabel(s)}</span>
              {s.kind === 'environment' && info.activeEnvironment === s.name && <span className="ws-active-pill">active</span>}
            </button>
          ))}
        </nav>
        <div className="grow ws-vars-main">
          <p className="faint ws-precedence">
            Precedence (as in Postman): <b>global</b> &lt; <b>collection</b> &lt; <b>environment</b>. A value may use other {'{{variables}}'}. Secret values never go into the
            workspace files{info.secretWarning ? '' : '; they are encrypted with the OS keychain'}.
          </p>
          {info.secretWarning && (
            <div className="ws-warn" role="note">
              <Icon name="alert" size={12} /> {info.secretWarning}
            </div>
          )}
          {(scope.kind === 'environment' || scope.kind === 'new-environment') && (
            <label className="ws-field">
              <span>Environment name</span>
              <input className="input" aria-label="Environment name" value={envName} onChange={(e) => setEnvName(e.target.value)} />
            </label>
          )}
          <VariableTable rows={rows} onChange={setRows} stored={stored} />
          <ErrorLine error={error} />
          <h4 className="ws-subhead">In effect{link ? ' for this request' : ''}</h4>
          <table className="ws-vars ws-resolved" aria-label="Resolved variables">
            <tbody>
              {resolved.map((r) => (
                <tr key={r.name}>
                  <td>{r.name}</td>
                  <td className="truncate">{r.secret ? '••••••' : r.value}</td>
                  <td>
                    <span className={`ws-scope ws-scope-${r.scope}`}>{r.scope}</span>
                    {r.overrides.length > 0 && <span className="faint"> overrides {r.overrides.join(', ')}</span>}
                  </td>
                </tr>
              ))}
              {resolved.length === 0 && (
                <tr>
                  <td className="faint">No variables defined.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </div>
    </Dialog>
  );
}

export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) {
      setText('');
      setPreview(null);
      setError(null);
    }
  }, [open]);
  useEffect(() => {
    if (!text.trim()) {
      setPreview(null);
      setError(null);
      return;
    }
    let cancelled = false;
    const t = setTimeout(() => {
      engine()
        .invoke('import.preview', { text })
        .then((p) => {
          if (cancelled) return;
          setPreview(p);
          setError(null);
        })
        .catch((err: unknown) => {
          if (cancelled) return;
          setPreview(null);
          setError(explainError(err));
        });
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [text]);
  const run = async (): Promise<void> => {
    setBusy(true);
    try {
      const r = await engine().invoke('import.run', { text });
      useWorkspace.setState({ info: r.info });
      toast.success(`Imported ${r.collection ?? ''}${r.environments.length ? ` (+ ${r.environments.length} environment${r.environments.length > 1 ? 's' : ''})` : ''}`);
      onClose();
    } catch (err) {
      setError(explainError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={open}
      title="Import"
      onClose={onClose}
      width={720}
      footer={
        <button type="button" className="btn primary" onClick={() => void run()} disabled={!preview || busy}>
          Import{preview ? ` ${preview.requests} request${preview.requests === 1 ? '' : 's'}` : ''}
        </button>
      }
    >
      <p className="muted">Paste a curl command, or the contents of a Postman collection (v2.1) or environment, an Insomnia export, a HAR file or an OpenAPI 3 document (JSON or YAML).</p>
      <div className="row" style={{ marginBottom: 6 }}>
        <label className="btn small">
          <Icon name="file" size={12} /> Choose file…
          <input
            type="file"
            hidden
            aria-label="Import file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void f.text().then(setText);
            }}
          />
        </label>
      </div>
      <textarea className="textarea ws-import-text" aria-label="Text to import" value={text} onChange={(e) => setText(e.target.value)} placeholder={"curl -X POST https://api.example.com/items -H 'Content-Type: application/json' -d '{\"a\":1}'"} />
      <ErrorLine error={error} />
      {preview && (
        <div className="ws-preview" aria-label="Import preview">
          <div>
            <b>{preview.format}</b> · “{preview.name}” · {preview.requests} request{preview.requests === 1 ? '' : 's'}
            {preview.folders ? ` in ${preview.folders} folder${preview.folders === 1 ? '' : 's'}` : ''}
            {preview.environments.length ? ` · environments: ${preview.environments.join(', ')}` : ''}
          </div>
          {preview.skipped.length > 0 && (
            <>
              <div className="ws-subhead">Not imported ({preview.skipped.length})</div>
              <ul className="ws-skipped">
                {preview.skipped.map((s, i) => (
                  <li key={i}>
                    <code>{s.where}</code> — {s.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </Dialog>
  );
}

type ExportKind = 'snippet' | 'postman' | 'har';

export function ExportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const info = useWorkspace((s) => s.info);
  const [kind, setKind] = useState<ExportKind>('snippet');
  const [target, setTarget] = useState<SnippetTarget>('shell:curl');
  const [raw, setRaw] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [collection, setCollection] = useState('');
  const tabId = useRequests((s) => s.activeId);
  const spec = useRequests((s) => s.tabs.find((t) => t.id === s.activeId)?.spec);
  const link = useWorkspace((s) => s.links[tabId]);
  useEffect(() => {
    if (open) setCollection(link?.collection ?? info?.collections[0]?.path ?? '');
  }, [open, link, info]);
  useEffect(() => {
    if (!open || kind !== 'snippet' || !spec) return;
    let cancelled = false;
    engine()
      .invoke('export.request', { spec, target, raw, ...(link ? { collection: link.collection } : {}) })
      .then((r) => {
        if (!cancelled) {
          setCode(r.text);
          setError(null);
        }
      })
      .catch((err: unknown) => {
        if (!cancelled) {
          setCode('');
          setError(explainError(err));
        }
      });
    return () => {
      cancelled = true;
    };
  }, [open, kind, target, raw, spec, link]);
  const exportPostman = async (): Promise<void> => {
    try {
      const r = await engine().invoke('export.collection', { collection });
      downloadBlob(r.text, r.filename, 'application/json');
      if (r.skipped.length) toast.info(`Exported; not carried over: ${r.skipped.map((s) => `${s.where} (${s.reason})`).join('; ')}`);
    } catch (err) {
      setError(explainError(err));
    }
  };
  const exportHar = async (): Promise<void> => {
    try {
      const q = useWorkspace.getState().historyQuery.trim();
      const r = await engine().invoke('history.exportHar', q ? { text: q } : {});
      downloadBlob(r.har, `switchboard-history-${new Date().toISOString().slice(0, 10)}.har`, 'application/json');
      toast.success(`Exported ${r.count} entries as HAR`);
    } catch (err) {
      setError(explainError(err));
    }
  };
  return (
    <Dialog open={open} title="Export" onClose={onClose} width={760}>
      <div className="row ws-export-kinds" role="radiogroup" aria-label="What to export">
        {(
          [
            ['snippet', 'Request as cURL / code'],
            ['postman', 'Collection as Postman v2.1'],
            ['har', 'History as HAR 1.2'],
          ] as const
        ).map(([k, label]) => (
          <label key={k} className="ws-radio">
            <input type="radio" name="export-kind" checked={kind === k} onChange={() => setKind(k)} /> {label}
          </label>
        ))}
      </div>
      {kind === 'snippet' && (
        <>
          <div className="row">
            <select className="select" aria-label="Snippet language" value={target} onChange={(e) => setTarget(e.target.value as SnippetTarget)}>
              {SNIPPET_TARGETS.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.label}
                </option>
              ))}
            </select>
            <label className="ws-radio">
              <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} /> keep {'{{variables}}'}
            </label>
            <span className="grow" />
            <CopyButton text={code} withText what="Snippet copied" />
          </div>
          <ErrorLine error={error} />
          <div className="ws-code">
            <CodeView value={code} readOnly ariaLabel="Snippet" />
          </div>
        </>
      )}
      {kind === 'postman' && (
        <div className="row">
          <select className="select grow" aria-label="Collection to export" value={collection} onChange={(e) => setCollection(e.target.value)}>
            {info?.collections.map((c) => (
              <option key={c.path} value={c.path}>
                {c.name}
              </option>
            ))}
          </select>
          <button type="button" className="btn primary" disabled={!collection} onClick={() => void exportPostman()}>
            <Icon name="download" size={12} /> Download
          </button>
        </div>
      )}
      {kind === 'har' && (
        <div className="row">
          <span className="grow muted">Every history entry{useWorkspace.getState().historyQuery ? ' matching the current search' : ''}, with request and response bodies.</span>
          <button type="button" className="btn primary" onClick={() => void exportHar()}>
            <Icon name="download" size={12} /> Download HAR
          </button>
        </div>
      )}
      {kind !== 'snippet' && <ErrorLine error={error} />}
    </Dialog>
  );
}

export function CookiesDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const cookies = useWorkspace((s) => s.cookies);
  const [filter, setFilter] = useState('');
  const [draft, setDraft] = useState({ key: '', value: '', domain: '', path: '/', expires: '', secure: false, httpOnly: false });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (open) void useWorkspace.getState().reloadCookies();
  }, [open]);
  const shown = cookies.filter((c) => !filter || c.domain.includes(filter.toLowerCase()) || c.key.toLowerCase().includes(filter.toLowerCase()));
  const add = async (): Promise<void> => {
    try {
      await engine().invoke('cookies.set', { ...draft, expires: draft.expires ? new Date(draft.expires).toISOString() : null });
      setDraft({ ...draft, key: '', value: '' });
      setError(null);
    } catch (err) {
      setError(explainError(err));
    }
  };
  return (
    <Dialog
      open={open}
      title="Cookie jar"
      onClose={onClose}
      width={860}
      footer={
        <button type="button" className="btn danger" disabled={cookies.length === 0} onClick={() => void engine().invoke('cookies.clear', {})}>
          Clear all
        </button>
      }
    >
      <p className="muted">Cookies set by responses to requests sent from this workspace, applied with browser rules (domain, path, expiry, Secure).</p>
      <input className="input" type="search" aria-label="Filter cookies" placeholder="Filter by domain or name" value={filter} onChange={(e) => setFilter(e.target.value)} />
      <table className="ws-vars ws-cookies" aria-label="Cookies">
        <thead>
          <tr>
            <th>Domain</th>
            <th>Path</th>
            <th>Name</th>
            <th>Value</th>
            <th>Expires</th>
            <th>Flags</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shown.map((c) => (
            <tr key={`${c.domain}|${c.path}|${c.key}`}>
              <td>{c.hostOnly ? c.domain : `.${c.domain}`}</td>
              <td>{c.path}</td>
              <td>{c.key}</td>
              <td className="truncate" title={c.value}>
                {c.value}
              </td>
              <td>{c.expires ? new Date(c.expires).toLocaleString() : 'Session'}</td>
              <td className="faint">{[c.secure && 'Secure', c.httpOnly && 'HttpOnly', c.sameSite && `SameSite=${c.sameSite}`].filter(Boolean).join(' ')}</td>
              <td>
                <button type="button" className="icon-btn" aria-label={`Delete cookie ${c.key}`} onClick={() => void engine().invoke('cookies.delete', { domain: c.domain, path: c.path, key: c.key })}>
                  <Icon name="trash" size={12} />
                </button>
              </td>
            </tr>
          ))}
          {shown.length === 0 && (
            <tr>
              <td colSpan={7} className="faint">
                No cookies.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h4 className="ws-subhead">Add or replace a cookie</h4>
      <form
        className="ws-cookie-form"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <input className="input" placeholder="domain" aria-label="Cookie domain" value={draft.domain} onChange={(e) => setDraft({ ...draft, domain: e.target.value })} />
        <input className="input" placeholder="path" aria-label="Cookie path" value={draft.path} onChange={(e) => setDraft({ ...draft, path: e.target.value })} />
        <input className="input" placeholder="name" aria-label="Cookie name" value={draft.key} onChange={(e) => setDraft({ ...draft, key: e.target.value })} />
        <input className="input" placeholder="value" aria-label="Cookie value" value={draft.value} onChange={(e) => setDraft({ ...draft, value: e.target.value })} />
        <input className="input" type="datetime-local" aria-label="Cookie expiry" value={draft.expires} onChange={(e) => setDraft({ ...draft, expires: e.target.value })} />
        <label className="ws-radio">
          <input type="checkbox" checked={draft.secure} onChange={(e) => setDraft({ ...draft, secure: e.target.checked })} /> Secure
        </label>
        <label className="ws-radio">
          <input type="checkbox" checked={draft.httpOnly} onChange={(e) => setDraft({ ...draft, httpOnly: e.target.checked })} /> HttpOnly
        </label>
        <button type="submit" className="btn small primary" disabled={!draft.key || !draft.domain}>
          Set
        </button>
      </form>
      <ErrorLine error={error} />
    </Dialog>
  );
}
