import { useState } from 'react';
import type { ResponseRecord } from '../../../../shared/model/http';
import { StatusBadge, statusClass } from '../../components/Badges';
import { BodyViewer } from '../../components/BodyViewer';
import { CopyButton } from '../../components/CopyButton';
import { formatBytes, formatDuration, formatTimestamp, shortcutLabel } from '../../components/format';
import { Icon } from '../../components/Icon';
import { KeyValueView } from '../../components/KeyValueTable';
import { Tabs } from '../../components/Tabs';
import { loadPref, savePref } from '../../components/persist';
import { BODY_PREVIEW, BODY_VIEW_MAX, useRequests, type RequestTab } from './store';
import { Waterfall } from './Waterfall';

type View = 'body' | 'headers' | 'cookies' | 'timing' | 'redirects' | 'request';

function Cookies({ r }: { r: ResponseRecord }) {
  if (r.cookies.length === 0) return <div className="kv-empty muted rq-pad">The response set no cookies.</div>;
  return (
    <table className="kv kv-readonly rq-cookies">
      <thead>
        <tr>
          <th>Name</th>
          <th>Value</th>
          <th>Domain</th>
          <th>Path</th>
          <th>Expires</th>
          <th>Flags</th>
        </tr>
      </thead>
      <tbody>
        {r.cookies.map((c, i) => (
          <tr key={i}>
            <td className="mono">{c.name}</td>
            <td className="mono kv-value">{c.value}</td>
            <td className="mono">{c.domain ?? '—'}</td>
            <td className="mono">{c.path ?? '—'}</td>
            <td>{c.maxAge !== undefined ? `in ${c.maxAge} s` : c.expires ? formatTimestamp(c.expires) : 'session'}</td>
            <td>{[c.secure && 'Secure', c.httpOnly && 'HttpOnly', c.sameSite && `SameSite=${c.sameSite}`].filter(Boolean).join(' ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Redirects({ r }: { r: ResponseRecord }) {
  if (r.redirects.length === 0) return <div className="kv-empty muted rq-pad">No redirects: the first response is the final one.</div>;
  return (
    <ol className="rq-redirects">
      {r.redirects.map((h, i) => (
        <li key={i}>
          <StatusBadge status={h.status} /> <span className="mono">{h.method}</span> <span className="mono truncate">{h.url}</span>
          <div className="faint mono">→ {h.location} · {formatDuration(h.timings.total)}</div>
        </li>
      ))}
      <li>
        <StatusBadge status={r.status} /> <span className="mono">{r.method}</span> <span className="mono truncate">{r.url}</span>
      </li>
    </ol>
  );
}

function Summary({ r }: { r: ResponseRecord }) {
  return (
    <div className="rq-summary" data-testid="response-summary">
      <span className={`rq-status-text ${statusClass(r.status)}`} data-testid="status-text">
        {r.status} {r.statusText}
      </span>
      <span className="rq-stat" title="Whole send, redirects included">
        <Icon name="dot" size={10} /> {formatDuration(r.elapsedMs)}
      </span>
      <span
        className="rq-stat"
        title={`Headers ${formatBytes(r.headersSize)} · body on the wire ${formatBytes(r.wireBodySize)}${r.contentEncoding ? ` (${r.contentEncoding})` : ''} · decoded ${formatBytes(r.bodySize)}`}
      >
        {formatBytes(r.bodySize)}
        {r.contentEncoding && <span className="faint"> ({formatBytes(r.wireBodySize)} {r.contentEncoding})</span>}
      </span>
      {!r.tlsVerified && r.url.startsWith('https:') && (
        <span className="rq-chip rq-chip-warn" title={r.tls?.authorizationError ?? undefined}>
          <Icon name="alert" size={12} /> TLS not verified{r.tls?.authorizationError ? `: ${r.tls.authorizationError}` : ''}
        </span>
      )}
      {r.tls && r.tlsVerified && (
        <span className="rq-chip" title={`${r.tls.subject ?? ''} issued by ${r.tls.issuer ?? ''}, valid to ${r.tls.validTo ?? ''}`}>
          {r.tls.protocol}
        </span>
      )}
    </div>
  );
}

export function ResponsePane({ tab }: { tab: RequestTab }) {
  const [view, setView] = useState<View>(() => loadPref<View>('requests:view', 'body'));
  const { loadMoreBody, downloadBody, cancel } = useRequests.getState();
  const choose = (v: View) => {
    setView(v);
    savePref('requests:view', v);
  };

  if (tab.sending) {
    const p = tab.progress;
    return (
      <div className="empty rq-sending" role="status">
        <div className="rq-spinner" aria-hidden />
        <h3>Sending…</h3>
        {p && <p className="mono">{formatBytes(p.received)}{p.total !== null ? ` of ${formatBytes(p.total)}` : ''} received</p>}
        <button type="button" className="btn" onClick={() => void cancel(tab.id)}>
          Cancel
        </button>
      </div>
    );
  }
  if (tab.error) {
    return (
      <div className="rq-pad">
        <div className="error-box" role="alert" data-testid="send-error">
          <Icon name="alert" size={14} />
          <div>
            <strong>{tab.error.code === 'HTTP_CANCELLED' ? 'Cancelled' : 'The request failed'}</strong>
            <div>{tab.error.message}</div>
            {tab.error.code && <div className="faint mono">{tab.error.code}</div>}
          </div>
        </div>
      </div>
    );
  }
  const r = tab.response;
  if (!r) {
    return (
      <div className="empty">
        <Icon name="send" size={24} />
        <h3>No response yet</h3>
        <p>
          Enter a URL and press <span className="kbd">{shortcutLabel('Enter')}</span> to send. Try <span className="mono">https://httpbin.org/get</span> or a catcher's URL from the
          Webhooks area.
        </p>
      </div>
    );
  }
  const bytes = tab.body ?? new Uint8Array(0);
  const big = r.bodySize > BODY_VIEW_MAX;
  const canMore = bytes.length < r.bodySize;
  return (
    <div className="rq-response">
      <Summary r={r} />
      <Tabs<View>
        ariaLabel="Response parts"
        active={view}
        onChange={choose}
        items={[
          { key: 'body', label: 'Body' },
          { key: 'headers', label: 'Headers', badge: r.headers.length },
          { key: 'cookies', label: 'Cookies', badge: r.cookies.length || undefined },
          { key: 'timing', label: 'Timing' },
          { key: 'redirects', label: 'Redirects', badge: r.redirects.length || undefined },
          { key: 'request', label: 'Request sent' },
        ]}
      />
      <div className="rq-response-main">
        {view === 'body' &&
          (tab.bodyError ? (
            <div className="error-box rq-pad">{tab.bodyError}</div>
          ) : (
            <BodyViewer
              bytes={bytes}
              totalSize={r.bodySize}
              contentType={r.contentType}
              truncatedNote={
                [r.decodeError, big && canMore ? `The body is ${formatBytes(r.bodySize)}: too big to show whole; save it to open it elsewhere.` : null].filter(Boolean).join(' ') || null
              }
              onLoadAll={canMore ? () => void loadMoreBody(tab.id, big ? bytes.length + BODY_PREVIEW * 4 : r.bodySize) : undefined}
              actions={
                <button type="button" className="icon-btn" title="Save the body to a file" aria-label="Save body" onClick={() => void downloadBody(tab.id)}>
                  <Icon name="download" size={14} />
                </button>
              }
            />
          ))}
        {view === 'headers' && (
          <div className="rq-scroll">
            <KeyValueView pairs={r.headers} emptyText="No headers" copyWhat="Header" />
          </div>
        )}
        {view === 'cookies' && (
          <div className="rq-scroll">
            <Cookies r={r} />
          </div>
        )}
        {view === 'timing' && (
          <div className="rq-scroll rq-pad">
            <Waterfall timings={r.timings} />
            <p className="faint rq-note">
              Final exchange{r.redirects.length ? ` (after ${r.redirects.length} redirect${r.redirects.length > 1 ? 's' : ''})` : ''}; whole send {formatDuration(r.elapsedMs)}.
              {r.remoteAddress && ` Remote address ${r.remoteAddress}.`} Started {formatTimestamp(r.startedAt)}.
            </p>
          </div>
        )}
        {view === 'redirects' && (
          <div className="rq-scroll">
            <Redirects r={r} />
          </div>
        )}
        {view === 'request' && (
          <div className="rq-scroll">
            <div className="row rq-pad">
              <span className="mono">{r.request.method}</span>
              <span className="mono truncate grow">{r.request.url}</span>
              <CopyButton text={r.request.url} label="Copy URL" what="URL" />
            </div>
            <KeyValueView pairs={r.request.headers} copyWhat="Header" />
            <p className="faint rq-note rq-pad">Body: {formatBytes(r.request.bodySize)}</p>
          </div>
        )}
      </div>
    </div>
  );
}
