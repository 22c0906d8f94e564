import { useEffect, useState } from 'react';
import type { WsServerClient, WsServerState } from '../../../../shared/model/sockets';
import { engine, errorText } from '../../client/instance';
import { CopyButton } from '../../components/CopyButton';
import { formatBytes, formatRelative } from '../../components/format';
import { Icon } from '../../components/Icon';
import { KeyValueView } from '../../components/KeyValueTable';
import { SplitPane } from '../../components/SplitPane';
import { Tabs } from '../../components/Tabs';
import { toast } from '../../components/toastStore';
import { useNow } from '../../components/useNow';
import { CloseDialog } from './CloseDialog';
import { Composer } from './Composer';
import { LogPanel } from './LogPanel';
import { RulesEditor, rulesValid } from './RulesEditor';
import { refilter, useSockets, type ServerDraft, type Tab } from './store';
import { dotClass, statusWords } from './words';
import { WsServerTunnel } from '../tunnels/WsServerTunnel';

type ServerTab = Extract<Tab, { kind: 'server' }>;
/** One shared empty list: a selector returning a fresh [] would re-render forever. */
const NO_CLIENTS: WsServerClient[] = [];
type Section = 'clients' | 'replies' | 'options';

function behaviourOf(d: ServerDraft) {
  return { echo: d.echo, greeting: d.greeting === '' ? null : d.greeting, rules: d.rules };
}

function ClientRow({ c, selected, onSelect, onKick }: { c: WsServerClient; selected: boolean; onSelect: () => void; onKick: () => void }) {
  const now = useNow(5_000);
  return (
    <div className={`sk-client-row ${selected ? 'selected' : ''} ${c.status}`} data-testid="ws-server-client">
      <button type="button" className="sk-client-main" onClick={onSelect} aria-pressed={selected}>
        <span className={`sk-dot ${c.status === 'open' ? 'ok' : 'off'}`} />
        <span className="mono">{c.id}</span>
        <span className="mono faint truncate">
          {c.remoteAddress}:{c.remotePort}
        </span>
        {c.protocol && <span className="faint">{c.protocol}</span>}
        <span className="grow" />
        <span className="faint" title={new Date(c.connectedAt).toISOString()}>
          {c.status === 'closed' && c.close ? `closed ${c.close.code}` : formatRelative(new Date(c.connectedAt).toISOString(), now)}
        </span>
        <span className="faint sk-client-stats" title={`${formatBytes(c.stats.bytesIn)} in, ${formatBytes(c.stats.bytesOut)} out`}>
          ↓{c.stats.messagesIn} ↑{c.stats.messagesOut}
        </span>
      </button>
      {c.status === 'open' && (
        <button type="button" className="btn small" onClick={onKick} title="Close this client's connection with a code and reason">
          Kick…
        </button>
      )}
    </div>
  );
}

function ClientInfo({ c }: { c: WsServerClient }) {
  return (
    <div className="sk-client-info">
      <div className="faint">
        {c.url} · connected {new Date(c.connectedAt).toLocaleString()} {c.extensions && `· ${c.extensions}`}
        {c.close && ` · ${c.close.code} ${c.close.meaning}${c.close.reason ? ` “${c.close.reason}”` : ''}`}
      </div>
      <KeyValueView pairs={c.requestHeaders} copyWhat="Header" />
    </div>
  );
}

