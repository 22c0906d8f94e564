import { useConnection } from '../client/context';
import { Icon } from '../components/Icon';
import { useApp } from './appStore';
import { TunnelChips } from './TunnelChips';

export function StatusBar() {
  const conn = useConnection();
  const info = useApp((s) => s.info);
  const infoError = useApp((s) => s.infoError);
  const storeError = useApp((s) => s.storeError);

  const engineText =
    conn.status === 'open'
      ? info
        ? `Engine ready · ${info.door === 'web' ? 'web' : info.door} · v${info.version}`
        : 'Engine connected'
      : conn.status === 'connecting'
        ? 'Connecting to the engine…'
        : conn.status === 'reconnecting'
          ? `Engine unreachable (${conn.reason}) — retrying in ${Math.ceil(conn.retryInMs / 1000)} s`
          : `Disconnected (${conn.reason}) — reload the page`;
  const tone = conn.status === 'open' ? 'ok' : conn.status === 'closed' ? 'bad' : 'warn';

  return (
    <footer className="status-bar" data-testid="status-bar">
      <span className={`status-item status-${tone}`} data-testid="engine-state" title={engineText}>
        <span className="status-dot" />
        <span className="truncate">{engineText}</span>
      </span>
      <TunnelChips />
      {infoError && conn.status === 'open' && (
        <span className="status-item status-bad" title={infoError}>
          <Icon name="alert" size={12} /> {infoError}
        </span>
      )}
      {storeError && (
        <span className="status-item status-bad" title={`${storeError.code}: ${storeError.message}`} data-testid="store-error">
          <Icon name="alert" size={12} />
          <span className="truncate">Storage problem: {storeError.message}</span>
        </span>
      )}
      <span className="grow" />
      {info && (
        <>
          <span className="status-item" title="Captures stored in the data directory" data-testid="capture-count">
            {info.captureCount.toLocaleString()} {info.captureCount === 1 ? 'capture' : 'captures'} stored
          </span>
          <span className="status-item status-path" title={`Data directory: ${info.dataDir}`}>
            <span className="truncate mono">{info.dataDir}</span>
          </span>
        </>
      )}
    </footer>
  );
}
