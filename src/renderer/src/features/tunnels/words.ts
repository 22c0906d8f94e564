import type { TunnelState } from '../../../../shared/model/tunnel';

/** Badge text and tone for a tunnel, in words; `now` drives the "next try in" countdown. */
export interface TunnelSummary {
  label: string;
  /** Reconnect progress: "attempt 2 · next try in 4 s". */
  progress: string | null;
  tone: 'ok' | 'warn' | 'bad' | 'idle';
  detail: string | null;
}

export function tunnelSummary(t: TunnelState, now: number): TunnelSummary {
  switch (t.status) {
    case 'connecting':
      return { label: 'Opening public URL…', progress: null, tone: 'warn', detail: t.reason };
    case 'online':
      return { label: 'Public', progress: null, tone: 'ok', detail: null };
    case 'reconnecting': {
      const next = t.nextRetryAt ? Math.max(0, Math.ceil((Date.parse(t.nextRetryAt) - now) / 1000)) : null;
      const when = next === null ? 'trying now' : `next try in ${next} s`;
      return { label: 'Reconnecting', progress: `attempt ${t.attempt} · ${when}`, tone: 'warn', detail: t.reason };
    }
    case 'failed':
      return { label: 'Tunnel failed', progress: null, tone: 'bad', detail: t.reason };
    case 'closed':
    default:
      return { label: 'Not public', progress: null, tone: 'idle', detail: t.reason };
  }
}

export { bypassCurl, bypassWscat } from '../../../../shared/tunnelHints';
