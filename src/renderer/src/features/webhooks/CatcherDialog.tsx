import { useState, type FormEvent, type ReactNode } from 'react';
import { DEFAULT_BODY_LIMIT, type CatcherSettings, type CatcherState } from '../../../../shared/model/catcher';
import { CodeView } from '../../components/CodeView';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { KeyValueEditor, pairsToRows, rowsToPairs, type KvRow } from '../../components/KeyValueTable';
import { toast } from '../../components/toastStore';
import { createCatcher, deleteCatcher, updateCatcher } from './actions';

const MB = 1024 * 1024;

interface Form {
  name: string;
  host: string;
  port: string;
  bodyLimitMb: string;
  status: string;
  headers: KvRow[];
  body: string;
  delayMs: string;
  cors: boolean;
}

function toForm(c: CatcherState | null, defaultName: string): Form {
  return {
    name: c?.name ?? defaultName,
    host: c?.host ?? '127.0.0.1',
    port: String(c?.port ?? 0),
    bodyLimitMb: String(+((c?.bodyLimit ?? DEFAULT_BODY_LIMIT) / MB).toFixed(3)),
    status: String(c?.response.status ?? 200),
    headers: pairsToRows(c?.response.headers ?? [['Content-Type', 'application/json']]),
    body: c?.response.body ?? '{"ok":true}',
    delayMs: String(c?.response.delayMs ?? 0),
    cors: c?.cors ?? false,
  };
}

function validate(f: Form): { errors: Partial<Record<keyof Form, string>>; settings: CatcherSettings | null } {
  const errors: Partial<Record<keyof Form, string>> = {};
  const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : NaN);
  const port = int(f.port);
  const status = int(f.status);
  const delayMs = int(f.delayMs);
  const limit = Number(f.bodyLimitMb);
  if (!f.name.trim()) errors.name = 'Give the catcher a name.';
  if (!(port >= 0 && port <= 65535)) errors.port = 'A port is a whole number from 1 to 65535, or 0 for any free port.';
  if (!(limit >= 0 && limit <= 2048)) errors.bodyLimitMb = 'Between 0 and 2048 MB.';
  if (!(status >= 100 && status <= 599)) errors.status = 'An HTTP status from 100 to 599.';
  if (!(delayMs >= 0 && delayMs <= 60_000)) errors.delayMs = 'From 0 to 60000 ms.';
  if (Object.keys(errors).length) return { errors, settings: null };
  return {
    errors,
    settings: {
      name: f.name.trim(),
      port,
      host: f.host,
      bodyLimit: Math.round(limit * MB),
      response: { status, headers: rowsToPairs(f.headers), body: f.body, delayMs },
      cors: f.cors,
    },
  };
}

