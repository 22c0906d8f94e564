import { contextBridge, ipcRenderer } from 'electron';

// Skeleton; the narrow bridge (invoke + subscribe) lands with issue 2.
contextBridge.exposeInMainWorld('switchboard', {
  invoke: (command: string, params: unknown) => ipcRenderer.invoke('switchboard:invoke', command, params),
});
