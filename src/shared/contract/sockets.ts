import type { CommandMap } from './define';

// Filled by issue 4 (WebSocket client and server).
export const socketCommands = {} satisfies CommandMap;
export type SocketEvent = never;
