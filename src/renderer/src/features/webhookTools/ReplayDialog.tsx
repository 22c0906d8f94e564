import { useEffect, useMemo, useState } from 'react';
import type { Capture } from '../../../../shared/model/catcher';
import type { ReplayResult, SignatureScheme } from '../../../../shared/model/webhookTools';
import { SIGNATURE_SCHEME_LABELS } from '../../../../shared/model/webhookTools';
import { engine, errorText } from '../../client/instance';
import { StatusBadge } from '../../components/Badges';
import { base64ToBytes } from '../../components/bodyDecode';
import { Dialog } from '../../components/Dialog';
import { formatDuration } from '../../components/format';
import { KeyValueEditor, pairsToRows, rowsToPairs, type KvRow } from '../../components/KeyValueTable';
import { useTools } from './store';
import { openInComposer } from './composer';
import { useWebhooks } from '../webhooks/store';

const REPLAY_CHUNK = 1000;

function schemeOf(c: Capture | undefined): SignatureScheme | null {
  return c?.annotations?.signature?.scheme ?? null;
}

function joinTarget(target: string, url: string): string {
  try {
    const t = new URL(target);
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = [t.search.slice(1), q === -1 ? '' : url.slice(q + 1)].filter(Boolean).join('&');
    const joined = t.pathname.replace(/\/+$/, '') + (path === '/' ? '' : path) || '/';
    return `${t.protocol}//${t.host}${joined}${query ? `?${query}` : ''}`;
  } catch {
    return target;
  }
}

