import { useState, type ReactNode } from 'react';
import { isIncompleteCapture, type Capture } from '../../../../shared/model/catcher';
import { MethodBadge, StatusBadge } from '../../components/Badges';
import { BodyViewer } from '../../components/BodyViewer';
import { parseQuery } from '../../components/bodyDecode';
import { copyText, downloadBlob, downloadUrl } from '../../components/clipboard';
import { engine } from '../../client/instance';
import { CopyButton } from '../../components/CopyButton';
import { formatBytes, formatDuration, formatTimestamp } from '../../components/format';
import { Icon } from '../../components/Icon';
import { KeyValueView } from '../../components/KeyValueTable';
import { loadPref, savePref } from '../../components/persist';
import { Tabs } from '../../components/Tabs';
import { toast } from '../../components/toastStore';
import { exportHar } from './actions';
import { toCurl } from './curl';
import { useWebhooks } from './store';
import { CaptureToolsPanel } from '../webhookTools/CaptureToolsPanel';
import { DetailToolsActions } from '../webhookTools/mounts';

type DetailTab = 'overview' | 'headers' | 'query' | 'body' | 'webhook';

const header = (c: Capture, name: string) => c.headers.find(([k]) => k.toLowerCase() === name)?.[1] ?? null;

export function CaptureDetail() {
  const detail = useWebhooks((s) => s.detail);
  const selectedId = useWebhooks((s) => s.selectedId);
  const error = useWebhooks((s) => s.detailError);
  const [tab, setTab] = useState<DetailTab>(() => loadPref('webhooks:tab', 'body'));
  const choose = (t: DetailTab) => {
    setTab(t);
    savePref('webhooks:tab', t);
  };

  if (!selectedId || (!detail && !error)) {
    return (
      <section className="wh-detail">
        <div className="empty">
          <h3>{selectedId ? 'Loading…' : 'Select a request'}</h3>
          {!selectedId && (
            <p>
              Its headers, query and body show here. Use <span className="kbd">↑</span> <span className="kbd">↓</span> to move through the list and <span className="kbd">/</span> to filter.
            </p>
          )}
        </div>
      </section>
    );
  }
  if (!detail) {
    return (
      <section className="wh-detail">
        <div className="empty">{error ? <div className="error-box">{error}</div> : <h3>Loading…</h3>}</div>
      </section>
    );
  }
  // While the next capture loads (↑/↓ through the list), the last one stays, dimmed: no flicker.
  const stale = detail.id !== selectedId;
  const query = parseQuery(detail.url);
  return (
    <section className={`wh-detail ${stale ? 'stale' : ''}`} aria-label="Capture detail" aria-busy={stale} data-testid="capture-detail">
      <DetailHeader capture={detail} />
      <Tabs
        ariaLabel="Capture detail"
        active={tab}
        onChange={choose}
        items={[
          { key: 'overview', label: 'Overview' },
          { key: 'headers', label: 'Headers', badge: detail.headers.length },
          { key: 'query', label: 'Query', badge: query.length || undefined },
          { key: 'body', label: 'Body', badge: detail.bodySize ? formatBytes(detail.bodySize) : undefined },
          { key: 'webhook', label: 'Webhook' },
        ]}
      />
      <div className="wh-detail-body">
        {tab === 'overview' && <Overview capture={detail} />}
        {tab === 'headers' && (
          <div className="wh-scroll">
            <div className="wh-subbar">
              <span className="faint">In the order and case they were sent</span>
              <CopyButton withText label="Copy all" what="Headers" text={() => detail.headers.map(([k, v]) => `${k}: ${v}`).join('\n')} />
            </div>
            <KeyValueView pairs={detail.headers} copyWhat="Header" />
          </div>
        )}
        {tab === 'query' && (
          <div className="wh-scroll">
            <KeyValueView pairs={query} emptyText="No query parameters." />
          </div>
        )}
        {tab === 'body' && <BodyTab capture={detail} />}
        {tab === 'webhook' && <CaptureToolsPanel capture={detail} onSelect={(id) => useWebhooks.getState().select(id)} />}
      </div>
    </section>
  );
}

