import { useState } from 'react';
import type { RequestAuth, RequestSettings } from '../../../../shared/model/http';
import { KeyValueEditor } from '../../components/KeyValueTable';
import { Tabs } from '../../components/Tabs';
import { loadPref, savePref } from '../../components/persist';
import { BodyEditor } from './BodyEditor';
import { fromRows, toRows } from './kv';
import { useRequests, type RequestTab } from './store';

type Section = 'params' | 'headers' | 'body' | 'auth' | 'settings';

const AUTH_KINDS: Array<[RequestAuth['kind'], string]> = [
  ['none', 'No auth'],
  ['basic', 'Basic'],
  ['bearer', 'Bearer token'],
  ['apikey', 'API key'],
  ['digest', 'Digest'],
];

function blankAuth(kind: RequestAuth['kind']): RequestAuth {
  switch (kind) {
    case 'none':
      return { kind };
    case 'basic':
    case 'digest':
      return { kind, username: '', password: '' };
    case 'bearer':
      return { kind, token: '' };
    case 'apikey':
      return { kind, key: 'X-API-Key', value: '', in: 'header' };
  }
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <label className="rq-field">
      <span className="muted">{label}</span>
      {children}
    </label>
  );
}

function AuthEditor({ auth, onChange }: { auth: RequestAuth; onChange: (a: RequestAuth) => void }) {
  return (
    <div className="rq-form rq-pad">
      <Field label="Type">
        <select className="select" value={auth.kind} aria-label="Auth type" onChange={(e) => onChange(blankAuth(e.target.value as RequestAuth['kind']))}>
          {AUTH_KINDS.map(([k, l]) => (
            <option key={k} value={k}>
              {l}
            </option>
          ))}
        </select>
      </Field>
      {(auth.kind === 'basic' || auth.kind === 'digest') && (
        <>
          <Field label="Username">
            <input className="input mono" value={auth.username} aria-label="Username" onChange={(e) => onChange({ ...auth, username: e.target.value })} />
          </Field>
          <Field label="Password">
            <input className="input mono" type="password" value={auth.password} aria-label="Password" onChange={(e) => onChange({ ...auth, password: e.target.value })} />
          </Field>
          <p className="faint rq-note">
            {auth.kind === 'basic'
              ? 'Sent as an Authorization: Basic header. A header you set yourself wins.'
              : 'Sent after the server answers 401 with a Digest challenge (MD5 or SHA-256, qop=auth).'}
          </p>
        </>
      )}
      {auth.kind === 'bearer' && (
        <Field label="Token">
          <input className="input mono" value={auth.token} aria-label="Token" placeholder="{{token}}" onChange={(e) => onChange({ ...auth, token: e.target.value })} />
        </Field>
      )}
      {auth.kind === 'apikey' && (
        <>
          <Field label="Key">
            <input className="input mono" value={auth.key} aria-label="Key name" onChange={(e) => onChange({ ...auth, key: e.target.value })} />
          </Field>
          <Field label="Value">
            <input className="input mono" value={auth.value} aria-label="Key value" onChange={(e) => onChange({ ...auth, value: e.target.value })} />
          </Field>
          <Field label="Add to">
            <select className="select" value={auth.in} aria-label="Add key to" onChange={(e) => onChange({ ...auth, in: e.target.value as 'header' | 'query' })}>
              <option value="header">Header</option>
              <option value="query">Query parameters</option>
            </select>
          </Field>
        </>
      )}
      {auth.kind === 'none' && <p className="faint rq-note">No credentials are added. Headers you set yourself are still sent.</p>}
      <p className="faint rq-note">Credentials are never sent to another origin after a redirect.</p>
    </div>
  );
}

function SettingsEditor({ settings, onChange }: { settings: RequestSettings; onChange: (s: RequestSettings) => void }) {
  return (
    <div className="rq-form rq-pad">
      <Field label="Timeout (ms, 0 = none)">
        <input
          className="input mono"
          type="number"
          min={0}
          value={settings.timeoutMs}
          aria-label="Timeout in milliseconds"
          onChange={(e) => onChange({ ...settings, timeoutMs: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
        />
      </Field>
      <label className="row rq-check">
        <input type="checkbox" checked={settings.followRedirects} onChange={(e) => onChange({ ...settings, followRedirects: e.target.checked })} />
        Follow redirects
      </label>
      <Field label="Maximum redirects">
        <input
          className="input mono"
          type="number"
          min={0}
          max={100}
          disabled={!settings.followRedirects}
          value={settings.maxRedirects}
          aria-label="Maximum redirects"
          onChange={(e) => onChange({ ...settings, maxRedirects: Math.min(100, Math.max(0, Math.floor(Number(e.target.value) || 0))) })}
        />
      </Field>
      <label className="row rq-check">
        <input type="checkbox" checked={settings.verifyTls} onChange={(e) => onChange({ ...settings, verifyTls: e.target.checked })} />
        Verify TLS certificates
      </label>
      {!settings.verifyTls && <p className="rq-warn rq-note">Certificates are not checked: anyone on the path could read or change this traffic.</p>}
      <Field label="HTTP proxy">
        <input className="input mono" value={settings.proxy} placeholder="http://user:pass@127.0.0.1:8080" aria-label="Proxy" onChange={(e) => onChange({ ...settings, proxy: e.target.value })} />
      </Field>
    </div>
  );
}

export function RequestEditor({ tab }: { tab: RequestTab }) {
  const [section, setSection] = useState<Section>(() => loadPref<Section>('requests:section', 'params'));
  const { update, setParams } = useRequests.getState();
  const spec = tab.spec;
  const enabledHeaders = spec.headers.filter((h) => h.enabled && h.name).length;
  const enabledParams = tab.params.filter((p) => p.enabled && p.name).length;
  const choose = (s: Section) => {
    setSection(s);
    savePref('requests:section', s);
  };
  return (
    <div className="rq-editor">
      <Tabs<Section>
        ariaLabel="Request parts"
        active={section}
        onChange={choose}
        items={[
          { key: 'params', label: 'Params', badge: enabledParams || undefined },
          { key: 'headers', label: 'Headers', badge: enabledHeaders || undefined },
          { key: 'body', label: 'Body', badge: spec.body.kind === 'none' ? undefined : spec.body.kind },
          { key: 'auth', label: 'Auth', badge: spec.auth.kind === 'none' ? undefined : spec.auth.kind },
          { key: 'settings', label: 'Settings' },
        ]}
      />
      <div className="rq-section">
        {section === 'params' && (
          <KeyValueEditor rows={toRows(tab.params)} onChange={(rows) => setParams(tab.id, fromRows(rows, tab.params))} keyPlaceholder="Parameter" ariaLabel="Query parameters" />
        )}
        {section === 'headers' && (
          <>
            <KeyValueEditor rows={toRows(spec.headers)} onChange={(rows) => update(tab.id, { headers: fromRows(rows, spec.headers) })} keyPlaceholder="Header" ariaLabel="Headers" />
            <p className="faint rq-note rq-pad">
              Added unless you set them: Host, User-Agent, Accept, Accept-Encoding (gzip, deflate, br), Content-Type for the body kind, Content-Length.
            </p>
          </>
        )}
        {section === 'body' && <BodyEditor body={spec.body} onChange={(body) => update(tab.id, { body })} />}
        {section === 'auth' && <AuthEditor auth={spec.auth} onChange={(auth) => update(tab.id, { auth })} />}
        {section === 'settings' && <SettingsEditor settings={spec.settings} onChange={(settings) => update(tab.id, { settings })} />}
      </div>
    </div>
  );
}
