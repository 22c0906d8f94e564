import { useState, type MouseEvent } from 'react';
import { copyText } from './clipboard';
import { Icon } from './Icon';

/** Copies text (or the result of a function, computed on click) and confirms with a toast. */
export function CopyButton({
  text,
  label = 'Copy',
  what,
  withText = false,
  className,
}: {
  text: string | (() => string | Promise<string>);
  label?: string;
  what?: string;
  withText?: boolean;
  className?: string;
}) {
  const [done, setDone] = useState(false);
  const onClick = async (e: MouseEvent) => {
    e.stopPropagation();
    const value = typeof text === 'function' ? await text() : text;
    if (await copyText(value, what ?? 'Copied')) {
      setDone(true);
      setTimeout(() => setDone(false), 1200);
    }
  };
  return (
    <button
      type="button"
      className={className ?? (withText ? 'btn small' : 'icon-btn')}
      title={label}
      aria-label={label}
      onClick={onClick}
    >
      <Icon name={done ? 'check' : 'copy'} size={14} />
      {withText && <span>{label}</span>}
    </button>
  );
}
