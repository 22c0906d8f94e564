import type { Capture } from '../../../../shared/model/catcher';
import type { RequestBody, RequestSpec } from '../../../../shared/model/http';
import { DEFAULT_REQUEST_SETTINGS } from '../../../../shared/model/http';
import { useApp } from '../../app/appStore';
import { engine } from '../../client/instance';
import { base64ToBytes } from '../../components/bodyDecode';
import { useRequests } from '../requests/store';

// "Edit in composer": a capture becomes a new request tab in the Requests area.

const DROP = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade', 'proxy-connection']);

function bodyOf(bytes: Uint8Array, contentType: string | null, base64: string): RequestBody {
  if (bytes.length === 0) return { kind: 'none' };
  let text: string | null;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = null;
  }
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (text !== null && mime.endsWith('json')) return { kind: 'json', text };
  if (text !== null && mime.endsWith('xml')) return { kind: 'xml', text };
  if (text !== null) return { kind: 'text', text, ...(contentType ? { contentType } : {}) };
  return { kind: 'raw', base64, ...(contentType ? { contentType } : {}) };
}

/** Open `capture` (sent to `url`) as a new, editable request tab and switch to Requests. */
export async function openInComposer(capture: Capture, url: string): Promise<void> {
  const r = capture.bodySize > 0 ? await engine().invoke('captures.body', { id: capture.id, offset: 0, length: capture.bodySize }) : { base64: '' };
  const spec: RequestSpec = {
    name: `${capture.method} ${capture.url}`,
    method: capture.method,
    url,
    headers: capture.headers.filter(([n]) => !DROP.has(n.toLowerCase())).map(([name, value]) => ({ name, value, enabled: true })),
    body: bodyOf(base64ToBytes(r.base64), capture.contentType, r.base64),
    auth: { kind: 'none' },
    settings: { ...DEFAULT_REQUEST_SETTINGS },
  };
  useRequests.getState().newTab(spec);
  useApp.getState().setArea('requests');
}
