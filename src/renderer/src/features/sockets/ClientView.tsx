import { useRef, useState } from 'react';
import type { WsConnectInput, WsConnectionState } from '../../../../shared/model/sockets';
import { engine, errorText } from '../../client/instance';
import { CopyButton } from '../../components/CopyButton';
import { formatBytes, formatDuration, shortcutLabel } from '../../components/format';
import { Icon } from '../../components/Icon';
import { KeyValueEditor, KeyValueView, rowsToPairs } from '../../components/KeyValueTable';
import { SplitPane } from '../../components/SplitPane';
import { useShortcut } from '../../components/shortcuts';
import { Tabs } from '../../components/Tabs';
import { toast } from '../../components/toastStore';
import { CloseDialog } from './CloseDialog';
import { Composer } from './Composer';
import { LogPanel } from './LogPanel';
import { useSockets, type ClientDraft, type Tab } from './store';
import { UrlVariables } from './UrlVariables';
import { dotClass, statusWords } from './words';

type ClientTab = Extract<Tab, { kind: 'client' }>;
type Section = 'headers' | 'options' | 'handshake';

export function draftToSettings(d: ClientDraft): WsConnectInput {
  return {
    url: d.url.trim(),
    headers: rowsToPairs(d.headers),
    protocols: d.protocols
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    perMessageDeflate: d.perMessageDeflate,
    handshakeTimeoutMs: d.handshakeTimeoutMs,
    maxPayload: Math.round(d.maxPayloadMb * 1024 * 1024),
    insecure: d.insecure,
    reconnect: { enabled: d.reconnect, attempts: d.reconnectAttempts, intervalMs: d.reconnectIntervalMs },
  };
}

export async function connectTab(tab: ClientTab, draft: ClientDraft = tab.draft): Promise<WsConnectionState> {
  const settings = draftToSettings(draft);
  const state = tab.connectionId
    ? await engine().invoke('ws.reconnect', { id: tab.connectionId, settings })
    : await engine().invoke('ws.connect', settings);
  const s = useSockets.getState();
  s.updateTab(tab.key, { connectionId: state.id, draft });
  useSockets.setState({ connections: { ...useSockets.getState().connections, [state.id]: state } });
  return state;
}

function StatusLine({ conn }: { conn: WsConnectionState | null }) {
  if (!conn) return <span className="faint">Not connected</span>;
  const hs = conn.handshake;
  return (
    <span className="sk-status-line" data-testid="ws-status">
      <span className={`sk-dot ${dotClass(conn.status)}`} />
      <strong>{statusWords(conn.status)}</strong>
      {conn.status === 'open' && hs?.protocol && <span className="faint">subprotocol {hs.protocol}</span>}
      {conn.status === 'open' && hs?.durationMs !== null && hs?.durationMs !== undefined && <span className="faint">handshake {formatDuration(hs.durationMs)}</span>}
      {conn.lastRttMs !== null && conn.status === 'open' && <span className="faint">RTT {conn.lastRttMs} ms</span>}
      {conn.openedAt !== null && (
        <span className="faint" title={`${formatBytes(conn.stats.bytesIn)} received, ${formatBytes(conn.stats.bytesOut)} sent`}>
          ↓{conn.stats.messagesIn} ↑{conn.stats.messagesOut}
        </span>
      )}
      {conn.reconnect && (
        <span className="faint">
          attempt {conn.reconnect.attempt} of {conn.reconnect.max}
        </span>
      )}
      {conn.status === 'closed' && conn.close && (
        <span className="faint">
          {conn.close.code} {conn.close.meaning}
          {conn.close.reason ? ` — “${conn.close.reason}”` : ''} ({conn.close.initiatedBy === 'us' ? 'closed by you' : conn.close.initiatedBy === 'peer' ? 'closed by the server' : 'connection dropped'})
        </span>
      )}
      {conn.error && conn.status !== 'open' && <span className="sk-error-text">{conn.error.message}</span>}
    </span>
  );
}

