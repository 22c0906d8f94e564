import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import './tabs.css';

export interface TabItem<K extends string> {
  key: K;
  label: ReactNode;
  /** Small count or marker after the label. */
  badge?: ReactNode;
  disabled?: boolean;
}

/** ARIA tabs with arrow-key movement; the panel is the caller's business. */
export function Tabs<K extends string>({
  items,
  active,
  onChange,
  size = 'normal',
  ariaLabel,
  right,
}: {
  items: Array<TabItem<K>>;
  active: K;
  onChange: (key: K) => void;
  size?: 'normal' | 'small';
  ariaLabel?: string;
  right?: ReactNode;
}) {
  const listRef = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const enabled = items.filter((i) => !i.disabled);
    const idx = enabled.findIndex((i) => i.key === active);
    const next = enabled[(idx + (e.key === 'ArrowRight' ? 1 : enabled.length - 1)) % enabled.length];
    if (!next) return;
    e.preventDefault();
    onChange(next.key);
    requestAnimationFrame(() =>
      listRef.current?.querySelector<HTMLButtonElement>(`[data-tab="${CSS.escape(next.key)}"]`)?.focus(),
    );
  };
  return (
    <div className={`tabs tabs-${size}`}>
      <div ref={listRef} role="tablist" aria-label={ariaLabel} className="tabs-list" onKeyDown={onKeyDown}>
        {items.map((item) => (
          <button
            key={item.key}
            type="button"
            role="tab"
            data-tab={item.key}
            aria-selected={item.key === active}
            tabIndex={item.key === active ? 0 : -1}
            disabled={item.disabled}
            className={`tab ${item.key === active ? 'active' : ''}`}
            onClick={() => onChange(item.key)}
          >
            {item.label}
            {item.badge !== undefined && item.badge !== null && <span className="tab-badge">{item.badge}</span>}
          </button>
        ))}
      </div>
      {right && <div className="tabs-right">{right}</div>}
    </div>
  );
}
