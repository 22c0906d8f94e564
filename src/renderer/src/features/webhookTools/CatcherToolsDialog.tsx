import { useEffect, useState } from 'react';
import type { CatcherState } from '../../../../shared/model/catcher';
import type { ToolsConfigView } from '../../../../shared/contract/webhookTools';
import { DEFAULT_TOLERANCES, SIGNATURE_SCHEMES, SIGNATURE_SCHEME_LABELS, type AnswerMode, type SignatureScheme } from '../../../../shared/model/webhookTools';
import { engine, errorText } from '../../client/instance';
import { Dialog } from '../../components/Dialog';
import { toast } from '../../components/toastStore';
import { MockRulesEditor } from './MockRulesEditor';
import { updateToolsConfig, useTools } from './store';

type Tab = 'signatures' | 'forward' | 'rules';

const SECRET_HINTS: Record<SignatureScheme, string> = {
  stripe: 'Endpoint signing secret, whsec_… (Dashboard → Webhooks, or printed by `stripe listen`).',
  github: 'The webhook’s secret, as typed in the repository/app settings.',
  slack: 'Signing Secret from the app’s Basic Information page.',
  shopify: 'The app’s client secret (API secret key).',
  standard: 'whsec_… followed by base64 (Standard Webhooks, Svix, Clerk, Resend, …).',
  twilio: 'Auth Token of the account (needs the public URL Twilio calls: tunnel or the field below).',
  paddle: 'Notification destination secret key, pdl_ntfset_….',
  discord: 'Application public key (64 hex characters). Verification only: Discord signs with its private key.',
};

/** Webhook tools for one catcher: signing secrets, forward target and answer mode, mock rules. */
export function CatcherToolsDialog({ catcher, onClose, initialTab = 'signatures' }: { catcher: CatcherState; onClose: () => void; initialTab?: Tab }) {
  const config = useTools((s) => s.configs[catcher.id]);
  const loadError = useTools((s) => s.configErrors[catcher.id]);
  const loadConfig = useTools((s) => s.loadConfig);
  const [tab, setTab] = useState<Tab>(initialTab);
  useEffect(() => {
    void loadConfig(catcher.id);
  }, [catcher.id, loadConfig]);

  return (
    <Dialog open title={`Webhook tools — ${catcher.name}`} onClose={onClose} width={720}>
      <div className="wt-tabs" role="tablist">
        {(
          [
            ['signatures', 'Signatures'],
            ['forward', 'Forward'],
            ['rules', `Mock rules${config?.rules.length ? ` (${config.rules.length})` : ''}`],
          ] as Array<[Tab, string]>
        ).map(([k, label]) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} onClick={() => setTab(k)}>
            {label}
          </button>
        ))}
      </div>
      {!config ? (
        loadError ? <div className="error-box">{loadError}</div> : <div className="faint">Loading…</div>
      ) : tab === 'signatures' ? (
        <SignaturesTab config={config} />
      ) : tab === 'forward' ? (
        <ForwardTab config={config} />
      ) : (
        <MockRulesEditor config={config} />
      )}
    </Dialog>
  );
}

