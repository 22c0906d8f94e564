import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Timings } from '../../shared/model/http';

/** Moments of one exchange (performance.now() ms); unset ones did not happen (reused socket, no TLS). */
export interface Marks {
  start: number;
  socket?: number;
  lookup?: number;
  connect?: number;
  secure?: number;
  sent?: number;
  head?: number;
  end?: number;
}

export const now = (): number => performance.now();

// Date.prototype.toISOString was a quarter of sendRequest's own time in the profile; the date and
// time part only changes once a second.
let isoSecond = NaN;
let isoPrefix = '';

/** `new Date(ms).toISOString()` for an integer `ms` (Date.now()), from a per-second cache. */
export function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    const full = new Date(second * 1000).toISOString();
    // Years outside 0000-9999 are written differently (±YYYYYY); no cache for those.
    if (full.length !== 24) return new Date(ms).toISOString();
    isoSecond = second;
    isoPrefix = full.slice(0, 20);
  }
  const msPart = ms - second * 1000;
  return `${isoPrefix}${msPart < 10 ? '00' : msPart < 100 ? '0' : ''}${String(msPart)}Z`;
}

/** Records connect-time events of a fresh socket; a reused one fires none of them. */
export function watchSocket(socket: Socket, marks: Marks, tls: boolean): void {
  marks.socket ??= now();
  if (!socket.connecting) return;
  socket.once('lookup', () => {
    marks.lookup = now();
  });
  socket.once('connect', () => {
    marks.connect = now();
  });
  if (tls) {
    socket.once('secureConnect', () => {
      marks.secure = now();
    });
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * Consecutive phases, each clamped to start where the previous ended, so they are never negative
 * and always sum to the total (events can arrive in a different order, e.g. 'finish' before 'connect').
 */
export function computeTimings(m: Marks): Timings {
  const a = m.start;
  const sock = Math.max(m.socket ?? a, a);
  const dnsEnd = m.lookup !== undefined ? Math.max(m.lookup, sock) : sock;
  const tcpEnd = m.connect !== undefined ? Math.max(m.connect, dnsEnd) : dnsEnd;
  const tlsEnd = m.secure !== undefined ? Math.max(m.secure, tcpEnd) : tcpEnd;
  const sentEnd = Math.max(m.sent ?? tlsEnd, tlsEnd);
  const headEnd = Math.max(m.head ?? sentEnd, sentEnd);
  const end = Math.max(m.end ?? headEnd, headEnd);
  const socketWait = round(sock - a);
  const dns = round(dnsEnd - sock);
  const tcp = round(tcpEnd - dnsEnd);
  const tls = round(tlsEnd - tcpEnd);
  const send = round(sentEnd - tlsEnd);
  const ttfb = round(headEnd - sentEnd);
  const download = round(end - headEnd);
  return { socketWait, dns, tcp, tls, send, ttfb, download, total: round(end - a) };
}
