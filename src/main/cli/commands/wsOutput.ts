import type { WsFrame } from '../../../shared/model/sockets';

/** Writes a line, respecting back-pressure only by letting Node buffer (stdout is usually a pipe). */
export function out(line: string): void {
  process.stdout.write(line + '\n');
}

export function err(line: string): void {
  process.stderr.write(line + '\n');
}

/** The --json line for a frame (the same fields as a log export). */
export function frameJson(f: WsFrame): Record<string, unknown> {
  const data = Buffer.from(f.dataBase64, 'base64');
  const line: Record<string, unknown> = {
    type: f.kind === 'text' || f.kind === 'binary' ? 'message' : f.kind,
    seq: f.seq,
    time: new Date(f.time).toISOString(),
    direction: f.direction,
    opcode: f.kind,
    size: f.size,
  };
  if (f.clientId !== undefined) line.clientId = f.clientId;
  if (f.kind === 'text' || f.kind === 'info' || f.kind === 'error' || f.kind === 'close') line.data = data.toString('utf8');
  else line.dataBase64 = f.dataBase64;
  if (f.rttMs !== undefined) line.rttMs = f.rttMs;
  if (f.closeCode !== undefined) line.closeCode = f.closeCode;
  if (f.errorCode !== undefined) line.errorCode = f.errorCode;
  return line;
}

/** Human form of a frame's payload: text as is, binary as a size and hex. */
export function frameText(f: WsFrame): string {
  const data = Buffer.from(f.dataBase64, 'base64');
  if (f.kind === 'text') return data.toString('utf8');
  const hex = data.subarray(0, 64).toString('hex').replace(/(..)/g, '$1 ').trim();
  return `<${f.kind} ${f.size} B> ${hex}${f.size > 64 ? ' …' : ''}`;
}

/**
 * Exit status for how a connection ended, so scripts can branch on it:
 *   0  normal (1000, 1001 going away, 1005 no status)
 *   1  dropped without a close frame (1006) or other transport failure
 *   3  could not connect or the upgrade was refused
 *   12–25  the peer closed with 1002–1015 (status = code − 990; e.g. 1007 → 17, 1009 → 19, 1011 → 21)
 *   40 application close codes 3000–4999
 */
export function exitStatusForClose(code: number | null): number {
  if (code === null) return 3;
  if (code === 1000 || code === 1001 || code === 1005) return 0;
  if (code === 1006) return 1;
  if (code >= 1002 && code <= 1015) return code - 990;
  if (code >= 3000 && code <= 4999) return 40;
  return 1;
}

/** `-H 'Name: value'` → ['Name', 'value']; null when there is no colon. */
export function parseHeaderFlag(h: string): [string, string] | null {
  const i = h.indexOf(':');
  if (i <= 0) return null;
  return [h.slice(0, i).trim(), h.slice(i + 1).trim()];
}
