import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Icon } from './Icon';
import './livelist.css';

/**
 * A virtualized live list, oldest at the top. While the view is at the bottom it follows new
 * items; once the user scrolls up it stays put and a "n new" pill offers to jump down. When the
 * owner pauses (holding items back), the pill shows how many are held and resumes on click.
 * ↑/↓/Home/End/PageUp/PageDown move the selection when the list has focus.
 */
export function LiveList<T>({
  items,
  getKey,
  rowHeight = 32,
  renderRow,
  selectedKey,
  onSelect,
  heldCount = 0,
  onResume,
  ariaLabel,
  empty,
  marked,
  onMark,
}: {
  items: readonly T[];
  getKey: (item: T) => string;
  rowHeight?: number;
  renderRow: (item: T, selected: boolean) => ReactNode;
  selectedKey: string | null;
  onSelect: (key: string) => void;
  /** Items held back by a pause; shows the pill and calls onResume on click. */
  heldCount?: number;
  onResume?: () => void;
  ariaLabel: string;
  empty?: ReactNode;
  /** Multi-selection (Ctrl/Cmd+click toggles, Shift+click extends from the selection). */
  marked?: ReadonlySet<string>;
  onMark?: (key: string, mode: 'toggle' | 'range') => void;
}) {
  const parentRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: items.length, getScrollElement: () => parentRef.current, estimateSize: () => rowHeight, overscan: 12 });
  const [follow, setFollow] = useState(true);
  const [seenCount, setSeenCount] = useState(items.length);
  const followRef = useRef(follow);
  followRef.current = follow;

  // Follow the live edge, or remember how much the user has not yet seen.
  useLayoutEffect(() => {
    if (items.length === 0) {
      setSeenCount(0);
      setFollow(true);
      return;
    }
    if (followRef.current) {
      v.scrollToIndex(items.length - 1, { align: 'end' });
      setSeenCount(items.length);
    } else if (items.length < seenCount) {
      setSeenCount(items.length);
    }
  }, [items.length]);

  const onScroll = () => {
    const el = parentRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < rowHeight / 2;
    if (atBottom !== followRef.current) {
      setFollow(atBottom);
      if (atBottom) setSeenCount(items.length);
    }
  };

  // A scan of 100,000 items on every render (each frame under a storm) showed in the page's
  // profile; appends keep the index, so the last one is checked first.
  const lastSelected = useRef(-1);
  const selectedIndex = useMemo(() => {
    if (selectedKey === null) return -1;
    const guess = lastSelected.current;
    const at = items[guess];
    const i = at !== undefined && getKey(at) === selectedKey ? guess : items.findIndex((it) => getKey(it) === selectedKey);
    lastSelected.current = i;
    return i;
    // getKey is a pure accessor (usually an inline arrow), so it is not a dependency.
  }, [items, selectedKey]);

  useEffect(() => {
    if (selectedIndex >= 0) v.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (items.length === 0) return;
    if (e.key === ' ' && onMark && selectedKey !== null) {
      e.preventDefault();
      onMark(selectedKey, 'toggle');
      return;
    }
    const page = Math.max(1, Math.floor((parentRef.current?.clientHeight ?? rowHeight * 10) / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: selectedIndex + 1,
      ArrowUp: selectedIndex === -1 ? items.length - 1 : selectedIndex - 1,
      Home: 0,
      End: items.length - 1,
      PageDown: selectedIndex + page,
      PageUp: selectedIndex - page,
    };
    const target = moves[e.key];
    if (target === undefined) return;
    e.preventDefault();
    const next = items[Math.max(0, Math.min(items.length - 1, target))];
    if (next !== undefined) onSelect(getKey(next));
  };

  const unseen = follow ? 0 : Math.max(0, items.length - seenCount);
  const pill = heldCount > 0 ? `${heldCount} new · paused` : unseen > 0 ? `${unseen} new` : null;

  return (
    <div className="live-list-wrap">
      <div
        ref={parentRef}
        className="live-list"
        role="listbox"
        aria-multiselectable={onMark ? true : undefined}
        aria-label={ariaLabel}
        aria-activedescendant={selectedIndex >= 0 ? `row-${selectedKey}` : undefined}
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        {items.length === 0 ? (
          empty
        ) : (
          <div style={{ height: v.getTotalSize(), position: 'relative' }}>
            {v.getVirtualItems().map((row) => {
              const item = items[row.index]!;
              const key = getKey(item);
              const selected = key === selectedKey;
              return (
                <div
                  key={key}
                  id={`row-${key}`}
                  role="option"
                  aria-selected={selected || marked?.has(key) === true}
                  className={`live-row ${selected ? 'selected' : ''} ${marked?.has(key) ? 'marked' : ''}`}
                  style={{ height: rowHeight, transform: `translateY(${row.start}px)` }}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={(e) => {
                    if (onMark && (e.ctrlKey || e.metaKey)) onMark(key, 'toggle');
                    else if (onMark && e.shiftKey) onMark(key, 'range');
                    else onSelect(key);
                    parentRef.current?.focus();
                  }}
                >
                  {renderRow(item, selected)}
                </div>
              );
            })}
          </div>
        )}
      </div>
      {pill && (
        <button
          type="button"
          className="new-pill"
          onClick={() => {
            if (heldCount > 0) onResume?.();
            setFollow(true);
            setSeenCount(items.length);
            v.scrollToIndex(items.length - 1, { align: 'end' });
          }}
        >
          <Icon name="chevronDown" size={14} /> {pill}
        </button>
      )}
    </div>
  );
}
