import { useLayoutEffect, useRef, useState } from 'react';
import { middleEllipsis } from './format';

// Fitting used to write candidates into the row and read scrollWidth back: a forced layout per
// row, and in a list that mounts rows every frame under a webhook storm, layout thrashing (the
// largest cost in the page's CPU profile). Now the width comes from the ResizeObserver (no forced
// layout), text is measured on a canvas with the element's computed font, and results are cached
// by font, width and text (a storm repeats the same few paths).

const CACHE_MAX = 4_000;
const fitCache = new Map<string, string>();
let canvas: CanvasRenderingContext2D | null | undefined;

function textWidth(font: string, s: string): number {
  if (canvas === undefined) canvas = document.createElement('canvas').getContext('2d');
  if (!canvas) return s.length * 7.5; // no 2D context (should not happen): a typical UI char width
  if (canvas.font !== font) canvas.font = font;
  return canvas.measureText(s).width;
}

function fontOf(el: HTMLElement): string {
  const cs = getComputedStyle(el);
  return cs.font || `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
}

/** The longest middle-ellipsized form of `text` that fits `width` px in `font`. */
function fit(text: string, width: number, font: string): string {
  const key = `${font}\u0000${String(Math.floor(width))}\u0000${text}`;
  const hit = fitCache.get(key);
  if (hit !== undefined) return hit;
  let shown = text;
  if (textWidth(font, text) > width) {
    // Binary search the longest candidate that fits (at least a few characters stay).
    let lo = 5;
    let hi = text.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (textWidth(font, middleEllipsis(text, mid)) <= width) lo = mid;
      else hi = mid - 1;
    }
    shown = middleEllipsis(text, lo);
  }
  if (fitCache.size >= CACHE_MAX) {
    const oldest = fitCache.keys().next().value;
    if (oldest !== undefined) fitCache.delete(oldest);
  }
  fitCache.set(key, shown);
  return shown;
}

/**
 * Long URLs lose their middle, not their end (the end is usually what differs). The box's width
 * comes from a ResizeObserver; the text is measured on a canvas in the element's font.
 */
export function MiddleEllipsis({ text, className }: { text: string; className?: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  const box = useRef<{ width: number; font: string }>({ width: 0, font: '' });
  const [shown, setShown] = useState(text);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const apply = () => setShown(box.current.width > 0 ? fit(text, box.current.width, box.current.font) : text);
    apply();
    const ro = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (!entry) return;
      if (!box.current.font) box.current.font = fontOf(el);
      box.current.width = entry.contentRect.width;
      apply();
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [text]);

  return (
    <span ref={ref} className={`truncate ${className ?? ''}`} title={text} style={{ display: 'block' }}>
      {shown}
    </span>
  );
}
