import { useEffect, useState } from 'react';
import type { Capture } from '../../../../shared/model/catcher';
import type { ForwardResult, SignatureResult } from '../../../../shared/model/webhookTools';
import { SIGNATURE_SCHEME_LABELS } from '../../../../shared/model/webhookTools';
import { engine, errorText } from '../../client/instance';
import { StatusBadge } from '../../components/Badges';
import { base64ToBytes } from '../../components/bodyDecode';
import { CopyButton } from '../../components/CopyButton';
import { formatBytes, formatDuration } from '../../components/format';
import { KeyValueView } from '../../components/KeyValueTable';
import { toast } from '../../components/toastStore';
import { SignatureBadge } from './SignatureBadge';
import { ReplayDialog } from './ReplayDialog';
import { useTools } from './store';
import { useFreshCapture } from './mounts';

/** The "Webhook" tab of a capture: signature, forward result, rule, duplicate, replay. */
export function CaptureToolsPanel({ capture: given, onSelect }: { capture: Capture; onSelect?: (id: string) => void }) {
  const capture = useFreshCapture(given);
  const [replayOpen, setReplayOpen] = useState(false);
  const [verifying, setVerifying] = useState(false);
  const [fresh, setFresh] = useState<SignatureResult | null>(null);
  const config = useTools((s) => s.configs[capture.catcherId]);
  const loadConfig = useTools((s) => s.loadConfig);
  useEffect(() => {
    setFresh(null);
  }, [capture.id]);
  useEffect(() => {
    if (!config) void loadConfig(capture.catcherId);
  }, [capture.catcherId, config, loadConfig]);
  const a = capture.annotations ?? {};
  const sig = fresh ?? a.signature ?? null;
  const rule = a.ruleId ? config?.rules.find((r) => r.id === a.ruleId) : null;

  const verifyAgain = async () => {
    setVerifying(true);
    try {
      setFresh(await engine().invoke('webhookTools.verify', { captureId: capture.id }));
    } catch (err) {
      toast.error(`Verify failed: ${errorText(err)}`);
    } finally {
      setVerifying(false);
    }
  };

  return (
    <div className="wt-panel" data-testid="webhook-tools-panel">
      <section className="wt-section" aria-label="Signature">
        <h4>
          Signature <SignatureBadge status={sig?.status ?? capture.signatureStatus ?? null} result={sig} long />
        </h4>
        {sig ? <SignatureDetail sig={sig} /> : <p className="wt-note">Not checked (the webhook tools were not running when it arrived).</p>}
        <div className="wt-row">
          <button type="button" className="btn small" onClick={() => void verifyAgain()} disabled={verifying} title="Check again with the catcher's current secrets (timestamps judged against arrival time)">
            {verifying ? 'Verifying…' : 'Verify again'}
          </button>
        </div>
      </section>

      <section className="wt-section" aria-label="Forward">
        <h4>Forward</h4>
        {a.forward ? <ForwardDetail f={a.forward} /> : <p className="wt-note">{config?.forward.target ? 'Not forwarded (yet).' : 'No forward target set for this catcher (catcher → Webhook tools → Forward).'}</p>}
      </section>

      <section className="wt-section" aria-label="Answer">
        <h4>Answer</h4>
        <p className="wt-note">
          Answered <StatusBadge status={capture.responseStatus} />{' '}
          {a.ruleId ? <>by mock rule <b>{rule?.name || a.ruleId}</b></> : config?.forward.target && config.forward.answerMode === 'target' ? 'with the forward target’s response' : 'with the catcher’s default response'}.
        </p>
        {a.duplicateOf && (
          <p className="wt-note" data-testid="duplicate-note">
            Duplicate delivery ({a.deliveryId}) of an earlier capture.{' '}
            {onSelect && (
              <button type="button" className="link-btn" onClick={() => onSelect(a.duplicateOf!)}>
                Show the first
              </button>
            )}
          </p>
        )}
        {!a.duplicateOf && a.deliveryId && <p className="wt-note">Delivery id {a.deliveryId} (first seen).</p>}
      </section>

      <section className="wt-section" aria-label="Replay">
        <h4>Replay</h4>
        <div className="wt-row">
          <button type="button" className="btn small primary" onClick={() => setReplayOpen(true)} data-testid="replay-open">
            Replay…
          </button>
          <span className="wt-note" style={{ margin: 0 }}>Send it again, exact bytes, to the forward target or any URL; optionally re-signed.</span>
        </div>
      </section>
      {replayOpen && <ReplayDialog ids={[capture.id]} capture={capture} onClose={() => setReplayOpen(false)} />}
    </div>
  );
}

function SignatureDetail({ sig }: { sig: SignatureResult }) {
  const rows: Array<[string, string]> = [];
  if (sig.scheme) rows.push(['Scheme', SIGNATURE_SCHEME_LABELS[sig.scheme]]);
  if (sig.header) rows.push(['Header', sig.header]);
  if (sig.received?.length) rows.push(['Received', sig.received.join('\n')]);
  if (sig.expected) rows.push(['Expected', sig.expected]);
  if (sig.signedContent) rows.push(['Signed bytes', sig.signedContent]);
  if (sig.url) rows.push(['URL checked', sig.url]);
  if (sig.timestamp !== undefined) rows.push(['Timestamp', `${sig.timestamp} (${new Date(sig.timestamp * 1000).toISOString()})`]);
  if (sig.skewSeconds !== undefined) rows.push(['Age at arrival', sig.skewSeconds >= 0 ? `${sig.skewSeconds} s` : `${-sig.skewSeconds} s in the future`]);
  if (sig.toleranceSeconds) rows.push(['Tolerance', `${sig.toleranceSeconds} s`]);
  if (sig.secretLabel) rows.push(['Matched secret', sig.secretLabel]);
  return (
    <>
      {sig.reason && (
        <p className={`wt-reason ${sig.status === 'invalid' ? 'wt-error' : ''}`} data-testid="signature-reason">
          {sig.reason}
        </p>
      )}
      {rows.length > 0 && (
        <dl className="wt-grid">
          {rows.map(([k, v]) => (
            <div key={k} style={{ display: 'contents' }}>
              <dt>{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </>
  );
}

function ForwardDetail({ f }: { f: ForwardResult }) {
  if ('error' in f) {
    return (
      <div className="error-box" data-testid="forward-error">
        <span>
          <b>{f.error.code}</b>: {f.error.message} <span className="faint">({f.target}, {formatDuration(f.durationMs)})</span>. The capture is kept; replay it when the target is up.
        </span>
      </div>
    );
  }
  const text = new TextDecoder().decode(base64ToBytes(f.bodyBase64));
  return (
    <div data-testid="forward-result">
      <div className="wt-row" style={{ marginBottom: 6 }}>
        <StatusBadge status={f.status} />
        <span className="mono truncate">{f.target}</span>
        <span className="faint">{formatDuration(f.durationMs)}</span>
      </div>
      <KeyValueView pairs={f.headers} emptyText="No headers." />
      <div className="wt-row" style={{ marginTop: 6 }}>
        <span className="faint">
          Body {formatBytes(base64ToBytes(f.bodyBase64).length)}
          {f.bodyTruncated ? ' (cut)' : ''}
        </span>
        {text && <CopyButton text={text} label="Copy" what="Target response body" />}
      </div>
      {text && <pre className="wt-pre">{text.slice(0, 20_000)}</pre>}
    </div>
  );
}
