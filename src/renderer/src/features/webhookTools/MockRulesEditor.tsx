import { useState } from 'react';
import type { ToolsConfigView } from '../../../../shared/contract/webhookTools';
import type { KeyMatcher, MockRule, RuleMatchKind } from '../../../../shared/model/webhookTools';
import { KeyValueEditor, pairsToRows, rowsToPairs } from '../../components/KeyValueTable';
import { toast } from '../../components/toastStore';
import { updateToolsConfig } from './store';

function newRule(n: number): MockRule {
  return {
    id: `rule_${Math.random().toString(36).slice(2, 10)}`,
    name: `Rule ${n}`,
    enabled: true,
    methods: [],
    pathGlob: '',
    headers: [],
    query: [],
    body: null,
    response: { status: 200, headers: [['Content-Type', 'application/json']], body: '{"ok":true,"path":"{{request.path}}"}', delayMs: 0 },
  };
}

function summary(r: MockRule): string {
  const parts = [r.methods.length ? r.methods.join('|') : 'ANY', r.pathGlob || '**'];
  for (const h of r.headers) parts.push(`${h.name} ${h.kind} ${h.value}`.trim());
  for (const q of r.query) parts.push(`?${q.name} ${q.kind} ${q.value}`.trim());
  if (r.body) parts.push(`body ${r.body.kind}${r.body.path ? ` ${r.body.path}` : ''} ${r.body.value}`.trim());
  return `${parts.join(' · ')} → ${r.response.status}${r.response.delayMs ? ` after ${r.response.delayMs} ms` : ''}`;
}

/** Ordered mock rules: first match answers; the default response otherwise. */
export function MockRulesEditor({ config }: { config: ToolsConfigView }) {
  const [rules, setRules] = useState<MockRule[]>(config.rules);
  const [editing, setEditing] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const change = (next: MockRule[]) => {
    setRules(next);
    setDirty(true);
  };
  const move = (i: number, d: -1 | 1) => {
    const j = i + d;
    if (j < 0 || j >= rules.length) return;
    const next = [...rules];
    [next[i], next[j]] = [next[j]!, next[i]!];
    change(next);
  };
  const save = async () => {
    if (await updateToolsConfig({ catcherId: config.catcherId, rules })) {
      setDirty(false);
      toast.success('Mock rules saved.');
    }
  };
  return (
    <div data-testid="tools-rules">
      <p className="wt-note">
        Rules are tried top to bottom; the first that matches answers (and is recorded on the capture). Bodies and header values may use {'{{request.method}}'}, {'{{request.path}}'}, {'{{request.query.x}}'},{' '}
        {'{{request.headers.x}}'}, {'{{request.body.a.b}}'}, {'{{now}}'}, {'{{uuid}}'}.
      </p>
      {rules.length === 0 && <p className="wt-note">No rules: every request gets the catcher’s default response.</p>}
      <ul className="wt-list" aria-label="Mock rules">
        {rules.map((r, i) => (
          <li key={r.id} style={{ flexDirection: 'column', alignItems: 'stretch' }}>
            <div className="wt-row">
              <input type="checkbox" checked={r.enabled} aria-label={`Enable ${r.name}`} onChange={(e) => change(rules.map((x) => (x.id === r.id ? { ...x, enabled: e.target.checked } : x)))} />
              <span className="grow">
                <b>{r.name || r.id}</b>
                <span className="mono faint" style={{ display: 'block', fontSize: 11 }}>
                  {summary(r)}
                </span>
              </span>
              <button type="button" className="btn small" disabled={i === 0} onClick={() => move(i, -1)} aria-label="Move up">
                ↑
              </button>
              <button type="button" className="btn small" disabled={i === rules.length - 1} onClick={() => move(i, 1)} aria-label="Move down">
                ↓
              </button>
              <button type="button" className="btn small" onClick={() => setEditing(editing === r.id ? null : r.id)}>
                {editing === r.id ? 'Done' : 'Edit'}
              </button>
              <button type="button" className="btn small danger" onClick={() => change(rules.filter((x) => x.id !== r.id))} aria-label={`Delete ${r.name}`}>
                Delete
              </button>
            </div>
            {editing === r.id && <RuleForm rule={r} onChange={(next) => change(rules.map((x) => (x.id === r.id ? next : x)))} />}
          </li>
        ))}
      </ul>
      <div className="wt-row">
        <button
          type="button"
          className="btn small"
          onClick={() => {
            const r = newRule(rules.length + 1);
            change([...rules, r]);
            setEditing(r.id);
          }}
          data-testid="rule-add"
        >
          + Add rule
        </button>
        <span className="grow" />
        {dirty && <span className="faint">Unsaved changes</span>}
        <button type="button" className="btn primary small" disabled={!dirty} onClick={() => void save()} data-testid="rules-save">
          Save rules
        </button>
      </div>
    </div>
  );
}

const KINDS: RuleMatchKind[] = ['equals', 'contains', 'regex', 'exists'];

