import type { CommandMap } from './define';

// Filled by issue 7 (collections, environments, history, import/export).
export const workspaceCommands = {} satisfies CommandMap;
export type WorkspaceEvent = never;
