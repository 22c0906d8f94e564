import { create } from 'zustand';
import type { EngineInfo } from '../../../shared/contract/engine';
import type { EngineEvent } from '../../../shared/contract';
import { engine, errorText, onEngineReady } from '../client/instance';
import { loadPref, savePref } from '../components/persist';

export type AreaId = 'webhooks' | 'requests' | 'sockets' | 'settings';
export type ThemePref = 'system' | 'light' | 'dark';

interface AppState {
  area: AreaId;
  theme: ThemePref;
  info: EngineInfo | null;
  infoError: string | null;
  storeError: { code: string; message: string } | null;
  setArea(area: AreaId): void;
  setTheme(theme: ThemePref): void;
  refreshInfo(): Promise<void>;
}

export const useApp = create<AppState>((set) => ({
  area: loadPref<AreaId>('area', 'webhooks'),
  theme: loadPref<ThemePref>('theme', 'system'),
  info: null,
  infoError: null,
  storeError: null,
  setArea(area) {
    set({ area });
    savePref('area', area);
  },
  setTheme(theme) {
    set({ theme });
    savePref('theme', theme);
    applyTheme(theme);
  },
  async refreshInfo() {
    try {
      const info = await engine().invoke('engine.info', {});
      set({ info, infoError: null, storeError: info.storeError });
    } catch (err) {
      set({ infoError: errorText(err) });
    }
  },
}));

const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

export function applyTheme(pref: ThemePref): void {
  const dark = pref === 'dark' || (pref === 'system' && darkQuery?.matches === true);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

/** Theme, engine info and the counters the status bar shows; call once at startup. */
export function startAppStore(): () => void {
  applyTheme(useApp.getState().theme);
  const onOs = () => applyTheme(useApp.getState().theme);
  darkQuery?.addEventListener('change', onOs);
  const offReady = onEngineReady(() => void useApp.getState().refreshInfo());
  const offEvents = engine().subscribe((events: EngineEvent[]) => {
    let added = 0;
    let refetch = false;
    for (const ev of events) {
      if (ev.type === 'capture.new') added++;
      else if (ev.type === 'captures.cleared' || ev.type === 'catcher.removed') refetch = true;
      else if (ev.type === 'engine.storeError') useApp.setState({ storeError: ev.error });
    }
    const info = useApp.getState().info;
    if (added && info) useApp.setState({ info: { ...info, captureCount: info.captureCount + added } });
    if (refetch) void useApp.getState().refreshInfo();
  });
  return () => {
    darkQuery?.removeEventListener('change', onOs);
    offReady();
    offEvents();
  };
}
