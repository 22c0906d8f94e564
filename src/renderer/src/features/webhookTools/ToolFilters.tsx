import { SIGNATURE_STATUSES, type SignatureStatus } from '../../../../shared/model/webhookTools';
import { useState } from 'react';
import { toolFiltersActive, useTools, NO_TOOL_FILTERS, type StatusClass } from './store';
import { ReplayDialog } from './ReplayDialog';
import { useWebhooks } from '../webhooks/store';

const MAX_BULK_REPLAY = 1000;

const SIG_LABEL: Record<SignatureStatus, string> = {
  valid: 'Valid signature',
  invalid: 'Invalid signature',
  expired: 'Expired signature',
  'no-secret': 'Signed, no secret',
  unsigned: 'Unsigned',
};

/** Extra list filters: signature status, status answered, time range, duplicates. */
export function ToolFilters() {
  const f = useTools((s) => s.filters);
  const setFilters = useTools((s) => s.setFilters);
  const shown = useWebhooks((s) => s.captures);
  const catcherId = useWebhooks((s) => s.catcherId);
  const [replaying, setReplaying] = useState(false);
  const ids = shown.slice(-MAX_BULK_REPLAY).map((c) => c.id);
  return (
    <div className="wt-filters" aria-label="More filters">
      <select className="select" aria-label="Filter by signature" value={f.signature} onChange={(e) => setFilters({ signature: e.target.value as SignatureStatus | '' })} data-testid="filter-signature">
        <option value="">Any signature</option>
        {SIGNATURE_STATUSES.map((s) => (
          <option key={s} value={s}>
            {SIG_LABEL[s]}
          </option>
        ))}
      </select>
      <select className="select" aria-label="Filter by status answered" value={f.status} onChange={(e) => setFilters({ status: e.target.value as StatusClass })}>
        <option value="">Any status</option>
        {(['2xx', '3xx', '4xx', '5xx'] as const).map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <select className="select" aria-label="Duplicates" value={f.duplicates} onChange={(e) => setFilters({ duplicates: e.target.value as 'any' | 'only' | 'exclude' })}>
        <option value="any">With duplicates</option>
        <option value="exclude">Hide duplicates</option>
        <option value="only">Only duplicates</option>
      </select>
      <label className="faint" style={{ fontSize: 12 }}>
        From <input className="input" type="datetime-local" step="1" aria-label="From time" value={f.from} onChange={(e) => setFilters({ from: e.target.value })} />
      </label>
      <label className="faint" style={{ fontSize: 12 }}>
        to <input className="input" type="datetime-local" step="1" aria-label="To time" value={f.to} onChange={(e) => setFilters({ to: e.target.value })} />
      </label>
      <button
        type="button"
        className="btn small"
        disabled={ids.length === 0}
        title={`Send every capture the list shows again (newest ${MAX_BULK_REPLAY.toLocaleString()} at most), in order`}
        onClick={() => setReplaying(true)}
      >
        Replay shown ({ids.length.toLocaleString()})…
      </button>
      {replaying && <ReplayDialog ids={ids} catcherId={catcherId} onClose={() => setReplaying(false)} />}
      {toolFiltersActive(f) && (
        <button type="button" className="btn small" onClick={() => setFilters(NO_TOOL_FILTERS)}>
          Reset
        </button>
      )}
    </div>
  );
}
