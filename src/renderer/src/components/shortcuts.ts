import { useEffect, useRef } from 'react';
import { isMac } from './format';

/**
 * Global keyboard shortcut. `combo` is like "mod+enter", "mod+t", "/", "escape", "mod+shift+k"
 * ("mod" is Cmd on macOS, Ctrl elsewhere). Single keys without a modifier never fire while the
 * user types in a field or an editor.
 */
export function useShortcut(combo: string, handler: (e: KeyboardEvent) => void, enabled = true): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    if (!enabled) return;
    const spec = parseCombo(combo);
    const onKey = (e: KeyboardEvent) => {
      if (!matches(spec, e)) return;
      if (!spec.mod && !spec.alt && isTyping(e.target)) return;
      e.preventDefault();
      ref.current(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [combo, enabled]);
}

interface Combo {
  key: string;
  mod: boolean;
  shift: boolean;
  alt: boolean;
}

function parseCombo(combo: string): Combo {
  const parts = combo.toLowerCase().split('+');
  const key = parts.pop() ?? '';
  return { key, mod: parts.includes('mod'), shift: parts.includes('shift'), alt: parts.includes('alt') };
}

function matches(c: Combo, e: KeyboardEvent): boolean {
  const mod = isMac ? e.metaKey : e.ctrlKey;
  if (mod !== c.mod || e.altKey !== c.alt) return false;
  if (c.key !== '/' && c.key !== '?' && e.shiftKey !== c.shift) return false;
  return e.key.toLowerCase() === c.key;
}

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'range'].includes(type);
  }
  return false;
}