function Handshake({ conn }: { conn: WsConnectionState | null }) {
  const hs = conn?.handshake;
  if (!hs) return <div className="empty faint">Connect to see the handshake: the request sent and the server's answer.</div>;
  return (
    <div className="sk-handshake">
      <section>
        <h4>
          Request <span className="mono faint">{hs.requestLine || `GET ${hs.url}`}</span>
        </h4>
        <KeyValueView pairs={hs.requestHeaders} emptyText="Not sent yet" copyWhat="Header" />
      </section>
      <section>
        <h4>
          Response{' '}
          <span className={`mono ${hs.status === 101 ? 'ok-text' : 'sk-error-text'}`}>
            {hs.status ?? '—'} {hs.statusText}
          </span>
          {hs.protocol && <span className="faint"> · subprotocol {hs.protocol}</span>}
          {hs.extensions && <span className="faint"> · {hs.extensions}</span>}
        </h4>
        <KeyValueView pairs={hs.responseHeaders} emptyText="No response" copyWhat="Header" />
        {hs.failedBody && (
          <div className="sk-failed-body">
            <div className="row">
              <strong>Body the server answered</strong>
              <span className="faint">
                {hs.failedBody.size} B{hs.failedBody.truncated ? ' (first 64 KB shown)' : ''}
              </span>
              <CopyButton text={hs.failedBody.text} what="Body" />
            </div>
            <pre className="mono">{hs.failedBody.text || '(empty)'}</pre>
          </div>
        )}
      </section>
    </div>
  );
}

