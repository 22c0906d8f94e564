import { useEffect, type ReactNode } from 'react';
import { downloadBlob } from '../../components/clipboard';
import { formatBytes } from '../../components/format';
import { Icon } from '../../components/Icon';
import { LiveList } from '../../components/LiveList';
import { SplitPane } from '../../components/SplitPane';
import { toast } from '../../components/toastStore';
import { engine, errorText } from '../../client/instance';
import type { WsFrameSummary } from '../../../../shared/model/sockets';
import { FrameDetail } from './FrameDetail';
import { ensureLog, filterParams, useSockets } from './store';
import { arrow, frameLine, KIND_LABEL } from './words';

function timeOf(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function Row({ f, showClient }: { f: WsFrameSummary; showClient: boolean }) {
  return (
    <div className={`sk-row sk-dir-${f.direction} sk-row-${f.kind}`} data-testid="ws-row">
      <span className="sk-arrow" aria-label={f.direction === 'in' ? 'received' : f.direction === 'out' ? 'sent' : 'note'}>
        {arrow(f)}
      </span>
      <span className="sk-time mono faint" title={new Date(f.time).toISOString()}>
        {timeOf(f.time)}
      </span>
      {showClient && <span className="sk-client mono faint">{f.clientId ?? ''}</span>}
      <span className={`sk-kind sk-kind-${f.kind}`}>{KIND_LABEL[f.kind]}</span>
      <span className="sk-preview mono truncate">{frameLine(f)}</span>
      {f.rttMs !== undefined && <span className="sk-rtt faint">{f.rttMs} ms</span>}
      <span className="sk-size faint">{f.kind === 'info' || f.kind === 'error' ? '' : formatBytes(f.size)}</span>
    </div>
  );
}

/** A log: filter, pause, clear, export, the live virtualized list, and the selected frame. */
export function LogPanel({ logId, showClient = false, actions }: { logId: string; showClient?: boolean; actions?: ReactNode }) {
  useEffect(() => ensureLog(logId), [logId]);
  const log = useSockets((s) => s.logs[logId]);
  const setFilter = useSockets((s) => s.setFilter);
  const setPaused = useSockets((s) => s.setPaused);
  const selectFrame = useSockets((s) => s.selectFrame);
  const loadOlder = useSockets((s) => s.loadOlder);
  const clearLog = useSockets((s) => s.clearLog);
  if (!log) return null;
  const selectedSummary = log.frames.find((f) => f.seq === log.selectedSeq) ?? null;

  const exportLog = async () => {
    try {
      const { logId: _l, ...filter } = filterParams(logId);
      const res = await engine().invoke('ws.log.export', { logId, ...filter });
      downloadBlob(res.jsonl ?? '', `websocket-log-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`, 'application/x-ndjson');
      toast.success(`Exported ${res.count} message${res.count === 1 ? '' : 's'} as JSON lines`);
    } catch (err) {
      toast.error(errorText(err));
    }
  };

  return (
    <div className="sk-log">
      <div className="pane-header sk-log-toolbar">
        <label className="sk-filter">
          <Icon name="search" size={14} />
          <input
            className="sk-filter-input"
            placeholder="Filter messages"
            aria-label="Filter messages"
            value={log.filter.text}
            onChange={(e) => setFilter(logId, { text: e.target.value })}
          />
        </label>
        <select className="select" aria-label="Direction" value={log.filter.direction} onChange={(e) => setFilter(logId, { direction: e.target.value as never })}>
          <option value="">Both ways</option>
          <option value="in">Received</option>
          <option value="out">Sent</option>
          <option value="none">Notes</option>
        </select>
        <select className="select" aria-label="Kind" value={log.filter.kind} onChange={(e) => setFilter(logId, { kind: e.target.value as never })}>
          <option value="">All kinds</option>
          {Object.entries(KIND_LABEL).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
        {actions}
        <button
          type="button"
          className={`icon-btn ${log.paused ? 'active' : ''}`}
          title={log.paused ? 'Resume auto-scroll' : 'Pause auto-scroll'}
          aria-label={log.paused ? 'Resume' : 'Pause'}
          aria-pressed={log.paused}
          onClick={() => setPaused(logId, !log.paused)}
        >
          <Icon name={log.paused ? 'play' : 'pause'} />
        </button>
        <button type="button" className="icon-btn" title="Export as JSON lines" aria-label="Export" onClick={() => void exportLog()}>
          <Icon name="download" />
        </button>
        <button type="button" className="icon-btn" title="Clear the log" aria-label="Clear log" onClick={() => void clearLog(logId).catch((e: unknown) => toast.error(errorText(e)))}>
          <Icon name="trash" />
        </button>
      </div>
      <div className="sk-log-meta faint">
        <span>
          {log.frames.length < log.total ? `${log.frames.length.toLocaleString()} of ${log.total.toLocaleString()}` : log.total.toLocaleString()} message
          {log.total === 1 ? '' : 's'}
        </span>
        {log.hasOlder && (
          <button type="button" className="link-btn" onClick={() => void loadOlder(logId)}>
            Load older
          </button>
        )}
        {log.error && <span className="sk-error-text">{log.error}</span>}
      </div>
      <div className="sk-log-body">
        <SplitPane
          storageKey="sockets.log"
          fraction
          initial={0.6}
          min={260}
          max={1600}
          first={
            <LiveList
              items={log.frames}
              getKey={(f) => String(f.seq)}
              rowHeight={28}
              selectedKey={log.selectedSeq === null ? null : String(log.selectedSeq)}
              onSelect={(k) => selectFrame(logId, Number(k))}
              heldCount={log.held.length}
              onResume={() => setPaused(logId, false)}
              ariaLabel="Messages"
              renderRow={(f) => <Row f={f} showClient={showClient} />}
              empty={<div className="empty faint">{log.loading ? 'Loading…' : 'No messages yet.'}</div>}
            />
          }
          second={<FrameDetail summary={selectedSummary} frame={log.selected} />}
        />
      </div>
    </div>
  );
}
