import { contextBridge, ipcRenderer } from 'electron';
import type { InvokeReply, SwitchboardBridge } from '../shared/client';
import type { EngineEvent } from '../shared/contract';

// Channel names are repeated here (not imported) so this file stays one self-contained CommonJS
// bundle that the sandbox can load: see src/main/electron/bridge.ts.
const INVOKE_CHANNEL = 'switchboard:invoke';
const EVENTS_CHANNEL = 'switchboard:events';

const listeners = new Set<(events: EngineEvent[]) => void>();

ipcRenderer.on(EVENTS_CHANNEL, (_event, events: unknown) => {
  // The IPC event object stays here: listeners get the plain array only.
  if (!Array.isArray(events)) return;
  for (const listener of listeners) {
    try {
      listener(events as EngineEvent[]);
    } catch {
      // One broken listener must not starve the others.
    }
  }
});

/**
 * window.switchboard: exactly SwitchboardBridge (src/shared/client.ts) and nothing else. No
 * channel names, no ipcRenderer, no event objects reach the page.
 */
const bridge: SwitchboardBridge = {
  invoke(command: string, params: unknown): Promise<InvokeReply> {
    if (typeof command !== 'string') {
      return Promise.resolve({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'The command name must be a string.' } });
    }
    return (ipcRenderer.invoke(INVOKE_CHANNEL, command, params) as Promise<InvokeReply>).catch((err: unknown) => ({
      ok: false as const,
      error: { code: 'INTERNAL' as const, message: err instanceof Error ? err.message : String(err) },
    }));
  },
  subscribe(listener: (events: EngineEvent[]) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a function');
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('switchboard', bridge);
