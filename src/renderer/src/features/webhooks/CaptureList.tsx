import { useRef, useState } from 'react';
import { loadPref, savePref } from '../../components/persist';
import { isIncompleteCapture, type CaptureSummary } from '../../../../shared/model/catcher';
import { MethodBadge, StatusBadge } from '../../components/Badges';
import { formatBytes, formatRelative, formatTimestamp } from '../../components/format';
import { Icon } from '../../components/Icon';
import { LiveList } from '../../components/LiveList';
import { MiddleEllipsis } from '../../components/MiddleEllipsis';
import { useShortcut } from '../../components/shortcuts';
import { useNow } from '../../components/useNow';
import { clearCaptures, exportHar } from './actions';
import { EmptyCaptures } from './EmptyCaptures';
import { useWebhooks } from './store';
import { CaptureRowBadges, SelectionReplayButton } from '../webhookTools/mounts';
import { ToolFilters } from '../webhookTools/ToolFilters';
import { toolFiltersActive, useTools } from '../webhookTools/store';

// One shared formatter: Number#toLocaleString builds an Intl formatter per call, which was most of
// each row's render cost while the list updates every frame under a storm.
const NUM = new Intl.NumberFormat();

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export function CaptureList() {
  const s = useWebhooks();
  const filterRef = useRef<HTMLInputElement>(null);
  const now = useNow();
  useShortcut('/', () => {
    filterRef.current?.focus();
    filterRef.current?.select();
  });
  const names = new Map(s.catchers.map((c) => [c.id, c.name]));
  const toolFilters = useTools((t) => t.filters);
  const toolsActive = toolFiltersActive(toolFilters);
  const filtering = s.text.trim() !== '' || s.method !== '' || toolsActive;
  // More filters fold away so the list keeps its height; they stay open while one is set.
  const [moreOpen, setMoreOpen] = useState(() => loadPref('webhooks:moreFilters', false));
  const showMore = moreOpen || toolsActive;

  return (
    <section className="wh-list" aria-label="Captures">
      <div className="pane-header wh-toolbar">
        <div className="wh-filter">
          <Icon name="search" size={14} />
          <input
            ref={filterRef}
            className="wh-filter-input"
            placeholder="Filter: path, header, body…"
            aria-label="Filter captures"
            title="Filter (/)"
            value={s.text}
            onChange={(e) => s.setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                if (s.text) s.setText('');
                else e.currentTarget.blur();
              } else if (e.key === 'ArrowDown') {
                e.preventDefault();
                document.querySelector<HTMLElement>('.wh-list .live-list')?.focus();
              }
            }}
          />
          <span className="kbd" aria-hidden="true">/</span>
        </div>
        <select className="select wh-method" aria-label="Filter by method" value={s.method} onChange={(e) => s.setMethod(e.target.value)}>
          <option value="">All methods</option>
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <button
          type="button"
          className={`icon-btn ${showMore ? 'active' : ''} ${toolsActive ? 'has-dot' : ''}`}
          title="More filters: signature, status answered, duplicates, time range"
          aria-label="More filters"
          aria-expanded={showMore}
          onClick={() => {
            setMoreOpen(!moreOpen);
            savePref('webhooks:moreFilters', !moreOpen);
          }}
        >
          <Icon name="filter" size={14} />
        </button>
        <button
          type="button"
          className={`icon-btn ${s.paused ? 'active' : ''}`}
          title={s.paused ? 'Resume the live list' : 'Pause the live list (captures keep being stored)'}
          aria-label={s.paused ? 'Resume' : 'Pause'}
          aria-pressed={s.paused}
          onClick={() => s.setPaused(!s.paused)}
        >
          <Icon name={s.paused ? 'play' : 'pause'} size={14} />
        </button>
        <button
          type="button"
          className="icon-btn"
          title={s.marked.size ? `Export the ${s.marked.size} selected as HAR 1.2` : 'Export what the filter shows as HAR 1.2 (Ctrl/Shift+click rows to pick some)'}
          aria-label={s.marked.size ? 'Export selected as HAR' : 'Export all as HAR'}
          disabled={s.captures.length === 0}
          onClick={() => void exportHar(s.marked.size ? [...s.marked] : undefined)}
        >
          <Icon name="export" size={14} />
        </button>
        <SelectionReplayButton />
        <button
          type="button"
          className="icon-btn"
          title={s.catcherId ? 'Clear this catcher’s captures' : 'Clear all captures'}
          aria-label="Clear captures"
          disabled={s.total === 0}
          onClick={() => {
            const what = s.catcherId ? `the captures of “${names.get(s.catcherId) ?? 'this catcher'}”` : 'all captures';
            if (window.confirm(`Delete ${what}? This cannot be undone.`)) void clearCaptures();
          }}
        >
          <Icon name="trash" size={14} />
        </button>
      </div>
      {showMore && <ToolFilters />}
      <div className="wh-list-meta faint">
        <span data-testid="capture-total">
          {s.listLoading && s.captures.length === 0
            ? 'Loading…'
            : `${NUM.format(s.total)} ${filtering ? 'matching' : s.total === 1 ? 'capture' : 'captures'}`}
        </span>
        {s.captures.length < s.total && !s.paused && (
          <button type="button" className="link-btn" onClick={() => void s.loadOlder()}>
            showing newest {NUM.format(s.captures.length)} · load older
          </button>
        )}
        {s.marked.size > 0 && (
          <span className="wh-marked" data-testid="marked-count">
            {s.marked.size} selected ·{' '}
            <button type="button" className="link-btn" onClick={() => s.clearMarks()}>
              clear
            </button>
          </span>
        )}
        {s.listError && <span className="status-bad">{s.listError}</span>}
      </div>
      <LiveList<CaptureSummary>
        items={s.captures}
        getKey={(c) => c.id}
        rowHeight={34}
        selectedKey={s.selectedId}
        onSelect={(id) => {
          if (s.marked.size) s.clearMarks();
          s.select(id);
        }}
        marked={s.marked}
        onMark={(id, mode) => s.mark(id, mode)}
        heldCount={s.held.length}
        onResume={() => s.setPaused(false)}
        ariaLabel="Captured requests"
        empty={filtering ? <div className="empty">No captures match the filter.</div> : <EmptyCaptures />}
        renderRow={(c) => (
          <div className="wh-row" data-testid="capture-row" data-url={c.url} data-method={c.method}>
            <MethodBadge method={c.method} />
            <span className="wh-row-path mono">
              <MiddleEllipsis text={c.url} />
              {!s.catcherId && <span className="wh-row-catcher faint">{names.get(c.catcherId) ?? ''}</span>}
            </span>
            <CaptureRowBadges capture={c} />
            <StatusBadge status={c.responseStatus} label={isIncompleteCapture(c) ? 'incomplete' : undefined} />
            <span className="wh-row-size faint" title={`${NUM.format(c.bodySize)} bytes${c.bodyTruncated ? (isIncompleteCapture(c) ? ' (the sender disconnected before the body ended)' : ' (cut at the body limit)') : ''}`}>
              {c.bodyTruncated && <Icon name="scissors" size={11} />}
              {formatBytes(c.bodySize)}
            </span>
            <span className="wh-row-time faint" title={formatTimestamp(c.receivedAt)}>
              {formatRelative(c.receivedAt, now)}
            </span>
          </div>
        )}
      />
    </section>
  );
}
