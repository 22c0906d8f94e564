import { useEffect, useState } from 'react';
import type { Capture, CaptureSummary, CatcherState } from '../../../../shared/model/catcher';
import { engine } from '../../client/instance';
import { Icon } from '../../components/Icon';
import { CatcherToolsDialog } from './CatcherToolsDialog';
import { ReplayDialog } from './ReplayDialog';
import { SignatureBadge } from './SignatureBadge';
import { useTools } from './store';
import { useWebhooks } from '../webhooks/store';

// Small pieces mounted into the Webhooks views (list rows, detail header, catcher sidebar).

/** Signature and duplicate markers for a list row. */
export function CaptureRowBadges({ capture: c }: { capture: CaptureSummary }) {
  return (
    <>
      <SignatureBadge status={c.signatureStatus} />
      {c.duplicateOf && (
        <span className="sig-badge sig-no-secret" title="Same delivery id as an earlier capture (a retry)" data-testid="duplicate-badge">
          dup
        </span>
      )}
    </>
  );
}

/** Icon button next to a catcher's settings: secrets, forward, mock rules. */
export function CatcherToolsButton({ catcher }: { catcher: CatcherState }) {
  const [open, setOpen] = useState(false);
  const config = useTools((s) => s.configs[catcher.id]);
  const loadConfig = useTools((s) => s.loadConfig);
  useEffect(() => {
    if (!config) void loadConfig(catcher.id);
  }, [catcher.id, config, loadConfig]);
  const parts = [
    config?.secrets.length ? `${config.secrets.length} secret${config.secrets.length === 1 ? '' : 's'}` : null,
    config?.forward.target ? `forwarding to ${config.forward.target}` : null,
    config?.rules.length ? `${config.rules.length} mock rule${config.rules.length === 1 ? '' : 's'}` : null,
  ].filter(Boolean);
  return (
    <>
      <button
        type="button"
        className={`icon-btn ${parts.length ? 'active' : ''}`}
        title={`Webhook tools: signatures, forward, mock rules${parts.length ? ` (${parts.join(', ')})` : ''}`}
        aria-label={`Webhook tools of ${catcher.name}`}
        data-testid="catcher-tools"
        onClick={() => setOpen(true)}
      >
        <Icon name="webhook" size={14} />
      </button>
      {open && <CatcherToolsDialog catcher={catcher} onClose={() => setOpen(false)} />}
    </>
  );
}

/** Signature badge (with reason on hover) and a Replay button for the detail header. */
export function DetailToolsActions({ capture: given }: { capture: Capture }) {
  const capture = useFreshCapture(given);
  const [open, setOpen] = useState(false);
  const loadConfig = useTools((s) => s.loadConfig);
  const has = useTools((s) => !!s.configs[capture.catcherId]);
  useEffect(() => {
    if (!has) void loadConfig(capture.catcherId);
  }, [capture.catcherId, has, loadConfig]);
  return (
    <>
      <SignatureBadge status={capture.signatureStatus} result={capture.annotations?.signature ?? null} long />
      <button type="button" className="btn small" onClick={() => setOpen(true)} title="Send this request again (to the forward target or any URL), optionally re-signed" data-testid="detail-replay">
        <Icon name="send" size={14} /> Replay
      </button>
      {open && <ReplayDialog ids={[capture.id]} capture={capture} onClose={() => setOpen(false)} />}
    </>
  );
}

/** Toolbar button of the capture list: replay the Ctrl/Shift+click selection, oldest first. */
export function SelectionReplayButton() {
  const marked = useWebhooks((s) => s.marked);
  const [ids, setIds] = useState<string[] | null>(null);
  const [catcherId, setCatcherId] = useState<string | null>(null);
  const loadConfig = useTools((s) => s.loadConfig);
  const open = () => {
    const { captures } = useWebhooks.getState();
    // In the order they arrived (as the sender delivered them), whatever the list's sort.
    const picked = captures.filter((c) => marked.has(c.id)).sort((a, b) => a.seq - b.seq);
    // Marked ids no longer listed (older pages dropped) still replay, after the listed ones.
    const listed = new Set(picked.map((c) => c.id));
    const order = [...picked.map((c) => c.id), ...[...marked].filter((id) => !listed.has(id))];
    const catchers = new Set(picked.map((c) => c.catcherId));
    // One catcher: its forward target is offered. Several: a URL must be given (each has its own target).
    const only = catchers.size === 1 ? ([...catchers][0] ?? null) : null;
    if (only) void loadConfig(only);
    setCatcherId(only);
    setIds(order);
  };
  return (
    <>
      <button
        type="button"
        className="icon-btn"
        title={marked.size ? `Replay the ${marked.size} selected` : 'Replay selected (Ctrl/Shift+click rows to pick some)'}
        aria-label="Replay selected"
        data-testid="replay-selected"
        disabled={marked.size === 0}
        onClick={open}
      >
        <Icon name="send" size={14} />
      </button>
      {ids && <ReplayDialog ids={ids} catcherId={catcherId} onClose={() => setIds(null)} />}
    </>
  );
}

/** The latest stored version of a capture: refetched when the engine says it gained annotations. */
export function useFreshCapture(capture: Capture): Capture {
  const [fresh, setFresh] = useState<Capture>(capture);
  useEffect(() => {
    setFresh(capture);
    let alive = true;
    const off = engine().subscribe((events) => {
      if (!events.some((e) => e.type === 'capture.updated' && e.capture.id === capture.id)) return;
      void engine()
        .invoke('captures.get', { id: capture.id })
        .then((c) => {
          if (alive) setFresh(c);
        })
        .catch(() => undefined);
    });
    return () => {
      alive = false;
      off();
    };
  }, [capture]);
  return fresh;
}
