import { useEffect } from 'react';
import { shortcutLabel } from '../../components/format';
import { Icon } from '../../components/Icon';
import { useShortcut } from '../../components/shortcuts';
import { ClientView } from './ClientView';
import { ServerView } from './ServerView';
import { startSockets, useSockets, type Tab } from './store';
import { dotClass } from './words';
import './sockets.css';

function tabTitle(t: Tab, name: string | undefined): string {
  if (name) return name;
  if (t.kind === 'client') {
    try {
      const u = new URL(t.draft.url);
      return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
    } catch {
      return t.draft.url || 'New connection';
    }
  }
  return 'New server';
}

function TabStrip() {
  const tabs = useSockets((s) => s.tabs);
  const activeKey = useSockets((s) => s.activeKey);
  const connections = useSockets((s) => s.connections);
  const servers = useSockets((s) => s.servers);
  const { activate, closeTab, newClientTab, newServerTab } = useSockets.getState();
  return (
    <div className="sk-tabs" role="tablist" aria-label="Connections and servers">
      {tabs.map((t) => {
        const state = t.kind === 'client' ? (t.connectionId ? connections[t.connectionId] : undefined) : t.serverId ? servers[t.serverId] : undefined;
        const status = state?.status ?? 'draft';
        return (
          <div key={t.key} className={`sk-tab ${t.key === activeKey ? 'active' : ''}`} role="presentation">
            <button type="button" role="tab" aria-selected={t.key === activeKey} className="sk-tab-main" onClick={() => activate(t.key)} title={t.kind === 'client' ? t.draft.url : state && 'url' in state ? (state.url ?? '') : ''}>
              <span className={`sk-dot ${dotClass(status)}`} />
              <span className="sk-tab-kind faint">{t.kind === 'client' ? 'WS' : 'SRV'}</span>
              <span className="truncate">{tabTitle(t, t.kind === 'server' ? state?.name : undefined)}</span>
            </button>
            <button type="button" className="sk-tab-close icon-btn" aria-label="Close tab" title={`Close tab (${shortcutLabel('W')})`} onClick={() => void closeTab(t.key)}>
              <Icon name="close" size={12} />
            </button>
          </div>
        );
      })}
      <button type="button" className="btn small sk-new" title={`New connection (${shortcutLabel('T')})`} onClick={() => newClientTab()}>
        <Icon name="plus" size={14} /> Connection
      </button>
      <button type="button" className="btn small sk-new" title="New WebSocket server" onClick={() => newServerTab()}>
        <Icon name="plus" size={14} /> Server
      </button>
    </div>
  );
}

export default function Sockets() {
  useEffect(() => startSockets(), []);
  const tabs = useSockets((s) => s.tabs);
  const activeKey = useSockets((s) => s.activeKey);
  const active = tabs.find((t) => t.key === activeKey) ?? null;
  useShortcut('mod+t', () => useSockets.getState().newClientTab());
  useShortcut('mod+w', () => activeKey && void useSockets.getState().closeTab(activeKey), !!activeKey);
  return (
    <div className="sk-area">
      <TabStrip />
      {active ? (
        active.kind === 'client' ? (
          <ClientView key={active.key} tab={active} />
        ) : (
          <ServerView key={active.key} tab={active} />
        )
      ) : (
        <div className="empty">
          <h3>WebSockets</h3>
          <p>Connect to any WebSocket server to send text, JSON or binary and watch every frame; or run a server here to test your clients.</p>
          <div className="row">
            <button type="button" className="btn primary" onClick={() => useSockets.getState().newClientTab()}>
              <Icon name="plus" size={14} /> New connection
            </button>
            <button type="button" className="btn" onClick={() => useSockets.getState().newServerTab()}>
              <Icon name="plus" size={14} /> New server
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
