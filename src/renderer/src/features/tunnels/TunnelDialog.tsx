import { useEffect, useState, type FormEvent } from 'react';
import { subdomainSchema, tunnelHostSchema, type TunnelOptions, type TunnelTarget } from '../../../../shared/model/tunnel';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { useNow } from '../../components/useNow';
import { closeTunnel, DEFAULT_HOST, openTunnel, retainTunnels, tunnelIdFor, useTunnels } from './store';
import { bypassCurl, bypassWscat, tunnelSummary } from './words';

/** Options (subdomain, server, local host), live status, and what to know about public tunnels. */
export function TunnelDialog({
  target,
  label,
  running,
  localHostPlaceholder,
  shownUrl = (u) => u,
  onClose,
}: {
  target: TunnelTarget;
  label: string;
  running: boolean;
  localHostPlaceholder: string;
  shownUrl?: (url: string) => string;
  onClose: () => void;
}) {
  useEffect(() => retainTunnels(), []);
  const id = tunnelIdFor(target);
  const tunnel = useTunnels((s) => s.byId[id]);
  const pending = useTunnels((s) => s.pending[id] ?? false);
  const now = useNow(1_000);
  const [subdomain, setSubdomain] = useState(tunnel?.options.subdomain ?? '');
  const [host, setHost] = useState(tunnel?.options.host ?? DEFAULT_HOST);
  const [localHost, setLocalHost] = useState(tunnel?.options.localHost ?? '');
  const [touched, setTouched] = useState(false);

  const subError = subdomain.trim() && !subdomainSchema.safeParse(subdomain.trim()).success ? 'Use 4–63 lowercase letters, digits or dashes (not at either end).' : null;
  const hostError = !tunnelHostSchema.safeParse(host.trim()).success ? 'An http:// or https:// URL of a localtunnel server.' : null;
  const localError = localHost.trim() && !/^[A-Za-z0-9.:[\]-]+$/.test(localHost.trim()) ? 'A host name or IP address, without port.' : null;
  const valid = !subError && !hostError && !localError;
  const live = tunnel && tunnel.status !== 'closed';
  const publicServer = host.trim().replace(/\/+$/, '') === DEFAULT_HOST;

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setTouched(true);
    if (!valid) return;
    const options: TunnelOptions = {
      ...(subdomain.trim() ? { subdomain: subdomain.trim() } : {}),
      ...(host.trim().replace(/\/+$/, '') !== DEFAULT_HOST ? { host: host.trim().replace(/\/+$/, '') } : {}),
      ...(localHost.trim() ? { localHost: localHost.trim() } : {}),
    };
    await openTunnel(target, options, label, shownUrl);
  };

  const summary = tunnel ? tunnelSummary(tunnel, now) : null;

  return (
    <Dialog
      open
      title={`Public URL — ${label}`}
      onClose={onClose}
      width={620}
      footer={
        <>
          {live && (
            <button type="button" className="btn danger" style={{ marginRight: 'auto' }} disabled={pending} onClick={() => void closeTunnel(id)}>
              Close public URL
            </button>
          )}
          <button type="button" className="btn" onClick={onClose}>
            Done
          </button>
          <button type="submit" form="tunnel-form" className="btn primary" disabled={pending || !running || (touched && !valid)} title={running ? undefined : 'Start it first'}>
            {pending ? 'Opening…' : live ? 'Reopen with these options' : 'Expose publicly'}
          </button>
        </>
      }
    >
      {tunnel && summary && (
        <div className="tn-panel" data-testid="tunnel-panel">
          <div className="row">
            <span className={`tn-badge tn-${summary.tone}`} data-testid="tunnel-panel-status">
              <span className="tn-dot" />
              {summary.label}
            </span>
            {summary.progress && <span className="tn-progress">{summary.progress}</span>}
            {tunnel.status === 'online' && tunnel.maxConnections > 0 && (
              <span className="faint" title="Connections to the tunnel server">
                {tunnel.connections}/{tunnel.maxConnections} connections · {tunnel.requestCount.toLocaleString()} requests
              </span>
            )}
          </div>
          {summary.detail && <p className={`tn-reason-lg tn-${summary.tone}-text`}>{summary.detail}</p>}
          {tunnel.url && tunnel.status !== 'closed' && tunnel.status !== 'failed' && (
            <div className="tn-urlbox">
              <span className="mono grow" data-testid="tunnel-panel-url">
                {shownUrl(tunnel.url)}
              </span>
              <CopyButton text={shownUrl(tunnel.url)} label="Copy public URL" what="Public URL" />
            </div>
          )}
          {tunnel.urlChange && (
            <div className="tn-changed" role="alert">
              <Icon name="alert" size={14} />
              <div>
                <strong>The public URL changed</strong> from <span className="mono">{shownUrl(tunnel.urlChange.previous)}</span> to{' '}
                <span className="mono">{shownUrl(tunnel.urlChange.current)}</span>. Update every webhook sender that uses the old one.
              </div>
            </div>
          )}
        </div>
      )}
      {!running && (
        <div className="error-box" style={{ marginBottom: 12 }}>
          <Icon name="info" size={14} />{' '}
          <span>
            {target.kind === 'catcher'
              ? 'The catcher is stopped. Start it to expose it; a public URL you leave on reopens whenever the catcher starts.'
              : 'It is not running. Start it to expose it.'}
          </span>
        </div>
      )}
      <form id="tunnel-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="field-row">
          <div className="field">
            <label htmlFor="tn-subdomain">Subdomain (optional)</label>
            <input id="tn-subdomain" className={`input ${touched && subError ? 'invalid' : ''}`} value={subdomain} placeholder="random" onChange={(e) => setSubdomain(e.target.value.toLowerCase())} spellCheck={false} />
            {touched && subError ? <span className="field-error">{subError}</span> : <span className="field-hint">Asked for, not guaranteed: a taken one gets a random name.</span>}
          </div>
          <div className="field">
            <label htmlFor="tn-localhost">Local host (optional)</label>
            <input id="tn-localhost" className={`input ${touched && localError ? 'invalid' : ''}`} value={localHost} placeholder={localHostPlaceholder} onChange={(e) => setLocalHost(e.target.value)} spellCheck={false} />
            {touched && localError ? <span className="field-error">{localError}</span> : <span className="field-hint">Connect here and set it as the Host header.</span>}
          </div>
        </div>
        <div className="field">
          <label htmlFor="tn-host">Tunnel server</label>
          <input id="tn-host" className={`input ${touched && hostError ? 'invalid' : ''}`} value={host} onChange={(e) => setHost(e.target.value)} spellCheck={false} />
          {touched && hostError ? (
            <span className="field-error">{hostError}</span>
          ) : (
            <span className="field-hint">The public localtunnel server, or your team’s own (github.com/localtunnel/server).</span>
          )}
        </div>
      </form>
      <div className="tn-notes">
        {target.kind === 'wsServer' ? (
          <div className="tn-note">
            <Icon name="info" size={14} />
            <div className="grow">
              <strong>Browsers may be stopped by a reminder page.</strong> localtunnel shows visitors with a browser a “Friendly Reminder”
              page first, and a browser’s WebSocket cannot send the header that skips it. Other clients (wscat, server SDKs, mobile apps)
              connect normally; send <span className="mono">Bypass-Tunnel-Reminder</span> to be sure:
              <div className="tn-cmd">
                <pre data-testid="tunnel-curl">{bypassWscat(shownUrl(tunnel?.url ?? 'https://<your-subdomain>.loca.lt'))}</pre>
                <CopyButton text={bypassWscat(shownUrl(tunnel?.url ?? 'https://<your-subdomain>.loca.lt'))} label="Copy wscat command" what="wscat command" />
              </div>
            </div>
          </div>
        ) : (
          <>
            <div className="tn-note">
              <Icon name="info" size={14} />
              <div className="grow">
                <strong>Browsers see a reminder page first.</strong> localtunnel shows visitors with a browser a “Friendly Reminder” page
                before passing them on. Webhook senders and scripts are not browsers and go straight through; for your own tests, send
                the <span className="mono">Bypass-Tunnel-Reminder</span> header (any value):
                <div className="tn-cmd">
                  <pre data-testid="tunnel-curl">{bypassCurl(tunnel?.url ?? 'https://<your-subdomain>.loca.lt/')}</pre>
                  <CopyButton text={bypassCurl(tunnel?.url ?? 'https://<your-subdomain>.loca.lt/')} label="Copy curl command" what="curl command" />
                </div>
              </div>
            </div>
            <div className="tn-note">
              <Icon name="alert" size={14} />
              <div>
                <strong>Bodies over about 1 MB are refused</strong>
                {publicServer ? ' by the public server' : ' by the public localtunnel server'} (the sender gets 413 and nothing reaches the
                catcher). For bigger payloads use a self-hosted tunnel server, or send to the local URL.
              </div>
            </div>
          </>
        )}
      </div>
    </Dialog>
  );
}
