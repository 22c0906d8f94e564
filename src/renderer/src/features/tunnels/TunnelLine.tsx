import { useEffect, useState } from 'react';
import type { TunnelTarget } from '../../../../shared/model/tunnel';
import { CopyButton } from '../../components/CopyButton';
import { Icon } from '../../components/Icon';
import { MiddleEllipsis } from '../../components/MiddleEllipsis';
import { useNow } from '../../components/useNow';
import { acknowledgeUrlChange, closeTunnel, openTunnel, optionsOf, retainTunnels, retryNow, tunnelIdFor, useTunnels } from './store';
import { TunnelDialog } from './TunnelDialog';
import { tunnelSummary } from './words';
import './tunnels.css';

export interface TunnelLineProps {
  target: TunnelTarget;
  /** Name shown in buttons, toasts and the dialog title. */
  label: string;
  /** The local side is listening (only then can it be exposed). */
  running: boolean;
  /** Where the tunnel connects locally by default (shown as the Local host placeholder). */
  localHostPlaceholder: string;
  /** How to show a public URL (e.g. wss://…/path for a WebSocket server). */
  shownUrl?: (url: string) => string;
  /** Inline (toolbars) rather than indented under a sidebar item. */
  inline?: boolean;
}

/**
 * One click to expose, then status with the reason in words, the public URL with a copy button, and
 * a loud warning when the URL changed. Used under each catcher, and for WebSocket servers.
 */
export function TunnelLine({ target, label, running, localHostPlaceholder, shownUrl = (u) => u, inline = false }: TunnelLineProps) {
  useEffect(() => retainTunnels(), []);
  const id = tunnelIdFor(target);
  const tunnel = useTunnels((s) => s.byId[id]);
  const pending = useTunnels((s) => s.pending[id] ?? false);
  const [dialog, setDialog] = useState(false);
  const live = tunnel && tunnel.status !== 'closed';
  const now = useNow(tunnel?.status === 'reconnecting' ? 1_000 : 60_000);
  const expose = () => void openTunnel(target, optionsOf(tunnel), label, shownUrl);
  const dialogEl = dialog && <TunnelDialog target={target} label={label} running={running} localHostPlaceholder={localHostPlaceholder} shownUrl={shownUrl} onClose={() => setDialog(false)} />;
  const cls = inline ? ' tn-inline' : '';

  if (!live) {
    const waitsForStart = tunnel?.reason?.includes('reopens when it starts');
    return (
      <div className={`tn-line${cls}`} data-testid="tunnel-line" data-status="closed">
        {waitsForStart && !running ? (
          <span className="faint grow truncate" title={tunnel?.reason ?? ''}>
            Public URL reopens when it starts
          </span>
        ) : (
          <button
            type="button"
            className="link-btn tn-expose grow"
            disabled={!running || pending}
            title={running ? `Give ${label} a public https URL through localtunnel` : 'Start it to expose it'}
            onClick={expose}
          >
            <Icon name="export" size={12} /> {pending ? 'Opening public URL…' : 'Expose publicly'}
          </button>
        )}
        <button type="button" className="icon-btn tn-small" title="Public URL options" aria-label={`Public URL options of ${label}`} onClick={() => setDialog(true)}>
          <Icon name="chevronRight" size={12} />
        </button>
        {dialogEl}
      </div>
    );
  }

  const summary = tunnelSummary(tunnel, now);
  const showUrl = tunnel.url && (tunnel.status === 'online' || tunnel.status === 'reconnecting');
  return (
    <div className={`tn-block${cls}`} data-testid="tunnel-line" data-status={tunnel.status}>
      <div className="tn-line">
        <span className="tn-status grow" data-testid="tunnel-status" role="status">
          <button type="button" className={`tn-badge tn-${summary.tone}`} title={summary.detail ?? `${summary.label} — details and options`} onClick={() => setDialog(true)}>
            <span className="tn-dot" />
            <span className="truncate">{summary.label}</span>
          </button>
          {summary.progress && <span className="tn-progress"> · {summary.progress}</span>}
        </span>
        <button type="button" className="icon-btn tn-small" title="Close the public URL" aria-label={`Close the public URL of ${label}`} disabled={pending} onClick={() => void closeTunnel(id)}>
          <Icon name="close" size={12} />
        </button>
      </div>
      {showUrl && tunnel.url && (
        <div className={`tn-line tn-url ${tunnel.status === 'online' ? '' : 'tn-stale'}`}>
          <span className="mono grow" data-testid="tunnel-url" title={shownUrl(tunnel.url)}>
            <MiddleEllipsis text={shownUrl(tunnel.url)} />
          </span>
          <CopyButton text={shownUrl(tunnel.url)} label="Copy public URL" what="Public URL" />
        </div>
      )}
      {summary.detail && tunnel.status !== 'online' && (
        <div className={`tn-reason tn-${summary.tone}-text`} data-testid="tunnel-reason">
          {summary.detail}
          {tunnel.status === 'reconnecting' && tunnel.nextRetryAt && (
            <button type="button" className="link-btn" style={{ marginLeft: 6 }} onClick={() => void retryNow(id)}>
              Try now
            </button>
          )}
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
              was <s>{shownUrl(tunnel.urlChange.previous)}</s>
            </div>
            <div className="tn-actions">
              <CopyButton text={shownUrl(tunnel.urlChange.current)} label="Copy new URL" what="New public URL" withText />
              <button type="button" className="btn small" onClick={() => void acknowledgeUrlChange(id)}>
                I updated my senders
              </button>
            </div>
          </div>
        </div>
      )}
      {dialogEl}
    </div>
  );
}