function DetailHeader({ capture: c }: { capture: Capture }) {
  const catcher = useWebhooks((s) => s.catchers.find((x) => x.id === c.catcherId));
  const body = useWebhooks((s) => s.body);
  const fetchWhole = useWebhooks((s) => s.fetchWholeBody);
  const base = catcher?.url ?? `http://127.0.0.1:${catcher?.boundPort ?? catcher?.port ?? 80}`;
  const copyCurl = async () => {
    let bytes = body?.id === c.id ? body.bytes : null;
    if (c.bodySize > 0 && c.bodySize <= 64 * 1024 && (!bytes || bytes.length < c.bodySize)) bytes = await fetchWhole(c.id, c.bodySize);
    await copyText(toCurl(c, base, bytes, bodyFileName(c)), 'cURL command');
  };
  const download = async () => {
    // Through the web door the server streams the bytes as an attachment: no size limit here.
    if (engine().kind === 'web') return downloadUrl(`/api/captures/${encodeURIComponent(c.id)}/body`, bodyFileName(c));
    try {
      const bytes = body?.id === c.id && body.bytes.length >= c.bodySize ? body.bytes : await fetchWhole(c.id, c.bodySize);
      downloadBlob(bytes as BlobPart, bodyFileName(c), c.contentType ?? 'application/octet-stream');
    } catch (err) {
      toast.error(`Download failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return (
    <div className="wh-detail-head">
      <div className="row wh-detail-line">
        <MethodBadge method={c.method} />
        <span className="mono grow truncate" title={c.url} data-testid="detail-url">
          {c.url}
        </span>
        <CopyButton text={base.replace(/\/$/, '') + c.url} label="Copy full URL" what="URL" />
        <StatusBadge status={c.responseStatus} label={isIncompleteCapture(c) ? 'incomplete' : undefined} />
      </div>
      <div className="row wh-detail-actions">
        <span className="faint truncate grow" title={`${formatTimestamp(c.receivedAt)} · ${catcher?.name ?? 'deleted catcher'}`}>
          {formatTimestamp(c.receivedAt).slice(11)} · {catcher?.name ?? 'deleted catcher'}
        </span>
        <DetailToolsActions capture={c} />
        <button type="button" className="btn small" onClick={() => void copyCurl()} title="Copy as cURL (replays against the catcher)">
          <Icon name="terminal" size={14} /> cURL
        </button>
        <button type="button" className="btn small" disabled={c.bodySize === 0} onClick={() => void download()} title="Download the body exactly as received">
          <Icon name="download" size={14} /> Body
        </button>
        <button type="button" className="btn small" onClick={() => void exportHar([c.id])} title="Export this request as HAR 1.2">
          <Icon name="export" size={14} /> HAR
        </button>
      </div>
    </div>
  );
}

function bodyFileName(c: Capture): string {
  const mime = (c.contentType ?? '').split(';')[0]!.trim();
  const ext = mime.endsWith('json') ? 'json' : mime.includes('xml') ? 'xml' : mime === 'text/html' ? 'html' : mime.startsWith('text/') ? 'txt' : mime.startsWith('image/') ? mime.slice(6).replace('jpeg', 'jpg').replace('svg+xml', 'svg') : 'bin';
  return `body-${c.seq}.${ext}`;
}

function Overview({ capture: c }: { capture: Capture }) {
  const catcher = useWebhooks((s) => s.catchers.find((x) => x.id === c.catcherId));
  const rows: Array<[string, ReactNode]> = [
    ['Received', formatTimestamp(c.receivedAt)],
    ['Catcher', catcher ? `${catcher.name}${catcher.url ? ` · ${catcher.url}` : ''}` : c.catcherId],
    ['Request line', <span className="mono">{`${c.method} ${c.url} HTTP/${c.httpVersion}`}</span>],
    ['From', <span className="mono">{`${c.remoteAddress}:${c.remotePort}`}</span>],
    ...(c.forwardedFor ? [['Forwarded for', <span className="mono">{c.forwardedFor}</span>] as [string, ReactNode]] : []),
    ['Content type', c.contentType ?? '—'],
    ...(header(c, 'content-encoding') ? [['Content encoding', header(c, 'content-encoding')] as [string, ReactNode]] : []),
    [
      'Body',
      `${formatBytes(c.bodySize)} (${c.bodySize.toLocaleString()} bytes)${c.declaredLength !== null && c.declaredLength !== c.bodySize ? ` · sender announced ${c.declaredLength.toLocaleString()}` : ''}${c.bodyTruncated ? (isIncompleteCapture(c) ? ' · incomplete: the sender disconnected before the body ended' : ' · cut at the body limit') : ''}`,
    ],
    ['Answered', <StatusBadge status={c.responseStatus} label={isIncompleteCapture(c) ? (c.responseStatus === 0 ? 'no answer (incomplete request)' : 'incomplete request') : undefined} />],
    ['Duration', formatDuration(c.durationMs)],
    ['Headers', `${c.headers.length}`],
  ];
  return (
    <div className="wh-scroll">
      <dl className="wh-overview">
        {rows.map(([k, v]) => (
          <div key={k} className="wh-ov-row">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function BodyTab({ capture: c }: { capture: Capture }) {
  const body = useWebhooks((s) => s.body);
  const loadAll = useWebhooks((s) => s.loadFullBody);
  if (c.bodySize === 0) return <div className="empty">No body.</div>;
  if (!body || body.id !== c.id || (body.loading && body.bytes.length === 0)) return <div className="empty">Loading body…</div>;
  if (body.error && body.bytes.length === 0) return <div className="empty"><div className="error-box">{body.error}</div></div>;
  return (
    <BodyViewer
      bytes={body.bytes}
      totalSize={body.total}
      contentType={c.contentType}
      contentEncoding={header(c, 'content-encoding')}
      truncatedNote={c.bodyTruncated ? `The sender sent ${c.declaredLength !== null ? formatBytes(c.declaredLength) : 'more'}; the catcher kept the first ${formatBytes(c.bodySize)} (its body limit) and answered 413.` : null}
      onLoadAll={body.loading ? undefined : () => void loadAll()}
      loadProgress={body.progress ?? null}
      onCancelLoad={() => useWebhooks.getState().cancelFullBody()}
      actions={<CopyButton label="Copy body" what="Body" text={() => new TextDecoder().decode(body.bytes)} />}
    />
  );
}
