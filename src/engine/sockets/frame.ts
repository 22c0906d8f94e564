import {
  WS_PREVIEW_CHARS,
  type WsDirection,
  type WsEntryKind,
  type WsFrame,
  type WsFrameSummary,
  type WsLogFilter,
} from '../../shared/model/sockets';

/** A log entry inside the engine: the payload stays raw bytes. */
export interface Entry {
  seq: number;
  time: number;
  direction: WsDirection;
  kind: WsEntryKind;
  data: Buffer;
  clientId?: string;
  rttMs?: number;
  closeCode?: number;
  errorCode?: string;
}

const TEXTUAL: ReadonlySet<WsEntryKind> = new Set(['text', 'close', 'info', 'error']);

export function isTextual(kind: WsEntryKind): boolean {
  return TEXTUAL.has(kind);
}

export function toSummary(logId: string, e: Entry): WsFrameSummary {
  let preview: string;
  let truncated: boolean;
  if (isTextual(e.kind)) {
    // Four bytes per character at most, so this slice always holds enough for the preview.
    const head = e.data.length > WS_PREVIEW_CHARS * 4 ? e.data.subarray(0, WS_PREVIEW_CHARS * 4) : e.data;
    const text = head.toString('utf8');
    preview = text.length > WS_PREVIEW_CHARS ? text.slice(0, WS_PREVIEW_CHARS) : text;
    truncated = head.length < e.data.length || preview.length < text.length;
  } else {
    const bytes = WS_PREVIEW_CHARS / 2;
    preview = (e.data.length > bytes ? e.data.subarray(0, bytes) : e.data).toString('hex');
    truncated = e.data.length > bytes;
  }
  const s: WsFrameSummary = {
    logId,
    seq: e.seq,
    time: e.time,
    direction: e.direction,
    kind: e.kind,
    size: e.data.length,
    preview,
    truncated,
  };
  if (e.clientId !== undefined) s.clientId = e.clientId;
  if (e.rttMs !== undefined) s.rttMs = e.rttMs;
  if (e.closeCode !== undefined) s.closeCode = e.closeCode;
  if (e.errorCode !== undefined) s.errorCode = e.errorCode;
  return s;
}

export function toFrame(logId: string, e: Entry): WsFrame {
  return { ...toSummary(logId, e), dataBase64: e.data.toString('base64') };
}

/** The filter as a predicate; text matching is case-insensitive over text, and text or hex for bytes. */
export function entryMatcher(filter: Omit<WsLogFilter, 'logId'>): ((e: Entry) => boolean) | null {
  const { clientId, directions, kinds } = filter;
  const text = filter.text ? filter.text.toLowerCase() : '';
  if (clientId === undefined && !directions?.length && !kinds?.length && !text) return null;
  const dirSet = directions?.length ? new Set<string>(directions) : null;
  const kindSet = kinds?.length ? new Set<string>(kinds) : null;
  return (e) => {
    if (clientId !== undefined && e.clientId !== clientId) return false;
    if (dirSet && !dirSet.has(e.direction)) return false;
    if (kindSet && !kindSet.has(e.kind)) return false;
    if (text) {
      const asText = e.data.toString('utf8').toLowerCase();
      if (asText.includes(text)) return true;
      if (!isTextual(e.kind) && e.data.toString('hex').includes(text.replace(/\s/g, ''))) return true;
      return false;
    }
    return true;
  };
}

/** One line of a JSON-lines export (and of the CLI's --json output). */
export function exportLine(e: Entry): Record<string, unknown> {
  const line: Record<string, unknown> = {
    type: e.kind === 'text' || e.kind === 'binary' ? 'message' : e.kind,
    seq: e.seq,
    time: new Date(e.time).toISOString(),
    direction: e.direction,
    opcode: e.kind,
    size: e.data.length,
  };
  if (e.clientId !== undefined) line.clientId = e.clientId;
  if (isTextual(e.kind)) line.data = e.data.toString('utf8');
  else line.dataBase64 = e.data.toString('base64');
  if (e.rttMs !== undefined) line.rttMs = e.rttMs;
  if (e.closeCode !== undefined) line.closeCode = e.closeCode;
  if (e.errorCode !== undefined) line.errorCode = e.errorCode;
  return line;
}
