import { useLayoutEffect, useRef, useState } from 'react';
import { middleEllipsis } from './format';

/**
 * Long URLs lose their middle, not their end (the end is usually what differs). Measures the
 * box with a ResizeObserver and a monospace-agnostic character width estimate from the text.
 */
export function MiddleEllipsis({ text, className }: { text: string; className?: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  const [shown, setShown] = useState(text);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const fit = () => {
      const width = el.clientWidth;
      if (width === 0) return setShown(text);
      el.textContent = text;
      if (el.scrollWidth <= width) return setShown(text);
      const perChar = el.scrollWidth / Math.max(1, text.length);
      let max = Math.floor(width / perChar) - 1;
      let candidate = middleEllipsis(text, max);
      el.textContent = candidate;
      while (el.scrollWidth > width && max > 5) {
        max -= 2;
        candidate = middleEllipsis(text, max);
        el.textContent = candidate;
      }
      setShown(candidate);
    };
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    return () => ro.disconnect();
  }, [text]);

  return (
    <span ref={ref} className={`truncate ${className ?? ''}`} title={text} style={{ display: 'block' }}>
      {shown}
    </span>
  );
}
