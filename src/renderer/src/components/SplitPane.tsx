import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { loadPref, savePref } from './persist';
import './split.css';

/**
 * Two panes with a draggable divider. The first pane has a fixed size in px (remembered under
 * `storageKey`), the second takes the rest. The divider is a focusable separator: arrow keys
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
}: {
  storageKey: string;
  direction?: 'horizontal' | 'vertical';
  initial: number;
  min?: number;
  max?: number;
  first: ReactNode;
  second: ReactNode;
}) {
  const [size, setSize] = useState(() => clamp(loadPref(`split:${storageKey}`, initial), min, max));
  const rootRef = useRef<HTMLDivElement>(null);
  const horizontal = direction === 'horizontal';

  const commit = useCallback(
    (next: number) => {
      const rootSize = rootRef.current ? (horizontal ? rootRef.current.clientWidth : rootRef.current.clientHeight) : Infinity;
      // Always leave the second pane at least `min` pixels.
      const v = clamp(next, min, Math.min(max, rootSize - min));
      setSize(v);
      savePref(`split:${storageKey}`, v);
    },
    [horizontal, max, min, storageKey],
  );

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const start = horizontal ? e.clientX : e.clientY;
    const startSize = size;
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
    if (e.key === dec) commit(size - step);
    else if (e.key === inc) commit(size + step);
    else return;
    e.preventDefault();
  };

  return (
    <div ref={rootRef} className={`split split-${direction}`}>
      <div className="split-pane" style={horizontal ? { width: size } : { height: size }}>
        {first}
      </div>
      <div
        className="split-divider"
        role="separator"
        aria-orientation={horizontal ? 'vertical' : 'horizontal'}
        aria-valuenow={Math.round(size)}
        aria-valuemin={min}
        aria-valuemax={max}
        tabIndex={0}
        title="Drag to resize (arrow keys work too)"
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
        onDoubleClick={() => commit(initial)}
      />
      <div className="split-pane split-rest">{second}</div>
    </div>
  );
}

function clamp(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return lo;
  return Math.max(lo, Math.min(hi, v));
}
