import { Icon } from '../components/Icon';
import { shortcutLabel } from '../components/format';
import { useApp } from './appStore';
import { areas } from './areas';

export function Rail() {
  const area = useApp((s) => s.area);
  const setArea = useApp((s) => s.setArea);
  const main = areas.filter((a) => a.id !== 'settings');
  const settings = areas.find((a) => a.id === 'settings')!;
  const button = (a: (typeof areas)[number]) => (
    <button
      key={a.id}
      type="button"
      className={`rail-btn ${area === a.id ? 'active' : ''}`}
      aria-current={area === a.id ? 'page' : undefined}
      aria-label={a.label}
      title={`${a.label} (${shortcutLabel(a.digit)})`}
      onClick={() => setArea(a.id)}
    >
      <Icon name={a.icon} size={20} />
      <span className="rail-label">{a.label === 'WebSockets' ? 'Sockets' : a.label}</span>
    </button>
  );
  return (
    <nav className="rail" aria-label="Areas">
      <div className="rail-logo" aria-hidden="true">
        <svg width="22" height="22" viewBox="0 0 22 22">
          <rect x="1" y="1" width="20" height="20" rx="5" fill="var(--accent)" />
          <path d="M6 8h6M6 14h10M12 8l2-2M12 8l2 2M16 14l-2-2M16 14l-2 2" stroke="#fff" strokeWidth="1.6" strokeLinecap="round" fill="none" />
        </svg>
      </div>
      {main.map(button)}
      <div className="grow" />
      {button(settings)}
    </nav>
  );
}
