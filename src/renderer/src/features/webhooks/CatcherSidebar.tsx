import { useState } from 'react';
import type { CatcherState } from '../../../../shared/model/catcher';
import { CopyButton } from '../../components/CopyButton';
import { Icon } from '../../components/Icon';
import { MiddleEllipsis } from '../../components/MiddleEllipsis';
import { explainError } from '../../components/errorHints';
import { startCatcher, stopCatcher } from './actions';
import { CatcherDialog } from './CatcherDialog';
import { CatcherTunnel } from '../tunnels/CatcherTunnel';
import { useWebhooks } from './store';
import { CatcherToolsButton } from '../webhookTools/mounts';

export function CatcherSidebar() {
  const catchers = useWebhooks((s) => s.catchers);
  const loaded = useWebhooks((s) => s.catchersLoaded);
  const error = useWebhooks((s) => s.catchersError);
  const catcherId = useWebhooks((s) => s.catcherId);
  const selectCatcher = useWebhooks((s) => s.selectCatcher);
  const [dialog, setDialog] = useState<{ mode: 'new' } | { mode: 'edit'; catcher: CatcherState } | null>(null);
  const totalCount = catchers.reduce((n, c) => n + c.captureCount, 0);

  return (
    <aside className="wh-sidebar" aria-label="Catchers">
      <div className="pane-header">
        <span className="pane-title grow">Catchers</span>
        <button type="button" className="btn small primary" onClick={() => setDialog({ mode: 'new' })} title="Create a catcher: a local URL that records every request">
          <Icon name="plus" size={14} /> New
        </button>
      </div>
      <div className="wh-catchers">
        {error && (
          <div className="error-box" style={{ margin: 8 }}>
            <Icon name="alert" size={14} /> {error}
          </div>
        )}
        {catchers.length > 0 && (
          <button type="button" className={`wh-all ${catcherId === null ? 'active' : ''}`} onClick={() => selectCatcher(null)}>
            <span className="grow">All catchers</span>
            <span className="faint">{totalCount.toLocaleString()}</span>
          </button>
        )}
        {catchers.map((c) => (
          <CatcherItem key={c.id} catcher={c} active={c.id === catcherId} onSelect={() => selectCatcher(c.id)} onEdit={() => setDialog({ mode: 'edit', catcher: c })} />
        ))}
        {loaded && catchers.length === 0 && !error && (
          <div className="wh-side-empty">
            <p>A catcher is a local URL that records every request sent to it — point a webhook at it and watch the calls arrive.</p>
            <button type="button" className="btn primary" onClick={() => setDialog({ mode: 'new' })}>
              <Icon name="plus" size={14} /> Create a catcher
            </button>
          </div>
        )}
      </div>
      {dialog && (
        <CatcherDialog
          catcher={dialog.mode === 'edit' ? (catchers.find((c) => c.id === dialog.catcher.id) ?? dialog.catcher) : null}
          defaultName={`catcher-${catchers.length + 1}`}
          onClose={() => setDialog(null)}
        />
      )}
    </aside>
  );
}

function CatcherItem({ catcher: c, active, onSelect, onEdit }: { catcher: CatcherState; active: boolean; onSelect: () => void; onEdit: () => void }) {
  const running = c.status === 'running';
  const busy = c.status === 'starting';
  const stateLabel = running ? 'Running' : busy ? 'Starting…' : c.status === 'error' ? 'Failed' : 'Stopped';
  return (
    <div className={`wh-catcher ${active ? "active" : ""}`} data-testid="catcher-item" data-status={c.status} data-url={c.url ?? undefined}>
      <div className="wh-catcher-top">
        <button type="button" className="wh-catcher-main" onClick={onSelect} aria-pressed={active} aria-label={`${c.name}, ${stateLabel}`}>
          <span className={`wh-dot wh-dot-${c.status}`} title={stateLabel} />
          <span className="wh-catcher-name truncate">{c.name}</span>
          <span className="faint wh-count" title={`${c.captureCount.toLocaleString()} captures`}>
            {c.captureCount.toLocaleString()}
          </span>
        </button>
        {running || busy ? (
          <button type="button" className="icon-btn" title="Stop" aria-label={`Stop ${c.name}`} disabled={busy} onClick={() => void stopCatcher(c)}>
            <Icon name="stop" size={14} />
          </button>
        ) : (
          <button type="button" className="icon-btn" title="Start" aria-label={`Start ${c.name}`} onClick={() => void startCatcher(c)}>
            <Icon name="play" size={14} />
          </button>
        )}
        <CatcherToolsButton catcher={c} />
        <button type="button" className="icon-btn" title="Settings" aria-label={`Settings of ${c.name}`} onClick={onEdit}>
          <Icon name="settings" size={14} />
        </button>
      </div>
      <div className="wh-catcher-url">
        {c.url ? (
          <>
            <span className="mono grow" data-testid="catcher-url">
              <MiddleEllipsis text={c.url} />
            </span>
            <CopyButton text={c.url} label="Copy URL" what="URL" />
          </>
        ) : (
          <span className="faint grow truncate">{c.status === 'error' ? 'Not listening' : `Stopped · port ${c.port === 0 ? 'any free' : c.port}`}</span>
        )}
      </div>
      <CatcherTunnel catcher={c} />
      {c.error && (
        <div className="wh-catcher-error" role="alert">
          <Icon name="alert" size={12} /> <span>{explainError(c.error)}</span>
        </div>
      )}
    </div>
  );
}