export function ServerView({ tab }: { tab: ServerTab }) {
  const server: WsServerState | null = useSockets((s) => (tab.serverId ? (s.servers[tab.serverId] ?? null) : null));
  const clients = useSockets((s) => (tab.serverId ? (s.clients[tab.serverId] ?? NO_CLIENTS) : NO_CLIENTS));
  const updateTab = useSockets((s) => s.updateTab);
  const refreshClients = useSockets((s) => s.refreshClients);
  const [section, setSection] = useState<Section>('clients');
  const [busy, setBusy] = useState(false);
  const [kicking, setKicking] = useState<string | null>(null);
  const draft = tab.draft;
  const setDraft = (d: ServerDraft) => updateTab(tab.key, { draft: d });
  const running = server?.status === 'running';
  const selectedClient = clients.find((c) => c.id === tab.clientId) ?? null;

  useEffect(() => {
    if (tab.serverId) void refreshClients(tab.serverId).catch(() => undefined);
  }, [tab.serverId]);

  const start = async () => {
    setBusy(true);
    try {
      const state = tab.serverId
        ? await engine().invoke('wsServer.restart', { id: tab.serverId })
        : await engine().invoke('wsServer.start', {
            port: draft.port,
            path: draft.path || '/',
            protocols: draft.protocols.split(',').map((p) => p.trim()).filter(Boolean),
            perMessageDeflate: draft.perMessageDeflate,
            ...behaviourOf(draft),
          });
      updateTab(tab.key, { serverId: state.id });
      useSockets.setState({ servers: { ...useSockets.getState().servers, [state.id]: state } });
    } catch (err) {
      toast.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const stop = async () => {
    if (!tab.serverId) return;
    setBusy(true);
    await engine().invoke('wsServer.stop', { id: tab.serverId }).catch((err: unknown) => toast.error(errorText(err)));
    setBusy(false);
  };
  const applyBehaviour = async () => {
    if (!tab.serverId) return;
    try {
      await engine().invoke('wsServer.update', { id: tab.serverId, behaviour: behaviourOf(draft) });
      toast.success('Replies updated');
    } catch (err) {
      toast.error(errorText(err));
    }
  };
  const selectClient = (id: string | null) => {
    updateTab(tab.key, { clientId: id });
    if (tab.serverId) refilter(tab.serverId);
  };
  // Settings that need a new listener cannot change on a server that exists: a new tab does that.
  const listenLocked = !!tab.serverId;

  return (
    <div className="sk-view" data-testid="ws-server">
      <div className="sk-connect-bar">
        <label className="row faint">
          Port
          <input className="input sk-port" type="number" min={0} max={65535} aria-label="Port" disabled={listenLocked} value={draft.port} onChange={(e) => setDraft({ ...draft, port: Math.max(0, Math.min(65535, Number(e.target.value) || 0)) })} />
        </label>
        <label className="row faint">
          Path
          <input className="input mono sk-path" aria-label="Path" disabled={listenLocked} value={draft.path} onChange={(e) => setDraft({ ...draft, path: e.target.value.startsWith('/') ? e.target.value : `/${e.target.value}` })} />
        </label>
        {server?.url && (
          <span className="sk-server-url mono truncate" data-testid="ws-server-url">
            {server.url}
          </span>
        )}
        {server?.url && <CopyButton text={server.url} what="URL" />}
        <span className="grow" />
        {running ? (
          <button type="button" className="btn danger" disabled={busy} onClick={() => void stop()}>
            <Icon name="stop" size={14} /> Stop
          </button>
        ) : (
          <button type="button" className="btn primary" disabled={busy || !rulesValid(draft.rules)} onClick={() => void start()}>
            <Icon name="play" size={14} /> {tab.serverId ? 'Start again' : 'Start server'}
          </button>
        )}
      </div>
      <div className="sk-status">
        {server ? (
          <span className="sk-status-line" data-testid="ws-status">
            <span className={`sk-dot ${dotClass(server.status)}`} />
            <strong>{statusWords(server.status)}</strong>
            {running && (
              <span className="faint">
                {server.clientsConnected} client{server.clientsConnected === 1 ? '' : 's'} connected · {server.clientsTotal} in all · ↓{server.stats.messagesIn} ↑{server.stats.messagesOut}
              </span>
            )}
            {server.error && <span className="sk-error-text">{server.error.message}</span>}
          </span>
        ) : (
          <span className="faint">Pick a port (0 = any free one) and a path, then start. Clients connect to ws://127.0.0.1:PORT/PATH.</span>
        )}
      </div>
      {server && (
        <div className="tn-ws-bar">
          <WsServerTunnel server={server} />
        </div>
      )}
      <div className="sk-split">
        <SplitPane
          storageKey="sockets.server.settings"
          direction="vertical"
          initial={200}
          min={90}
          max={700}
          first={
            <div className="sk-settings">
              <Tabs<Section>
                items={[
                  { key: 'clients', label: 'Clients', badge: server ? server.clientsConnected : undefined },
                  { key: 'replies', label: 'Greeting & replies', badge: draft.rules.length || undefined },
                  { key: 'options', label: 'Options' },
                ]}
                active={section}
                onChange={setSection}
                size="small"
                ariaLabel="Server settings"
              />
              <div className="sk-settings-body">
                {section === 'clients' && (
                  <div className="sk-clients">
                    {clients.length === 0 ? (
                      <p className="faint">{running ? `No clients yet. Connect to ${server?.url}.` : 'Start the server to accept clients.'}</p>
                    ) : (
                      <>
                        <button type="button" className={`sk-client-all ${tab.clientId === null ? 'selected' : ''}`} onClick={() => selectClient(null)}>
                          All clients (combined log; sending broadcasts)
                        </button>
                        {clients.map((c) => (
                          <ClientRow key={c.id} c={c} selected={c.id === tab.clientId} onSelect={() => selectClient(c.id === tab.clientId ? null : c.id)} onKick={() => setKicking(c.id)} />
                        ))}
                        {selectedClient && <ClientInfo c={selectedClient} />}
                      </>
                    )}
                  </div>
                )}
                {section === 'replies' && (
                  <div className="sk-form">
                    <label className="check">
                      <input type="checkbox" checked={draft.echo} onChange={(e) => setDraft({ ...draft, echo: e.target.checked })} /> Echo every message back (when no rule answers)
                    </label>
                    <label>
                      Greeting <span className="faint">(sent to each client as it connects; empty for none)</span>
                      <input className="input mono" aria-label="Greeting" value={draft.greeting} onChange={(e) => setDraft({ ...draft, greeting: e.target.value })} placeholder='{"type":"welcome"}' />
                    </label>
                    <RulesEditor rules={draft.rules} onChange={(rules) => setDraft({ ...draft, rules })} />
                    {tab.serverId && (
                      <div>
                        <button type="button" className="btn primary small" disabled={!rulesValid(draft.rules)} onClick={() => void applyBehaviour()}>
                          Apply to the running server
                        </button>
                      </div>
                    )}
                  </div>
                )}
                {section === 'options' && (
                  <div className="sk-form">
                    <label>
                      Subprotocols accepted <span className="faint">(comma-separated; empty accepts what the client offers first)</span>
                      <input className="input mono" disabled={listenLocked} value={draft.protocols} onChange={(e) => setDraft({ ...draft, protocols: e.target.value })} />
                    </label>
                    <label className="check">
                      <input type="checkbox" disabled={listenLocked} checked={draft.perMessageDeflate} onChange={(e) => setDraft({ ...draft, perMessageDeflate: e.target.checked })} /> Accept permessage-deflate compression
                    </label>
                    {listenLocked && <p className="faint">Port, path, subprotocols and compression are fixed while this server exists; open a new server tab to change them.</p>}
                  </div>
                )}
              </div>
            </div>
          }
          second={
            <SplitPane
              storageKey="sockets.server.composer"
              direction="vertical"
              fraction
              initial={0.68}
              min={120}
              max={2000}
              first={
                tab.serverId ? (
                  <LogPanel logId={tab.serverId} showClient={tab.clientId === null} />
                ) : (
                  <div className="empty faint">The combined log of every client appears here once the server runs.</div>
                )
              }
              second={
                <Composer
                  value={tab.composer}
                  onChange={(composer) => updateTab(tab.key, { composer })}
                  libraryUrl={server?.url ?? null}
                  disabled={!running || (selectedClient ? selectedClient.status !== 'open' : (server?.clientsConnected ?? 0) === 0)}
                  disabledReason={!running ? 'Start the server to send.' : 'No client to send to.'}
                  sendLabel={selectedClient ? `Send to ${selectedClient.id}` : 'Broadcast'}
                  onSend={async (message) => {
                    const res = await engine().invoke('wsServer.send', { id: tab.serverId!, ...(selectedClient ? { clientId: selectedClient.id } : {}), message });
                    if (!selectedClient) toast.info(`Sent to ${res.sent} client${res.sent === 1 ? '' : 's'}`);
                  }}
                />
              }
            />
          }
        />
      </div>
      <CloseDialog
        open={kicking !== null}
        title={`Kick client ${kicking ?? ''}`}
        confirmLabel="Kick"
        onClose={() => setKicking(null)}
        onConfirm={(code, reason) => {
          const id = kicking;
          setKicking(null);
          if (id && tab.serverId) void engine().invoke('wsServer.kick', { id: tab.serverId, clientId: id, code, reason }).catch((err: unknown) => toast.error(errorText(err)));
        }}
      />
    </div>
  );
}
