import type { CommandMap } from './define';

// Filled by issue 3 (tunnels).
export const tunnelCommands = {} satisfies CommandMap;
export type TunnelEvent = never;
