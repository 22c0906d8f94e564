import { useApp, type ThemePref } from '../../app/appStore';
import { useConnection } from '../../client/context';
import { CopyButton } from '../../components/CopyButton';
import { shortcutLabel } from '../../components/format';
import './settings.css';

const shortcuts: Array<[string, string]> = [
  [shortcutLabel('1'), 'Webhooks'],
  [shortcutLabel('2'), 'Requests'],
  [shortcutLabel('3'), 'WebSockets'],
  [shortcutLabel(','), 'Settings'],
  ['/', 'Filter the list'],
  ['↑ / ↓', 'Move through a list'],
  [shortcutLabel('F'), 'Search inside a body'],
  [shortcutLabel('Enter'), 'Send request'],
  [shortcutLabel('L'), 'Focus the URL'],
  [shortcutLabel('T'), 'New tab'],
  [shortcutLabel('W'), 'Close tab'],
  ['Esc', 'Close a dialog'],
];

export default function Settings() {
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  const info = useApp((s) => s.info);
  const conn = useConnection();
  return (
    <div className="settings">
      <h1>Settings</h1>
      <section>
        <h2>Appearance</h2>
        <div className="segmented" role="radiogroup" aria-label="Theme">
          {(['system', 'light', 'dark'] as ThemePref[]).map((t) => (
            <button key={t} type="button" role="radio" aria-checked={theme === t} className={theme === t ? 'on' : ''} onClick={() => setTheme(t)}>
              {t === 'system' ? 'Follow the system' : t === 'light' ? 'Light' : 'Dark'}
            </button>
          ))}
        </div>
      </section>
      <section>
        <h2>Engine</h2>
        <dl className="settings-dl">
          <dt>Connection</dt>
          <dd>{conn.status === 'open' ? 'Connected' : conn.status}</dd>
          <dt>Data directory</dt>
          <dd className="row">
            <span className="mono truncate">{info?.dataDir ?? '–'}</span>
            {info && <CopyButton text={info.dataDir} label="Copy data directory" what="Path" />}
          </dd>
          <dt>Captures stored</dt>
          <dd>{info ? info.captureCount.toLocaleString() : '–'}</dd>
          <dt>Version</dt>
          <dd>{info?.version ?? '–'}</dd>
        </dl>
      </section>
      <section>
        <h2>Keyboard shortcuts</h2>
        <table className="shortcut-table">
          <tbody>
            {shortcuts.map(([k, what]) => (
              <tr key={k}>
                <td>
                  <span className="kbd">{k}</span>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
