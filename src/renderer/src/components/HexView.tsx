import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState } from 'react';
import './hex.css';

const hex2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Offset · 16 hex bytes · ASCII, virtualized so a multi-megabyte body scrolls smoothly. */
export function HexView({ bytes, totalSize }: { bytes: Uint8Array; totalSize?: number }) {
  const parentRef = useRef<HTMLDivElement>(null);
  // 16 bytes a row when the pane is wide enough, 8 otherwise: never a sideways scroll.
  const [perRow, setPerRow] = useState(16);
  useLayoutEffect(() => {
    const el = parentRef.current;
    if (!el) return;
    const fit = () => setPerRow(el.clientWidth >= 600 ? 16 : 8);
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const half = perRow / 2;
  const rows = Math.ceil(bytes.length / perRow);
  const v = useVirtualizer({ count: rows, getScrollElement: () => parentRef.current, estimateSize: () => 18, overscan: 20 });
  const offsetWidth = Math.max(8, (totalSize ?? bytes.length).toString(16).length);

  return (
    <div ref={parentRef} className="hex-view mono" data-testid="hex-view" tabIndex={0} aria-label="Hex dump">
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((item) => {
          const start = item.index * perRow;
          const slice = bytes.subarray(start, start + perRow);
          const hexCells: string[] = [];
          let ascii = '';
          for (let i = 0; i < perRow; i++) {
            const b = slice[i];
            hexCells.push(b === undefined ? '  ' : hex2[b]!);
            ascii += b === undefined ? ' ' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·';
          }
          return (
            <div key={item.key} className="hex-row" style={{ transform: `translateY(${item.start}px)` }}>
              <span className="hex-offset">{start.toString(16).padStart(offsetWidth, '0')}</span>
              <span className="hex-bytes">
                {hexCells.slice(0, half).join(' ')}
                {'  '}
                {hexCells.slice(half).join(' ')}
              </span>
              <span className="hex-ascii">{ascii}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
