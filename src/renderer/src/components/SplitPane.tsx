import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { loadPref, savePref } from './persist';
import './split.css';

/**
 * Two panes with a draggable divider. The first pane has a size in px, or with `fraction` a
 * share of the width (so both panes grow on a big screen); the size is remembered under
 * `storageKey` and the second pane takes the rest. The divider is a focusable separator: arrow keys
 * resize it, as the WAI-ARIA window splitter pattern asks.
 */
export function SplitPane({
  storageKey,
  direction = 'horizontal',
  initial,
  min = 160,
  max = 900,
  first,
  second,
  fraction = false,
}: {
  storageKey: string;
  direction?: 'horizontal' | 'vertical';
  initial: number;
  min?: number;
  max?: number;
  first: ReactNode;
  second: ReactNode;
  /** `initial` is a share (0–1) of the width; `min`/`max` stay in px. */
  fraction?: boolean;
}) {
  const prefKey = `split:${storageKey}${fraction ? ':f' : ''}`;
  // In fraction mode the state holds the share; px bounds are applied by CSS min/max-width.
  const [size, setSize] = useState(() => {
    const saved = loadPref(prefKey, initial);
    return fraction ? clamp(saved, 0.05, 0.95) : clamp(saved, min, max);
  });
  const rootRef = useRef<HTMLDivElement>(null);
  const horizontal = direction === 'horizontal';

  const rootSize = () => (rootRef.current ? (horizontal ? rootRef.current.clientWidth : rootRef.current.clientHeight) : 0);
  const px = () => (fraction ? size * rootSize() : size);
  const commit = useCallback(
    (nextPx: number) => {
      const total = rootRef.current ? (horizontal ? rootRef.current.clientWidth : rootRef.current.clientHeight) : Infinity;
      // Always leave the second pane at least `min` pixels.
      const v = clamp(nextPx, min, Math.min(max, total - min));
      const stored = fraction && Number.isFinite(total) && total > 0 ? v / total : v;
      setSize(stored);
      savePref(prefKey, stored);
    },
    [fraction, horizontal, max, min, prefKey],
  );

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const start = horizontal ? e.clientX : e.clientY;
    const startSize = px();
    const target = e.currentTarget;
    target.setPointerCapture(e.pointerId);
    document.body.classList.add(horizontal ? 'resizing-x' : 'resizing-y');
    const move = (ev: globalThis.PointerEvent) => commit(startSize + (horizontal ? ev.clientX : ev.clientY) - start);
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
      document.body.classList.remove('resizing-x', 'resizing-y');
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 64 : 16;
    const dec = horizontal ? 'ArrowLeft' : 'ArrowUp';
    const inc = horizontal ? 'ArrowRight' : 'ArrowDown';
    if (e.key === dec) commit(px() - step);
    else if (e.key === inc) commit(px() + step);
    else return;
    e.preventDefault();
  };

  return (
    <div ref={rootRef} className={`split split-${direction}`}>
      <div
        className="split-pane"
        style={
          fraction
            ? horizontal
              ? { width: `${size * 100}%`, minWidth: min, maxWidth: max }
              : { height: `${size * 100}%`, minHeight: min, maxHeight: max }
            : horizontal
              ? { width: size }
              : { height: size }
        }
      >
        {first}
      </div>
      <div
        className="split-divider"
        role="separator"
        aria-orientation={horizontal ? 'vertical' : 'horizontal'}
        aria-valuenow={Math.round(fraction ? size * 100 : size)}
        aria-valuemin={fraction ? 0 : min}
        aria-valuemax={fraction ? 100 : max}
        tabIndex={0}
        title="Drag to resize (arrow keys work too)"
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
        onDoubleClick={() => commit(fraction ? initial * rootSize() : initial)}
      />
      <div className="split-pane split-rest">{second}</div>
    </div>
  );
}

function clamp(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return lo;
  return Math.max(lo, Math.min(hi, v));
}