function MatcherList({ label, items, onChange }: { label: string; items: KeyMatcher[]; onChange: (m: KeyMatcher[]) => void }) {
  return (
    <div className="field">
      <span className="field-label">{label}</span>
      {items.map((m, i) => (
        <div key={i} className="wt-matcher">
          <input className="input" placeholder="Name" value={m.name} onChange={(e) => onChange(items.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
          <select className="select" value={m.kind} onChange={(e) => onChange(items.map((x, j) => (j === i ? { ...x, kind: e.target.value as RuleMatchKind } : x)))}>
            {KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
          <input className="input mono" placeholder={m.kind === 'exists' ? '' : 'Value'} disabled={m.kind === 'exists'} value={m.value} onChange={(e) => onChange(items.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
          <button type="button" className="btn small" onClick={() => onChange(items.filter((_, j) => j !== i))} aria-label="Remove condition">
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="btn small" style={{ alignSelf: 'flex-start' }} onClick={() => onChange([...items, { name: '', kind: 'equals', value: '' }])}>
        + {label.toLowerCase().startsWith('header') ? 'header' : 'query'} condition
      </button>
    </div>
  );
}

function RuleForm({ rule, onChange }: { rule: MockRule; onChange: (r: MockRule) => void }) {
  const set = <K extends keyof MockRule>(k: K, v: MockRule[K]) => onChange({ ...rule, [k]: v });
  const setResp = <K extends keyof MockRule['response']>(k: K, v: MockRule['response'][K]) => onChange({ ...rule, response: { ...rule.response, [k]: v } });
  return (
    <div className="wt-rule-editor">
      <div className="field-row">
        <div className="field">
          <label>Name</label>
          <input className="input" value={rule.name} onChange={(e) => set('name', e.target.value)} aria-label="Rule name" />
        </div>
        <div className="field">
          <label>Methods (comma-separated, empty = any)</label>
          <input
            className="input mono"
            value={rule.methods.join(', ')}
            aria-label="Rule methods"
            onChange={(e) =>
              set(
                'methods',
                e.target.value
                  .split(',')
                  .map((m) => m.trim().toUpperCase())
                  .filter(Boolean),
              )
            }
          />
        </div>
      </div>
      <div className="field">
        <label>Path glob (* within a segment, ** across; empty = any)</label>
        <input className="input mono" placeholder="/hooks/**" value={rule.pathGlob} onChange={(e) => set('pathGlob', e.target.value)} aria-label="Rule path glob" />
      </div>
      <MatcherList label="Headers" items={rule.headers} onChange={(m) => set('headers', m)} />
      <MatcherList label="Query" items={rule.query} onChange={(m) => set('query', m)} />
      <div className="field">
        <span className="field-label">Body</span>
        <div className="wt-matcher" style={{ gridTemplateColumns: '130px 1fr 1fr' }}>
          <select
            className="select"
            value={rule.body?.kind ?? ''}
            aria-label="Body condition"
            onChange={(e) => set('body', e.target.value ? { kind: e.target.value as 'contains' | 'regex' | 'json', value: rule.body?.value ?? '', ...(e.target.value === 'json' ? { path: rule.body?.path ?? '' } : {}) } : null)}
          >
            <option value="">(any body)</option>
            <option value="contains">contains</option>
            <option value="regex">regex</option>
            <option value="json">JSON field</option>
          </select>
          {rule.body?.kind === 'json' ? (
            <input className="input mono" placeholder="data.object.id" value={rule.body.path ?? ''} onChange={(e) => set('body', { ...rule.body!, path: e.target.value })} aria-label="JSON path" />
          ) : (
            <span />
          )}
          {rule.body && (
            <input className="input mono" placeholder={rule.body.kind === 'json' ? 'equals (empty = exists)' : 'text'} value={rule.body.value} onChange={(e) => set('body', { ...rule.body!, value: e.target.value })} aria-label="Body value" />
          )}
        </div>
      </div>
      <div className="field-label" style={{ margin: '6px 0' }}>
        Response
      </div>
      <div className="field-row">
        <div className="field">
          <label>Status</label>
          <NumField value={rule.response.status} min={100} max={599} onCommit={(n) => setResp('status', n)} label="Response status" />
        </div>
        <div className="field">
          <label>Delay (ms)</label>
          <NumField value={rule.response.delayMs} min={0} max={60_000} onCommit={(n) => setResp('delayMs', n)} label="Response delay" />
        </div>
      </div>
      <div className="field">
        <span className="field-label">Headers</span>
        <KeyValueEditor rows={pairsToRows(rule.response.headers)} onChange={(rows) => setResp('headers', rowsToPairs(rows))} keyPlaceholder="Header" ariaLabel="Rule response headers" />
      </div>
      <div className="field">
        <span className="field-label">Body</span>
        <textarea className="textarea mono" rows={5} value={rule.response.body} onChange={(e) => setResp('body', e.target.value)} aria-label="Rule response body" />
      </div>
    </div>
  );
}

/** A whole-number field that keeps what is typed and commits only values in range (marked invalid otherwise). */
function NumField({ value, min, max, onCommit, label }: { value: number; min: number; max: number; onCommit: (n: number) => void; label: string }) {
  const [text, setText] = useState(String(value));
  const n = Number(text);
  const ok = /^\d+$/.test(text.trim()) && n >= min && n <= max;
  return (
    <input
      className={`input ${ok ? '' : 'invalid'}`}
      inputMode="numeric"
      aria-label={label}
      title={ok ? undefined : `A whole number from ${min} to ${max}`}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const v = Number(e.target.value);
        if (/^\d+$/.test(e.target.value.trim()) && v >= min && v <= max) onCommit(v);
      }}
      onBlur={() => {
        if (!ok) setText(String(value));
      }}
    />
  );
}
