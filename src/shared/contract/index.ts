import type { z } from 'zod';
import { catcherCommands, type CatcherEvent } from './catchers';
import { engineCommands, type EngineLevelEvent } from './engine';
import { tunnelCommands, type TunnelEvent } from './tunnels';
import { socketCommands, type SocketEvent } from './sockets';
import { httpCommands, type HttpEvent } from './http';
import { webhookToolCommands, type WebhookToolEvent } from './webhookTools';
import { workspaceCommands, type WorkspaceEvent } from './workspace';

/** The whole contract: command name → params schema + result type. Every door uses this map. */
export const commands = {
  ...engineCommands,
  ...catcherCommands,
  ...tunnelCommands,
  ...socketCommands,
  ...httpCommands,
  ...webhookToolCommands,
  ...workspaceCommands,
};

export type Commands = typeof commands;
export type CommandName = keyof Commands;
/** What a caller may send (defaults not yet applied). */
export type CommandInput<N extends CommandName> = z.input<Commands[N]['params']>;
/** What a handler receives (after schema.parse, defaults applied). */
export type CommandParams<N extends CommandName> = z.output<Commands[N]['params']>;
export type CommandResult<N extends CommandName> = Commands[N]['result'];

export type EngineEvent =
  | EngineLevelEvent
  | CatcherEvent
  | TunnelEvent
  | SocketEvent
  | HttpEvent
  | WebhookToolEvent
  | WorkspaceEvent;

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}

export * from './define';
