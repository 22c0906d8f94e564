import { z } from 'zod';
import { defineCommand } from './define';
import { tunnelOptionsSchema, tunnelTargetSchema, type TunnelState } from '../model/tunnel';

// Public URLs through localtunnel (issue 3). One tunnel per target; its id is stable
// (`catcher:<id>`, `wsServer:<id>`, `port:<n>`). Catcher tunnels remember their options and
// reopen when the catcher starts if they were on.

const tunnelIdSchema = z.string().min(1).max(300);

export const tunnelCommands = {
  /**
   * Open (or reopen with new options) the tunnel for a target. Resolves once it is online;
   * rejects with TUNNEL_UNREACHABLE / TUNNEL_TIMEOUT / TUNNEL_REJECTED within `timeoutMs`
   * (default: the engine's tunnelOpenTimeoutMs, 10 s). Progress arrives as `tunnel.state` events.
   */
  'tunnels.open': defineCommand<TunnelState>()(
    tunnelOptionsSchema
      .extend({
        target: tunnelTargetSchema,
        timeoutMs: z.number().int().min(100).max(300_000).optional(),
        /**
         * Catcher tunnels: remember the options and reopen whenever the catcher starts (the UI's
         * "Expose publicly"). The CLI's `catch --tunnel` passes false: its tunnel lives with the run.
         */
        remember: z.boolean().default(true),
      })
      .strict(),
  ),
  /** Close a tunnel: every socket and timer stops. Catcher tunnels stay listed as `closed`. */
  'tunnels.close': defineCommand<TunnelState>()(z.object({ id: tunnelIdSchema }).strict()),
  /** Open, reconnecting and failed tunnels, plus remembered (closed) catcher tunnels. */
  'tunnels.list': defineCommand<TunnelState[]>()(z.object({}).strict()),
  /** The user has seen that the public URL changed: clear the warning. */
  /** While reconnecting and waiting for the next attempt: try now (the user knows the network is back). */
  'tunnels.retryNow': defineCommand<TunnelState>()(z.object({ id: tunnelIdSchema }).strict()),
  'tunnels.acknowledgeUrlChange': defineCommand<TunnelState>()(z.object({ id: tunnelIdSchema }).strict()),
};

export type TunnelEvent =
  | { type: 'tunnel.state'; tunnel: TunnelState }
  | { type: 'tunnel.removed'; id: string };
