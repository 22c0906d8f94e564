import { useEffect, useState } from 'react';
import type { CatcherState } from '../../../../shared/model/catcher';
import { CopyButton } from '../../components/CopyButton';
import { Icon } from '../../components/Icon';
import { MiddleEllipsis } from '../../components/MiddleEllipsis';
import { useNow } from '../../components/useNow';
import { acknowledgeUrlChange, closeTunnel, openTunnel, optionsOf, retainTunnels, tunnelIdFor, useTunnels } from './store';
import { TunnelDialog } from './TunnelDialog';
import { tunnelSummary } from './words';
import './tunnels.css';

/**
 * The tunnel line under a catcher in the Webhooks sidebar: one click to expose, then status with the
 * reason in words, the public URL with a copy button, and a loud warning when the URL changed.
 */
export function CatcherTunnel({ catcher }: { catcher: CatcherState }) {
  useEffect(() => retainTunnels(), []);
  const id = tunnelIdFor({ kind: 'catcher', id: catcher.id });
  const tunnel = useTunnels((s) => s.byId[id]);
  const pending = useTunnels((s) => s.pending[id] ?? false);
  const [dialog, setDialog] = useState(false);
  const live = tunnel && tunnel.status !== 'closed';
  const now = useNow(tunnel?.status === 'reconnecting' ? 1_000 : 60_000);
  const running = catcher.status === 'running';

  const expose = () => void openTunnel({ kind: 'catcher', id: catcher.id }, optionsOf(tunnel), catcher.name);

  if (!live) {
    const waitsForStart = tunnel?.reason?.includes('reopens when it starts');
    return (
      <div className="tn-line" data-testid="tunnel-line" data-status="closed">
        {waitsForStart && !running ? (
          <span className="faint grow truncate" title={tunnel?.reason ?? ''}>
            Public URL reopens when the catcher starts
          </span>
        ) : (
          <button
            type="button"
            className="link-btn tn-expose grow"
            disabled={!running || pending}
            title={running ? 'Give this catcher a public https URL through localtunnel' : 'Start the catcher to expose it'}
            onClick={expose}
          >
            <Icon name="export" size={12} /> {pending ? 'Opening public URL…' : 'Expose publicly'}
          </button>
        )}
        <button type="button" className="icon-btn tn-small" title="Public URL options" aria-label={`Public URL options of ${catcher.name}`} onClick={() => setDialog(true)}>
          <Icon name="chevronRight" size={12} />
        </button>
        {dialog && <TunnelDialog catcher={catcher} onClose={() => setDialog(false)} />}
      </div>
    );
  }

  const summary = tunnelSummary(tunnel, now);
  const showUrl = tunnel.url && (tunnel.status === 'online' || tunnel.status === 'reconnecting');
  return (
    <div className="tn-block" data-testid="tunnel-line" data-status={tunnel.status}>
      <div className="tn-line">
        <span className="tn-status grow" data-testid="tunnel-status" role="status">
          <button type="button" className={`tn-badge tn-${summary.tone}`} title={summary.detail ?? `${summary.label} — details and options`} onClick={() => setDialog(true)}>
            <span className="tn-dot" />
            <span className="truncate">{summary.label}</span>
          </button>
          {summary.progress && <span className="tn-progress"> · {summary.progress}</span>}
        </span>
        <button type="button" className="icon-btn tn-small" title="Close the public URL" aria-label={`Close the public URL of ${catcher.name}`} disabled={pending} onClick={() => void closeTunnel(id)}>
          <Icon name="close" size={12} />
        </button>
      </div>
      {showUrl && tunnel.url && (
        <div className={`tn-line tn-url ${tunnel.status === 'online' ? '' : 'tn-stale'}`}>
          <span className="mono grow" data-testid="tunnel-url" title={tunnel.url}>
            <MiddleEllipsis text={tunnel.url} />
          </span>
          <CopyButton text={tunnel.url} label="Copy public URL" what="Public URL" />
        </div>
      )}
      {summary.detail && tunnel.status !== 'online' && (
        <div className={`tn-reason tn-${summary.tone}-text`} data-testid="tunnel-reason">
          {summary.detail}
          {tunnel.status === 'failed' && (
            <button type="button" className="link-btn" style={{ marginLeft: 6 }} disabled={pending} onClick={expose}>
              Retry
            </button>
          )}
        </div>
      )}
      {tunnel.urlChange && (
        <div className="tn-changed" role="alert" data-testid="tunnel-url-changed">
          <Icon name="alert" size={14} />
          <div className="grow">
            <strong>Public URL changed.</strong> The tunnel server handed out a new address; webhook senders still use the old one.
            <div className="mono tn-was">
              was <s>{tunnel.urlChange.previous}</s>
            </div>
            <div className="tn-actions">
              <CopyButton text={tunnel.urlChange.current} label="Copy new URL" what="New public URL" withText />
              <button type="button" className="btn small" onClick={() => void acknowledgeUrlChange(id)}>
                I updated my senders
              </button>
            </div>
          </div>
        </div>
      )}
      {dialog && <TunnelDialog catcher={catcher} onClose={() => setDialog(false)} />}
    </div>
  );
}
