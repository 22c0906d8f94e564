import type { Engine } from '../../../engine';
import { subdomainSchema, tunnelHostSchema, type TunnelState } from '../../../shared/model/tunnel';
import { toErrorShape } from '../../../shared/errors';

// `switchboard catch --tunnel`: the tunnel half of the catch command, kept here so catch.ts only
// spreads the options and calls startCatchTunnel once its catcher listens.

export const TUNNEL_ARG_OPTIONS = {
  tunnel: { type: 'boolean', default: false },
  subdomain: { type: 'string' },
  'tunnel-host': { type: 'string' },
  'tunnel-local-host': { type: 'string' },
} as const;

export const TUNNEL_USAGE = `  --tunnel               also expose the catcher publicly through localtunnel
  --subdomain S          ask the tunnel server for this subdomain (4-63 of a-z, 0-9, -)
  --tunnel-host URL      tunnel server (default https://localtunnel.me; any localtunnel server)
  --tunnel-local-host H  connect to H locally and send it as the Host header
`;

export interface TunnelArgValues {
  tunnel?: boolean;
  subdomain?: string;
  'tunnel-host'?: string;
  'tunnel-local-host'?: string;
}

/** A message for the user when the flags are wrong, else null. */
export function checkTunnelArgs(values: TunnelArgValues): string | null {
  const wantsTunnel = values.tunnel === true;
  if (!wantsTunnel && (values.subdomain || values['tunnel-host'] || values['tunnel-local-host'])) {
    return '--subdomain, --tunnel-host and --tunnel-local-host need --tunnel';
  }
  if (values.subdomain !== undefined && !subdomainSchema.safeParse(values.subdomain).success) {
    return `--subdomain ${values.subdomain}: use 4-63 lowercase letters, digits or dashes (not at either end)`;
  }
  if (values['tunnel-host'] !== undefined && !tunnelHostSchema.safeParse(values['tunnel-host']).success) {
    return `--tunnel-host ${values['tunnel-host']}: must be an http:// or https:// URL of a localtunnel server`;
  }
  return null;
}

/** The JSON line printed on every status change (`reason` in words whenever not online). */
export function tunnelLine(t: TunnelState, now = Date.now()): Record<string, unknown> {
  const nextRetryInMs = t.nextRetryAt ? Math.max(0, Date.parse(t.nextRetryAt) - now) : null;
  let reason = t.status === 'online' ? null : t.reason;
  if (t.status === 'reconnecting') {
    const when = nextRetryInMs === null ? 'trying now' : `next try in ${Math.round(nextRetryInMs / 1000)} s`;
    reason = `${t.reason ?? 'connection lost'}; attempt ${t.attempt}, ${when}`;
  }
  return {
    type: 'tunnel',
    status: t.status,
    url: t.status === 'online' || t.status === 'reconnecting' ? t.url : null,
    reason,
    ...(t.error ? { code: t.error.code } : {}),
    attempt: t.attempt,
    nextRetryInMs,
    urlChanged: t.urlChange !== null,
    previousUrl: t.urlChange?.previous ?? null,
  };
}

function humanLine(t: TunnelState, line: Record<string, unknown>): string {
  switch (t.status) {
    case 'connecting':
      return `Tunnel: connecting to ${new URL(t.options.host).host}…`;
    case 'online': {
      const changed = t.urlChange
        ? `\nTunnel: THE PUBLIC URL CHANGED (was ${t.urlChange.previous}) — update your webhook senders.`
        : '';
      return `Tunnel: online at ${t.url}${changed}\n        browsers see a reminder page first; scripts can send the header "Bypass-Tunnel-Reminder: true"`;
    }
    case 'reconnecting':
      return `Tunnel: reconnecting — ${String(line.reason)} (the catcher keeps serving locally)`;
    case 'failed':
      return `Tunnel: failed — ${t.reason ?? 'unknown reason'}. The catcher keeps serving locally.`;
    case 'closed':
    default:
      return 'Tunnel: closed';
  }
}

/**
 * Opens the catcher's tunnel and prints a line on every status change. Never throws: a tunnel that
 * cannot open leaves the catcher serving locally. Returns a function that stops the printing.
 */
export function startCatchTunnel(
  engine: Engine,
  catcherId: string,
  values: TunnelArgValues,
  output: { json: boolean; write: (line: string) => void },
): () => void {
  const id = `catcher:${catcherId}`;
  let lastKey = '';
  let stopping = false;
  const print = (t: TunnelState) => {
    const key = `${t.status}|${t.attempt}|${t.url}|${t.urlChange?.current ?? ''}`;
    if (key === lastKey) return;
    lastKey = key;
    const line = tunnelLine(t);
    output.write(output.json ? JSON.stringify(line) : humanLine(t, line));
    if (stopping && t.status === 'closed') off();
  };
  const off = engine.on((event) => {
    if (event.type === 'tunnel.state' && event.tunnel.id === id) print(event.tunnel);
  });
  engine
    .invoke('tunnels.open', {
      target: { kind: 'catcher', id: catcherId },
      remember: false,
      ...(values.subdomain ? { subdomain: values.subdomain } : {}),
      ...(values['tunnel-host'] ? { host: values['tunnel-host'] } : {}),
      ...(values['tunnel-local-host'] ? { localHost: values['tunnel-local-host'] } : {}),
    })
    .catch((err: unknown) => {
      const shape = toErrorShape(err);
      // Failures of the tunnel itself were printed from its state; anything else is said here.
      if (!shape.code.startsWith('TUNNEL_')) {
        lastKey = 'failed';
        output.write(
          output.json
            ? JSON.stringify({ type: 'tunnel', status: 'failed', url: null, reason: shape.message, code: shape.code })
            : `Tunnel: failed — ${shape.message}. The catcher keeps serving locally.`,
        );
      }
    });
  // Keep listening while the run shuts down, so the final "closed" line is printed too (the engine
  // drops every listener when it closes anyway).
  return () => {
    stopping = true;
    if (lastKey.startsWith('closed|') || lastKey === 'failed') off();
  };
}