export function CatcherDialog({ catcher, defaultName, onClose }: { catcher: CatcherState | null; defaultName: string; onClose: () => void }) {
  const [form, setForm] = useState(() => toForm(catcher, defaultName));
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteCaptures, setDeleteCaptures] = useState(false);
  const { errors, settings } = validate(form);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const shown = (k: keyof Form) => (touched ? errors[k] : undefined);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setTouched(true);
    if (!settings) return;
    setBusy(true);
    setError(null);
    try {
      if (catcher) {
        await updateCatcher(catcher.id, settings);
        toast.success(`Saved “${settings.name}”`);
      } else {
        await createCatcher(settings);
      }
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!catcher) return;
    setBusy(true);
    try {
      await deleteCatcher(catcher.id, deleteCaptures);
      toast.info(`Deleted “${catcher.name}”`);
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  const field = (k: keyof Form, label: string, input: ReactNode, hint?: string) => (
    <div className="field">
      <label htmlFor={`cd-${k}`}>{label}</label>
      {input}
      {shown(k) ? <span className="field-error">{shown(k)}</span> : hint && <span className="field-hint">{hint}</span>}
    </div>
  );
  const text = (k: 'name' | 'port' | 'bodyLimitMb' | 'status' | 'delayMs', extra?: { inputMode?: 'numeric' | 'decimal'; autoFocus?: boolean }) => (
    <input id={`cd-${k}`} className={`input ${shown(k) ? 'invalid' : ''}`} value={form[k]} onChange={(e) => set(k, e.target.value)} {...extra} />
  );

  return (
    <Dialog
      open
      title={catcher ? `Catcher settings — ${catcher.name}` : 'New catcher'}
      onClose={onClose}
      width={600}
      footer={
        confirmDelete ? (
          <>
            <label className="check grow">
              <input type="checkbox" checked={deleteCaptures} onChange={(e) => setDeleteCaptures(e.target.checked)} /> Also delete its {catcher?.captureCount.toLocaleString()} captures
            </label>
            <button type="button" className="btn" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
            <button type="button" className="btn primary" style={{ background: 'var(--danger)', borderColor: 'var(--danger)' }} disabled={busy} onClick={() => void remove()}>
              Delete catcher
            </button>
          </>
        ) : (
          <>
            {catcher && (
              <button type="button" className="btn danger" onClick={() => setConfirmDelete(true)} style={{ marginRight: 'auto' }}>
                <Icon name="trash" size={14} /> Delete…
              </button>
            )}
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" form="catcher-form" className="btn primary" disabled={busy || (touched && !settings)}>
              {busy ? 'Working…' : catcher ? 'Save' : 'Create and start'}
            </button>
          </>
        )
      }
    >
      <form id="catcher-form" onSubmit={(e) => void submit(e)} noValidate>
        {error && (
          <div className="error-box" role="alert" style={{ marginBottom: 12 }} data-testid="dialog-error">
            <Icon name="alert" size={14} /> <span>{error}</span>
          </div>
        )}
        <div className="field-row">
          {field('name', 'Name', text('name', { autoFocus: true }))}
          {field('port', 'Port', text('port', { inputMode: 'numeric' }), '0 picks a free port')}
        </div>
        {field(
          'host',
          'Listen on',
          <select id="cd-host" className="select" value={form.host} onChange={(e) => set('host', e.target.value)}>
            <option value="127.0.0.1">This computer only (127.0.0.1)</option>
            <option value="0.0.0.0">Every network interface (0.0.0.0) — other devices can send to it</option>
            {form.host !== '127.0.0.1' && form.host !== '0.0.0.0' && <option value={form.host}>{form.host}</option>}
          </select>,
          form.host === '0.0.0.0' ? 'Anyone on your network can reach this catcher.' : undefined,
        )}
        <div className="field-row">
          {field('bodyLimitMb', 'Body limit (MB)', text('bodyLimitMb', { inputMode: 'decimal' }), 'Larger bodies are answered 413 and stored cut')}
          {field('delayMs', 'Response delay (ms)', text('delayMs', { inputMode: 'numeric' }))}
        </div>
        <div className="field-label" style={{ margin: '4px 0 8px' }}>
          Response
        </div>
        <div className="field-row">
          {field('status', 'Status', text('status', { inputMode: 'numeric' }))}
          <div className="field" style={{ justifyContent: 'flex-end' }}>
            <label className="check">
              <input type="checkbox" checked={form.cors} onChange={(e) => set('cors', e.target.checked)} />
              CORS: answer preflights, allow any origin
            </label>
          </div>
        </div>
        <div className="field">
          <span className="field-label">Headers</span>
          <KeyValueEditor rows={form.headers} onChange={(rows) => set('headers', rows)} keyPlaceholder="Header" ariaLabel="Response headers" />
        </div>
        <div className="field">
          <span className="field-label">Body</span>
          <div className="cd-body-editor">
            <CodeView value={form.body} readOnly={false} language={form.body.trimStart().startsWith('<') ? 'xml' : 'json'} onChange={(v) => set('body', v)} ariaLabel="Response body" wrap />
          </div>
        </div>
      </form>
    </Dialog>
  );
}
