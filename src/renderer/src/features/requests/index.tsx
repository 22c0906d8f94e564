import { useEffect, useRef } from 'react';
import { methodClass } from '../../components/Badges';
import { isMac, shortcutLabel } from '../../components/format';
import { Icon } from '../../components/Icon';
import { MiddleEllipsis } from '../../components/MiddleEllipsis';
import { SplitPane } from '../../components/SplitPane';
import { useShortcut } from '../../components/shortcuts';
import { RequestBar } from './RequestBar';
import { RequestEditor } from './RequestEditor';
import { ResponsePane } from './ResponsePane';
import { startRequests, useRequests } from './store';
import { WorkspacePanel } from '../workspace/WorkspacePanel';
import './requests.css';

function tabTitle(url: string): string {
  if (!url.trim()) return 'Untitled';
  try {
    const u = new URL(/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`);
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url;
  }
}

function RequestTabs() {
  const tabs = useRequests((s) => s.tabs);
  const activeId = useRequests((s) => s.activeId);
  const { select, closeTab, newTab } = useRequests.getState();
  return (
    <div className="rq-tabs" role="tablist" aria-label="Open requests">
      {tabs.map((t) => (
        <div key={t.id} className={`rq-tab ${t.id === activeId ? 'active' : ''}`} role="presentation">
          <button
            type="button"
            role="tab"
            aria-selected={t.id === activeId}
            className="rq-tab-main"
            title={t.spec.url || 'Untitled request'}
            onClick={() => select(t.id)}
            onAuxClick={(e) => e.button === 1 && closeTab(t.id)}
          >
            <span className={`rq-tab-method ${methodClass(t.spec.method)}`}>{t.spec.method || '?'}</span>
            <MiddleEllipsis className="rq-tab-title" text={t.spec.name || tabTitle(t.spec.url)} />
            {t.sending && <span className="rq-tab-busy" aria-label="sending" />}
          </button>
          <button type="button" className="icon-btn rq-tab-close" aria-label="Close tab" title={`Close (${shortcutLabel('W')})`} onClick={() => closeTab(t.id)}>
            <Icon name="close" size={12} />
          </button>
        </div>
      ))}
      <button type="button" className="icon-btn rq-tab-new" aria-label="New request" title={`New request (${shortcutLabel('T')})`} onClick={() => newTab()}>
        <Icon name="plus" size={14} />
      </button>
    </div>
  );
}

export default function Requests() {
  useEffect(() => startRequests(), []);
  return (
    <div className="rq-with-ws">
      <SplitPane storageKey="requests.workspace" initial={260} min={200} max={520} first={<WorkspacePanel />} second={<RequestsMain />} />
    </div>
  );
}

function RequestsMain() {
  const tab = useRequests((s) => s.tabs.find((t) => t.id === s.activeId) ?? s.tabs[0]!);
  const urlRef = useRef<HTMLInputElement>(null);
  const { newTab, closeTab, send } = useRequests.getState();
  useShortcut('mod+enter', () => void send(tab.id));
  useShortcut('mod+t', () => {
    newTab();
    requestAnimationFrame(() => urlRef.current?.focus());
  });
  useShortcut('mod+w', () => closeTab(tab.id));
  useShortcut('mod+l', () => {
    urlRef.current?.focus();
    urlRef.current?.select();
  });
  return (
    <div
      className="rq"
      onKeyDownCapture={(e) => {
        // Before CodeMirror sees it (its keymap inserts a blank line on Mod-Enter).
        if (e.key === 'Enter' && (isMac ? e.metaKey : e.ctrlKey) && !e.altKey && !e.shiftKey) {
          e.preventDefault();
          e.stopPropagation();
          void send(tab.id);
        }
      }}
    >
      <RequestTabs />
      <RequestBar ref={urlRef} tab={tab} key={`bar-${tab.id}`} />
      <div className="rq-split">
        <SplitPane
          storageKey="requests.editor"
          direction="vertical"
          initial={300}
          min={140}
          max={900}
          first={<RequestEditor tab={tab} key={`ed-${tab.id}`} />}
          second={<ResponsePane tab={tab} key={`rs-${tab.id}`} />}
        />
      </div>
    </div>
  );
}
