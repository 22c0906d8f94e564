import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Engine } from '../../engine';
import { createInvokeHandler } from '../desktop/invokeHandler';
import { createEventBatcher } from '../events/batcher';
import type { TrustedRenderer } from '../security/ipcSender';

export const INVOKE_CHANNEL = 'switchboard:invoke';
export const EVENTS_CHANNEL = 'switchboard:events';

function senderInfo(event: IpcMainInvokeEvent) {
  const frame = event.senderFrame;
  if (!frame) return null;
  return { url: frame.url, isMainFrame: frame === event.sender.mainFrame };
}

/** The one IPC channel into the engine. Returns a function that removes it. */
export function registerInvoke(engine: Engine, trusted: TrustedRenderer): () => void {
  const handle = createInvokeHandler(engine, trusted);
  ipcMain.handle(INVOKE_CHANNEL, (event, command: unknown, params: unknown) => handle(senderInfo(event), command, params));
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}

/** Engine events to one window, batched (~16 ms); stops when the window goes away. */
export function bridgeEvents(engine: Engine, win: BrowserWindow): () => void {
  const contents = win.webContents;
  const batcher = createEventBatcher({
    canSend: () => !contents.isDestroyed(),
    send: (events) => {
      if (!contents.isDestroyed()) contents.send(EVENTS_CHANNEL, events);
    },
  });
  const off = engine.on((event) => batcher.push(event));
  const stop = () => {
    off();
    batcher.close();
  };
  win.once('closed', stop);
  return stop;
}
