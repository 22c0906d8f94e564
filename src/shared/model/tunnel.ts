import { z } from 'zod';
import type { EngineErrorShape } from '../errors';

/** The public localtunnel server; any self-hosted localtunnel server works the same way. */
export const DEFAULT_TUNNEL_HOST = 'https://localtunnel.me';

/** localtunnel servers accept lowercase alphanumerics and dashes, 4 to 63 characters. */
export const subdomainSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{2,61}[a-z0-9]$/, 'use 4–63 lowercase letters, digits or dashes (not at either end)');

export const tunnelHostSchema = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL of a localtunnel server');

export const tunnelTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('catcher'), id: z.string().min(1).max(200) }).strict(),
  z.object({ kind: z.literal('wsServer'), id: z.string().min(1).max(200) }).strict(),
  z.object({ kind: z.literal('port'), port: z.number().int().min(1).max(65535) }).strict(),
]);
export type TunnelTarget = z.infer<typeof tunnelTargetSchema>;

/** What the user chooses when exposing something; remembered per catcher. */
export const tunnelOptionsSchema = z.object({
  /** Requested subdomain; the server may hand out another one if it is taken. */
  subdomain: subdomainSchema.optional(),
  /** Tunnel server base URL. */
  host: tunnelHostSchema.optional(),
  /**
   * Host the tunnel connects to locally and writes into the Host header of forwarded requests
   * (for dev servers that check it). Unset: the target's own address, Host header left as sent.
   */
  localHost: z.string().min(1).max(255).optional(),
});
export type TunnelOptions = z.infer<typeof tunnelOptionsSchema>;

export type TunnelStatus = 'connecting' | 'online' | 'reconnecting' | 'failed' | 'closed';

export interface TunnelState {
  /** Stable per target: `catcher:<id>`, `wsServer:<id>`, `port:<n>`. */
  id: string;
  target: TunnelTarget;
  /** Resolved options; host always set. */
  options: { subdomain: string | null; host: string; localHost: string | null };
  status: TunnelStatus;
  /** Public URL last handed out by the server (kept while reconnecting, so it can be shown greyed). */
  url: string | null;
  /** Subdomain the server assigned (what reconnects ask for again). */
  assignedSubdomain: string | null;
  /**
   * Set when a reconnect got a different URL than before: webhook senders must be updated.
   * Stays until acknowledged (`tunnels.acknowledgeUrlChange`) or the tunnel is closed.
   */
  urlChange: { previous: string; current: string; at: string } | null;
  /** Plain words whenever the status is not `online` (why it failed, why it reconnects, …). */
  reason: string | null;
  /** For `failed`: the stable code (TUNNEL_UNREACHABLE, TUNNEL_TIMEOUT, TUNNEL_REJECTED). */
  error: EngineErrorShape | null;
  /** Reconnect attempt number while `reconnecting` (1-based), otherwise 0. */
  attempt: number;
  /** When the next reconnect attempt starts (ISO), null while an attempt is running. */
  nextRetryAt: string | null;
  /** Local side: where forwarded requests go. */
  local: { host: string; port: number } | null;
  /** Connections to the tunnel server currently open / allowed by the server. */
  connections: number;
  maxConnections: number;
  /** Requests relayed through the tunnel since it opened. */
  requestCount: number;
  /** ISO: when the current online period began. */
  onlineSince: string | null;
  updatedAt: string;
}
