import { useWebhooks } from '../features/webhooks/store';
import { tunnelLabel, useTunnelStatus } from './tunnelStatus';

/** One chip per live tunnel (closed ones are not news), at most three, then "+n". */
export function TunnelChips() {
  const tunnels = useTunnelStatus((s) => s.tunnels).filter((t) => t.status !== 'closed');
  const catchers = useWebhooks((s) => s.catchers);
  if (tunnels.length === 0) return null;
  const names = (target: (typeof tunnels)[number]['target']) =>
    target.kind === 'catcher' ? (catchers.find((c) => c.id === target.id)?.name ?? 'catcher') : target.kind === 'port' ? `port ${target.port}` : 'socket server';
  const shown = tunnels.slice(0, 3);
  return (
    <>
      {shown.map((t) => {
        const { text, tone } = tunnelLabel(t, names);
        return (
          <span key={t.id} className={`status-item status-${tone} status-tunnel`} title={text} data-testid="tunnel-state">
            <span className="status-dot" />
            <span className="truncate">{text}</span>
          </span>
        );
      })}
      {tunnels.length > shown.length && <span className="status-item">+{tunnels.length - shown.length} tunnels</span>}
    </>
  );
}