function Options({ draft, onChange }: { draft: ClientDraft; onChange: (d: ClientDraft) => void }) {
  const num = (v: string, fallback: number) => (Number.isFinite(Number(v)) && v !== '' ? Number(v) : fallback);
  return (
    <div className="sk-form sk-form-grid">
      <label>
        Subprotocols <span className="faint">(comma-separated, in order of preference)</span>
        <input className="input mono" placeholder="graphql-transport-ws, v2.chat" value={draft.protocols} onChange={(e) => onChange({ ...draft, protocols: e.target.value })} aria-label="Subprotocols" />
      </label>
      <label>
        Handshake timeout (ms)
        <input className="input" type="number" min={100} value={draft.handshakeTimeoutMs} onChange={(e) => onChange({ ...draft, handshakeTimeoutMs: num(e.target.value, 10_000) })} />
      </label>
      <label>
        Max message size (MB)
        <input className="input" type="number" min={0.001} step="any" value={draft.maxPayloadMb} onChange={(e) => onChange({ ...draft, maxPayloadMb: num(e.target.value, 16) })} />
      </label>
      <label className="check">
        <input type="checkbox" checked={draft.perMessageDeflate} onChange={(e) => onChange({ ...draft, perMessageDeflate: e.target.checked })} /> Offer permessage-deflate compression
      </label>
      <label className="check">
        <input type="checkbox" checked={draft.insecure} onChange={(e) => onChange({ ...draft, insecure: e.target.checked })} /> Skip TLS certificate checks (self-signed wss://)
      </label>
      <label className="check">
        <input type="checkbox" checked={draft.reconnect} onChange={(e) => onChange({ ...draft, reconnect: e.target.checked })} /> Reconnect automatically when the connection drops
      </label>
      {draft.reconnect && (
        <>
          <label>
            Attempts
            <input className="input" type="number" min={1} max={1000} value={draft.reconnectAttempts} onChange={(e) => onChange({ ...draft, reconnectAttempts: num(e.target.value, 5) })} />
          </label>
          <label>
            First delay (ms, doubles each attempt)
            <input className="input" type="number" min={50} value={draft.reconnectIntervalMs} onChange={(e) => onChange({ ...draft, reconnectIntervalMs: num(e.target.value, 1000) })} />
          </label>
        </>
      )}
    </div>
  );
}

function EchoSuggestion({ tab }: { tab: ClientTab }) {
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    try {
      const server = await engine().invoke('wsServer.start', { name: 'Echo server', echo: true });
      const s = useSockets.getState();
      // The server gets its own tab (to watch or stop it); this tab stays in front.
      const active = s.activeKey;
      const key = s.newServerTab();
      s.updateTab(key, { serverId: server.id });
      useSockets.setState({ servers: { ...useSockets.getState().servers, [server.id]: server } });
      if (active) s.activate(active);
      const draft = { ...tab.draft, url: server.url ?? '' };
      await connectTab({ ...tab, draft }, draft);
    } catch (err) {
      toast.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="empty sk-suggest">
      <h3>Talk to any WebSocket server</h3>
      <p>Type a ws:// or wss:// URL above and press Connect. Nothing to talk to yet? Start an echo server on this machine: it sends back every message.</p>
      <button type="button" className="btn primary" disabled={busy} onClick={() => void start()}>
        <Icon name="play" size={14} /> Start a local echo server and connect
      </button>
    </div>
  );
}

export function ClientView({ tab }: { tab: ClientTab }) {
  const conn = useSockets((s) => (tab.connectionId ? (s.connections[tab.connectionId] ?? null) : null));
  const updateTab = useSockets((s) => s.updateTab);
  const busy = useSockets((s) => s.busy[tab.key] ?? false);
  const setBusy = useSockets((s) => s.setBusy);
  const [section, setSection] = useState<Section>('headers');
  const [closing, setClosing] = useState(false);
  const urlRef = useRef<HTMLInputElement>(null);
  useShortcut('mod+l', () => urlRef.current?.focus());
  const draft = tab.draft;
  const setDraft = (d: ClientDraft) => updateTab(tab.key, { draft: d });
  const live = conn && (conn.status === 'open' || conn.status === 'connecting' || conn.status === 'reconnecting' || conn.status === 'closing');

  const connect = async () => {
    if (!draft.url.trim()) return urlRef.current?.focus();
    setBusy(tab.key, true);
    try {
      const state = await connectTab(tab);
      if (state.status !== 'open' && state.error) setSection('handshake');
    } catch (err) {
      toast.error(errorText(err));
    } finally {
      setBusy(tab.key, false);
    }
  };
  const close = async (code = 1000, reason = '') => {
    if (!tab.connectionId) return;
    try {
      await engine().invoke('ws.close', { id: tab.connectionId, code, reason });
    } catch (err) {
      toast.error(errorText(err));
    }
  };
  const ping = async () => {
    if (!tab.connectionId) return;
    try {
      const { rttMs } = await engine().invoke('ws.ping', { id: tab.connectionId });
      toast.info(`Pong in ${rttMs} ms`);
    } catch (err) {
      toast.error(errorText(err));
    }
  };

  return (
    <div className="sk-view" data-testid="ws-client">
      <form
        className="sk-connect-bar"
        onSubmit={(e) => {
          e.preventDefault();
          if (live) void close();
          else void connect();
        }}
      >
        <input
          ref={urlRef}
          className="input mono sk-url"
          placeholder="ws://localhost:8080/socket"
          aria-label="WebSocket URL"
          title={`URL (${shortcutLabel('L')})`}
          value={draft.url}
          spellCheck={false}
          onChange={(e) => setDraft({ ...draft, url: e.target.value })}
        />
        {live ? (
          <>
            <button type="button" className="btn" disabled={conn?.status !== 'open'} onClick={() => void ping()} title="Ping and measure the round trip">
              Ping
            </button>
            <button type="button" className="btn" onClick={() => setClosing(true)} title="Close with a chosen code and reason">
              Close…
            </button>
            <button type="submit" className="btn danger">
              Disconnect
            </button>
          </>
        ) : (
          <button type="submit" className="btn primary" disabled={busy}>
            {busy ? 'Connecting…' : 'Connect'}
          </button>
        )}
      </form>
      <UrlVariables url={draft.url} others={[...draft.headers.filter((h) => h.enabled).flatMap((h) => [h.key, h.value]), draft.protocols]} />
      <div className="sk-status">
        <StatusLine conn={conn} />
      </div>
      <div className="sk-split">
        <SplitPane
          storageKey="sockets.client.settings"
          direction="vertical"
          initial={190}
          min={90}
          max={600}
          first={
            <div className="sk-settings">
              <Tabs<Section>
                items={[
                  { key: 'headers', label: 'Headers', badge: draft.headers.filter((h) => h.enabled && h.key).length || undefined },
                  { key: 'options', label: 'Options' },
                  { key: 'handshake', label: 'Handshake', badge: conn?.handshake?.status ?? undefined },
                ]}
                active={section}
                onChange={setSection}
                size="small"
                ariaLabel="Connection settings"
              />
              <div className="sk-settings-body">
                {section === 'headers' && <KeyValueEditor rows={draft.headers} onChange={(headers) => setDraft({ ...draft, headers })} keyPlaceholder="Header" ariaLabel="Request headers" />}
                {section === 'options' && <Options draft={draft} onChange={setDraft} />}
                {section === 'handshake' && <Handshake conn={conn} />}
              </div>
            </div>
          }
          second={
            <SplitPane
              storageKey="sockets.client.composer"
              direction="vertical"
              fraction
              initial={0.68}
              min={120}
              max={2000}
              first={tab.connectionId ? <LogPanel logId={tab.connectionId} /> : <EchoSuggestion tab={tab} />}
              second={
                <Composer
                  value={tab.composer}
                  onChange={(composer) => updateTab(tab.key, { composer })}
                  libraryUrl={draft.url.trim() || null}
                  disabled={conn?.status !== 'open'}
                  disabledReason="Connect to send."
                  onSend={async (message) => {
                    await engine().invoke('ws.send', { id: tab.connectionId!, message });
                  }}
                />
              }
            />
          }
        />
      </div>
      <CloseDialog
        open={closing}
        title="Close the connection"
        confirmLabel="Close"
        onClose={() => setClosing(false)}
        onConfirm={(code, reason) => {
          setClosing(false);
          void close(code, reason);
        }}
      />
    </div>
  );
}
