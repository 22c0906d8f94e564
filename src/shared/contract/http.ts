import type { CommandMap } from './define';

// Filled by issue 5 (HTTP request sender).
export const httpCommands = {} satisfies CommandMap;
export type HttpEvent = never;