function SignaturesTab({ config }: { config: ToolsConfigView }) {
  const [scheme, setScheme] = useState<SignatureScheme>('stripe');
  const [secret, setSecret] = useState('');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [publicUrl, setPublicUrl] = useState(config.publicUrl);
  const [tolerances, setTolerances] = useState<Record<string, string>>(() =>
    Object.fromEntries(SIGNATURE_SCHEMES.map((s) => [s, String(config.tolerances[s] ?? DEFAULT_TOLERANCES[s] ?? '')])),
  );

  const add = async () => {
    setError(null);
    try {
      const next = await engine().invoke('webhookTools.secrets.add', { catcherId: config.catcherId, scheme, secret: secret.trim(), ...(label.trim() ? { label: label.trim() } : {}) });
      useTools.setState((s) => ({ configs: { ...s.configs, [next.catcherId]: next } }));
      setSecret('');
      setLabel('');
      toast.success('Secret saved; stored captures are being checked again.');
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async (secretId: string) => {
    try {
      const next = await engine().invoke('webhookTools.secrets.remove', { catcherId: config.catcherId, secretId });
      useTools.setState((s) => ({ configs: { ...s.configs, [next.catcherId]: next } }));
    } catch (err) {
      toast.error(errorText(err));
    }
  };
  const saveTolerances = async () => {
    const out: Partial<Record<SignatureScheme, number>> = {};
    for (const s of SIGNATURE_SCHEMES) {
      const v = tolerances[s]?.trim() ?? '';
      if (v === '' || DEFAULT_TOLERANCES[s] === null) continue;
      if (!/^\d+$/.test(v)) return toast.error(`${SIGNATURE_SCHEME_LABELS[s]}: tolerance is a whole number of seconds.`);
      if (Number(v) !== DEFAULT_TOLERANCES[s]) out[s] = Number(v);
    }
    if (await updateToolsConfig({ catcherId: config.catcherId, tolerances: out, publicUrl: publicUrl.trim() })) toast.success('Saved; stored captures are being checked again.');
  };

  return (
    <div data-testid="tools-signatures">
      <p className="wt-note">
        {config.secretStorage === 'os-encrypted'
          ? 'Secrets are encrypted with the operating system’s keychain and never written into exports.'
          : 'Secrets are stored unencrypted in the data directory (CLI / web door). They are never written into exports.'}
      </p>
      {config.secrets.length > 0 ? (
        <ul className="wt-list" aria-label="Configured secrets">
          {config.secrets.map((s) => (
            <li key={s.id}>
              <span className="grow">
                <b>{s.label}</b> <span className="faint">· {SIGNATURE_SCHEME_LABELS[s.scheme]}</span>
                <span className="mono faint" style={{ display: 'block' }}>
                  {s.hint}
                  {s.locked ? ' — locked (stored by another machine’s keychain); add it again' : ''}
                  {s.ephemeral ? ' — this session only' : ''}
                </span>
              </span>
              <button type="button" className="btn small danger" onClick={() => void remove(s.id)} aria-label={`Remove ${s.label}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="wt-note">No secrets yet: signed requests show “no secret”.</p>
      )}
      <div className="field-row">
        <div className="field" style={{ maxWidth: 220 }}>
          <label htmlFor="wt-scheme">Scheme</label>
          <select id="wt-scheme" className="select" value={scheme} onChange={(e) => setScheme(e.target.value as SignatureScheme)}>
            {SIGNATURE_SCHEMES.map((s) => (
              <option key={s} value={s}>
                {SIGNATURE_SCHEME_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="wt-label">Label (optional)</label>
          <input id="wt-label" className="input" value={label} onChange={(e) => setLabel(e.target.value)} placeholder="e.g. test mode" />
        </div>
      </div>
      <div className="field">
        <label htmlFor="wt-secret">{scheme === 'discord' ? 'Public key' : 'Secret'}</label>
        <input id="wt-secret" className="input mono" type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} data-testid="secret-input" />
        {error ? <span className="field-error">{error}</span> : <span className="field-hint">{SECRET_HINTS[scheme]}</span>}
      </div>
      <div className="wt-row" style={{ marginBottom: 16 }}>
        <button type="button" className="btn primary small" disabled={!secret.trim()} onClick={() => void add()} data-testid="secret-add">
          Add secret
        </button>
      </div>

      <div className="field">
        <label htmlFor="wt-public">Public URL (Twilio)</label>
        <input id="wt-public" className="input mono" placeholder="https://my-tunnel.example.com" value={publicUrl} onChange={(e) => setPublicUrl(e.target.value)} />
        <span className="field-hint">Twilio signs the exact URL it called. Empty: the catcher’s tunnel URL, then the Host header.</span>
      </div>
      <span className="field-label">Timestamp tolerance (seconds, 0 = don’t check)</span>
      <div className="wt-row" style={{ margin: '6px 0 10px' }}>
        {SIGNATURE_SCHEMES.filter((s) => DEFAULT_TOLERANCES[s] !== null).map((s) => (
          <label key={s} className="wt-field" style={{ width: 120 }}>
            <span>{SIGNATURE_SCHEME_LABELS[s].split(' ')[0]}</span>
            <input className="input" inputMode="numeric" value={tolerances[s] ?? ''} onChange={(e) => setTolerances({ ...tolerances, [s]: e.target.value })} />
          </label>
        ))}
      </div>
      <button type="button" className="btn small" onClick={() => void saveTolerances()}>
        Save URL and tolerances
      </button>
    </div>
  );
}

function ForwardTab({ config }: { config: ToolsConfigView }) {
  const [target, setTarget] = useState(config.forward.target);
  const [mode, setMode] = useState<AnswerMode>(config.forward.answerMode);
  const [timeout, setTimeoutText] = useState(String(config.forward.timeoutMs));
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setError(null);
    const t = target.trim();
    if (t && !/^https?:\/\/\S+$/.test(t)) return setError('A forward target is an http:// or https:// URL, e.g. http://localhost:3000/webhooks');
    if (!/^\d+$/.test(timeout) || Number(timeout) < 100) return setError('Timeout: a whole number of milliseconds, at least 100.');
    if (await updateToolsConfig({ catcherId: config.catcherId, forward: { target: t, answerMode: mode, timeoutMs: Number(timeout) } })) toast.success(t ? 'Forwarding on.' : 'Forwarding off.');
  };
  return (
    <div data-testid="tools-forward">
      <p className="wt-note">Every capture is relayed with its exact body bytes, method, path suffix and headers (hop-by-hop headers dropped, Host rewritten, X-Forwarded-* added). The target’s answer shows on the capture.</p>
      <div className="field">
        <label htmlFor="wt-target">Target URL</label>
        <input id="wt-target" className="input mono" placeholder="http://localhost:3000/webhooks" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="forward-target" />
        {error ? <span className="field-error">{error}</span> : <span className="field-hint">Empty turns forwarding off. A request to /stripe goes to &lt;target&gt;/stripe.</span>}
      </div>
      <div className="field">
        <span className="field-label">Answer the sender with</span>
        <label className="check">
          <input type="radio" name="wt-mode" checked={mode === 'configured'} onChange={() => setMode('configured')} /> The catcher’s response (mock rule or default), immediately; forward in the background
        </label>
        <label className="check">
          <input type="radio" name="wt-mode" checked={mode === 'target'} onChange={() => setMode('target')} /> The target’s response, passed through (502 when the target is down)
        </label>
      </div>
      <div className="field" style={{ maxWidth: 200 }}>
        <label htmlFor="wt-timeout">Timeout (ms)</label>
        <input id="wt-timeout" className="input" inputMode="numeric" value={timeout} onChange={(e) => setTimeoutText(e.target.value)} />
      </div>
      <button type="button" className="btn primary small" onClick={() => void save()} data-testid="forward-save">
        Save
      </button>
    </div>
  );
}

