import type { CommandMap } from './define';

// Filled by issue 6 (signatures, forward, replay, mock rules).
export const webhookToolCommands = {} satisfies CommandMap;
export type WebhookToolEvent = never;
