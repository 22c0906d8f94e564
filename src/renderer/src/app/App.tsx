import { useEffect } from 'react';
import { Toasts } from '../components/Toasts';
import { useShortcut } from '../components/shortcuts';
import { startAppStore, useApp } from './appStore';
import { areas } from './areas';
import { Rail } from './Rail';
import { StatusBar } from './StatusBar';
import { startTunnelStatus } from './tunnelStatus';
import './app.css';

export function App() {
  const area = useApp((s) => s.area);
  const setArea = useApp((s) => s.setArea);
  useEffect(() => startAppStore(), []);
  useEffect(() => startTunnelStatus(), []);
  for (const a of areas) {
    // The registry is static, so the hook count never changes between renders.
    useShortcut(`mod+${a.digit}`, () => setArea(a.id));
  }
  const current = areas.find((a) => a.id === area) ?? areas[0]!;
  const View = current.View;
  return (
    <div className="app">
      <div className="app-main">
        <Rail />
        <main className="area" aria-label={current.label}>
          <View />
        </main>
      </div>
      <StatusBar />
      <Toasts />
    </div>
  );
}