/** Replay one capture (editable) or a selection (as captured) to a URL, optionally re-signed. */
export function ReplayDialog({ ids, capture, catcherId, onClose }: { ids: string[]; capture?: Capture; catcherId?: string | null; onClose: () => void }) {
  const configOf = capture?.catcherId ?? catcherId ?? null;
  const config = useTools((s) => (configOf ? s.configs[configOf] : undefined));
  const target = config?.forward.target ?? '';
  const catcherUrl = useWebhooks((s) => (capture ? (s.catchers.find((c) => c.id === capture.catcherId)?.url ?? null) : null));
  const [url, setUrl] = useState('');
  const [useForward, setUseForward] = useState(true);
  const [resign, setResign] = useState(false);
  const [editing, setEditing] = useState(false);
  const [method, setMethod] = useState(capture?.method ?? 'POST');
  const [headers, setHeaders] = useState<KvRow[]>(() => pairsToRows(capture?.headers ?? []));
  const [body, setBody] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<ReplayResult[] | null>(null);

  useEffect(() => {
    if (!editing || !capture || body !== null) return;
    void (async () => {
      try {
        const r = await engine().invoke('captures.body', { id: capture.id, offset: 0, length: 8 * 1024 * 1024 });
        setBody(new TextDecoder().decode(base64ToBytes(r.base64)));
      } catch (err) {
        setError(errorText(err));
      }
    })();
  }, [editing, capture, body]);

  const scheme = schemeOf(capture);
  const hasSecret = !!scheme && !!config?.secrets.some((s) => s.scheme === scheme && !s.locked);
  const resignBlocked = useMemo(() => {
    if (!capture) return null;
    if (!scheme) return 'No signature detected on this capture.';
    if (scheme === 'discord') return 'Discord signs with its private key; only the public key is known, so it cannot be re-signed.';
    if (!hasSecret) return `No ${SIGNATURE_SCHEME_LABELS[scheme]} secret is configured for this catcher.`;
    return null;
  }, [capture, scheme, hasSecret]);

  const effectiveUrl = useForward && target ? (capture ? joinTarget(target, capture.url) : target) : url;
  const canSend = !busy && (useForward && target ? true : /^https?:\/\/\S+$/.test(url.trim()));

  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      const edits =
        editing && capture
          ? {
              method,
              headers: rowsToPairs(headers),
              ...(body !== null ? { bodyBase64: bytesToBase64(new TextEncoder().encode(body)) } : {}),
            }
          : undefined;
      // The command takes up to 1000 ids; a Shift+click selection can be larger. Results show as they come.
      const all: ReplayResult[] = [];
      for (let i = 0; i < ids.length; i += REPLAY_CHUNK) {
        const res = await engine().invoke('webhookTools.replay', {
          ids: ids.slice(i, i + REPLAY_CHUNK),
          ...(useForward && target ? {} : { to: url.trim() }),
          resign: resign && !resignBlocked,
          ...(edits ? { edits } : {}),
        });
        all.push(...res.results);
        setResults([...all]);
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title={ids.length === 1 ? 'Replay capture' : `Replay ${ids.length} captures`}
      onClose={onClose}
      width={640}
      footer={
        <>
          {capture && ids.length === 1 && (
            <button
              type="button"
              className="btn"
              style={{ marginRight: 'auto' }}
              title="Open this request as a new tab in Requests, to edit and send it from there (sent there, it is not re-signed)"
              onClick={() => {
                const fallback = catcherUrl ? `${catcherUrl}${capture.url}` : `http://127.0.0.1${capture.url}`;
                void openInComposer(capture, effectiveUrl || fallback)
                  .then(onClose)
                  .catch((err: unknown) => setError(errorText(err)));
              }}
            >
              Edit in composer
            </button>
          )}
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="button" className="btn primary" disabled={!canSend} onClick={() => void send()} data-testid="replay-send">
            {busy ? 'Sending…' : 'Send'}
          </button>
        </>
      }
    >
      {error && (
        <div className="error-box" role="alert" style={{ marginBottom: 12 }}>
          <span>{error}</span>
        </div>
      )}
      <div className="field">
        <span className="field-label">Send to</span>
        {target && (
          <label className="check">
            <input type="radio" name="replay-to" checked={useForward} onChange={() => setUseForward(true)} /> Forward target <span className="mono faint">{effectiveUrl && useForward ? effectiveUrl : target}</span>
          </label>
        )}
        <label className="check">
          <input type="radio" name="replay-to" checked={!useForward || !target} onChange={() => setUseForward(false)} /> Another URL
        </label>
        {(!useForward || !target) && (
          <input
            className="input mono"
            type="url"
            placeholder="http://localhost:3000/webhooks"
            aria-label="Replay URL"
            data-testid="replay-url"
            value={url}
            autoFocus
            onChange={(e) => setUrl(e.target.value)}
          />
        )}
      </div>
      <div className="field">
        <label className="check" title={resignBlocked ?? ''}>
          <input type="checkbox" checked={resign && !resignBlocked} disabled={!!resignBlocked && !!capture} onChange={(e) => setResign(e.target.checked)} data-testid="replay-resign" />
          Re-sign with a fresh timestamp{scheme ? ` (${SIGNATURE_SCHEME_LABELS[scheme]})` : ''}
        </label>
        <span className="field-hint">{resignBlocked ?? 'Receivers that reject stale timestamps (Stripe, Slack, Standard Webhooks, Paddle) will accept it.'}</span>
      </div>
      {capture && ids.length === 1 && (
        <div className="field">
          <label className="check">
            <input type="checkbox" checked={editing} onChange={(e) => setEditing(e.target.checked)} /> Edit before sending
          </label>
          {editing && (
            <>
              <div className="field-row">
                <div className="field" style={{ maxWidth: 140 }}>
                  <label htmlFor="replay-method">Method</label>
                  <input id="replay-method" className="input mono" value={method} onChange={(e) => setMethod(e.target.value.toUpperCase())} />
                </div>
              </div>
              <span className="field-label">Headers</span>
              <KeyValueEditor rows={headers} onChange={setHeaders} keyPlaceholder="Header" ariaLabel="Replay headers" />
              <span className="field-label" style={{ marginTop: 8 }}>
                Body (UTF-8 text; leave untouched to send the exact original bytes)
              </span>
              <textarea className="textarea mono" rows={8} value={body ?? ''} disabled={body === null} onChange={(e) => setBody(e.target.value)} aria-label="Replay body" />
            </>
          )}
        </div>
      )}
      {results && (
        <div className="field" data-testid="replay-results">
          <span className="field-label" data-testid="replay-summary">
            {ids.length === 1 ? 'Result' : replaySummary(results, ids.length)}
          </span>
          <ul className="wt-list">
            {results.map((r) => (
              <li key={r.captureId} data-testid="replay-result">
                {r.outcome.ok ? <StatusBadge status={r.outcome.status} /> : <StatusBadge status={null} label={r.outcome.error.code} />}
                <span className="grow">
                  <span className="mono truncate" style={{ display: 'block' }}>
                    {r.url}
                  </span>
                  {!r.outcome.ok && <span className="wt-error">{r.outcome.error.message}</span>}
                  {r.resigned && <span className={r.resigned.ok ? 'faint' : 'wt-error'}>{r.resigned.message}</span>}
                </span>
                <span className="faint">{formatDuration(r.outcome.durationMs)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Dialog>
  );
}

function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function replaySummary(results: ReplayResult[], total: number): string {
  const failed = results.filter((r) => !r.outcome.ok || r.outcome.status >= 400).length;
  const done = results.length < total ? `${results.length} of ${total} sent` : `${total} sent`;
  return failed ? `${done} · ${failed} failed or answered ≥ 400` : done;
}
