import type { WsConnectionStatus, WsEntryKind, WsFrameSummary, WsServerStatus } from '../../../../shared/model/sockets';

export const KIND_LABEL: Record<WsEntryKind, string> = {
  text: 'Text',
  binary: 'Binary',
  ping: 'Ping',
  pong: 'Pong',
  close: 'Close',
  info: 'Note',
  error: 'Error',
};

export function statusWords(status: WsConnectionStatus | WsServerStatus | 'draft'): string {
  switch (status) {
    case 'draft':
      return 'Not connected';
    case 'connecting':
      return 'Connecting…';
    case 'open':
      return 'Connected';
    case 'closing':
      return 'Closing…';
    case 'closed':
      return 'Closed';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'starting':
      return 'Starting…';
    case 'running':
      return 'Running';
    case 'stopped':
      return 'Stopped';
    case 'error':
      return 'Error';
  }
}

export function dotClass(status: string): string {
  if (status === 'open' || status === 'running') return 'ok';
  if (status === 'connecting' || status === 'reconnecting' || status === 'closing' || status === 'starting') return 'busy';
  if (status === 'error') return 'bad';
  return 'off';
}

export function arrow(f: WsFrameSummary): string {
  return f.direction === 'in' ? '↓' : f.direction === 'out' ? '↑' : '•';
}

/** A frame's one-line text for the list. */
export function frameLine(f: WsFrameSummary): string {
  if (f.kind === 'close') return `${f.closeCode ?? ''}${f.preview ? ` ${f.preview}` : ''}`;
  if (f.kind === 'binary' || f.kind === 'ping' || f.kind === 'pong') {
    const hex = f.preview.replace(/(..)/g, '$1 ').trim();
    return hex || '(empty)';
  }
  return f.preview.replace(/\s+/g, ' ');
}

export const CLOSE_CODES: Array<[number, string]> = [
  [1000, 'Normal closure'],
  [1001, 'Going away'],
  [1002, 'Protocol error'],
  [1003, 'Unsupported data'],
  [1007, 'Invalid payload data'],
  [1008, 'Policy violation'],
  [1009, 'Message too big'],
  [1010, 'Mandatory extension'],
  [1011, 'Internal error'],
  [1012, 'Service restart'],
  [1013, 'Try again later'],
  [1014, 'Bad gateway'],
  [4000, 'Application (4000)'],
];
