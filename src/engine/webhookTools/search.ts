import type { z } from 'zod';
import type { Capture, CaptureSummary } from '../../shared/model/catcher';
import type { searchSchema } from '../../shared/contract/webhookTools';

/** Read access to stored captures (the catcher's commands, adapted). */
export interface CaptureReader {
  /** Summaries in seq order (oldest first); `newest` takes the page from the end. */
  listPage(q: { catcherId?: string; text?: string; methods?: string[]; afterSeq?: number; beforeSeq?: number; newest?: boolean; limit: number }): Promise<CaptureSummary[]>;
  getCapture(id: string): Promise<Capture>;
  /** Body bytes, at most `maxBytes` when given. */
  readBody(id: string, maxBytes?: number): Promise<Buffer>;
}

type SearchParams = z.output<typeof searchSchema>;

const PAGE = 500;
const BODY_SEARCH_MAX = 1024 * 1024;
const YIELD_EVERY = 200;

const lower = (s: string | undefined) => (s ? s.toLowerCase() : '');

/**
 * Scans every capture matching the catcher's own filters (catcher, text, methods), then ours.
 * Cheap summary checks run first; headers and bodies are read only when a filter needs them, and
 * the loop yields to the event loop regularly so capture keeps flowing during a big search.
 */
export async function searchCaptures(reader: CaptureReader, p: SearchParams): Promise<{ items: CaptureSummary[]; total: number; scanned: number }> {
  const header = lower(p.header);
  const query = lower(p.query);
  const body = lower(p.body);
  const from = p.from ? Date.parse(p.from) : null;
  const to = p.to ? Date.parse(p.to) : null;
  const exact = new Set(p.statuses?.filter((s): s is number => typeof s === 'number'));
  const classes = new Set(p.statuses?.flatMap((s) => (typeof s === 'string' ? [Number(s.charAt(0))] : [])));
  const sigs = p.signatureStatuses ? new Set(p.signatureStatuses) : null;

  const summaryOk = (s: CaptureSummary): boolean => {
    if (p.afterSeq !== undefined && s.seq <= p.afterSeq) return false;
    if (p.beforeSeq !== undefined && s.seq >= p.beforeSeq) return false;
    if (p.statuses?.length && !exact.has(s.responseStatus) && !classes.has(Math.floor(s.responseStatus / 100))) return false;
    if (sigs && !sigs.has(s.signatureStatus ?? 'unsigned')) return false;
    if (p.duplicates === 'only' && !s.duplicateOf) return false;
    if (p.duplicates === 'exclude' && s.duplicateOf) return false;
    if (from !== null || to !== null) {
      const t = Date.parse(s.receivedAt);
      if (from !== null && t < from) return false;
      if (to !== null && t > to) return false;
    }
    if (query) {
      const q = s.url.indexOf('?');
      if (q === -1) return false;
      const raw = s.url.slice(q + 1);
      let decoded = raw;
      try {
        decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        // Malformed escapes: search the raw text.
      }
      if (!raw.toLowerCase().includes(query) && !decoded.toLowerCase().includes(query)) return false;
    }
    return true;
  };

  const matches: CaptureSummary[] = [];
  let total = 0;
  let scanned = 0;
  let cursor: number | undefined;
  for (;;) {
    const page = await reader.listPage({
      ...(p.catcherId ? { catcherId: p.catcherId } : {}),
      ...(p.text ? { text: p.text } : {}),
      ...(p.methods?.length ? { methods: p.methods } : {}),
      ...(p.newest ? { beforeSeq: cursor ?? p.beforeSeq } : { afterSeq: cursor ?? p.afterSeq }),
      newest: p.newest,
      limit: PAGE,
    });
    if (page.length === 0) break;
    const ordered = p.newest ? [...page].reverse() : page;
    for (const s of ordered) {
      scanned++;
      if (scanned % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
      if (!summaryOk(s)) continue;
      if (header) {
        const c = await reader.getCapture(s.id).catch(() => null);
        if (!c || !c.headers.some(([n, v]) => `${n}: ${v}`.toLowerCase().includes(header))) continue;
      }
      if (body) {
        const bytes = await reader.readBody(s.id, BODY_SEARCH_MAX).catch(() => null);
        if (!bytes || !bytes.toString('utf8').toLowerCase().includes(body)) continue;
      }
      total++;
      if (matches.length < p.limit) matches.push(s);
    }
    cursor = p.newest ? page[0]!.seq : page[page.length - 1]!.seq;
    if (page.length < PAGE) break;
  }
  // Lists are shown oldest first, like captures.list.
  if (p.newest) matches.reverse();
  return { items: matches, total, scanned };
}
