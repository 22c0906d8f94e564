import { useMemo } from 'react';
import { closeCodeMeaning, type WsFrame, type WsFrameSummary } from '../../../../shared/model/sockets';
import { base64ToBytes, decodeText, prettyJson } from '../../components/bodyDecode';
import { CodeView } from '../../components/CodeView';
import { CopyButton } from '../../components/CopyButton';
import { formatBytes, formatTimestamp } from '../../components/format';
import { HexView } from '../../components/HexView';
import { Tabs } from '../../components/Tabs';
import { useState } from 'react';
import { KIND_LABEL } from './words';

type Mode = 'pretty' | 'text' | 'hex';

/** The selected frame in full: pretty JSON, text, or hex for bytes. */
export function FrameDetail({ summary, frame }: { summary: WsFrameSummary | null; frame: WsFrame | null }) {
  const bytes = useMemo(() => (frame ? base64ToBytes(frame.dataBase64) : new Uint8Array(0)), [frame]);
  const textual = summary ? summary.kind === 'text' || summary.kind === 'close' || summary.kind === 'info' || summary.kind === 'error' : false;
  const text = useMemo(() => (textual ? decodeText(bytes) : ''), [bytes, textual]);
  const pretty = useMemo(() => (textual && summary?.kind === 'text' ? prettyJson(text) : null), [text, textual, summary]);
  const [chosen, setChosen] = useState<Mode | null>(null);
  if (!summary) {
    return (
      <div className="empty">
        <p>Select a message to see it in full.</p>
      </div>
    );
  }
  const mode: Mode = chosen ?? (pretty ? 'pretty' : textual ? 'text' : 'hex');
  const items = [
    ...(pretty ? [{ key: 'pretty' as const, label: 'Pretty' }] : []),
    ...(textual ? [{ key: 'text' as const, label: 'Text' }] : []),
    { key: 'hex' as const, label: 'Hex' },
  ];
  const active = items.some((i) => i.key === mode) ? mode : items[0]!.key;
  return (
    <div className="sk-detail" data-testid="ws-frame-detail">
      <div className="sk-detail-meta">
        <span className={`sk-kind sk-kind-${summary.kind}`}>{KIND_LABEL[summary.kind]}</span>
        <span>{summary.direction === 'in' ? 'received' : summary.direction === 'out' ? 'sent' : ''}</span>
        <span title={new Date(summary.time).toISOString()}>{formatTimestamp(new Date(summary.time).toISOString())}</span>
        <span>{formatBytes(summary.size)}</span>
        {summary.clientId && <span>client {summary.clientId}</span>}
        {summary.rttMs !== undefined && <span>RTT {summary.rttMs} ms</span>}
        {summary.closeCode !== undefined && (
          <span>
            {summary.closeCode} · {closeCodeMeaning(summary.closeCode)}
          </span>
        )}
        {summary.errorCode && <span className="mono">{summary.errorCode}</span>}
        <span className="grow" />
        {frame && <CopyButton text={() => (textual ? text : frame.dataBase64)} what={textual ? 'Message' : 'Base64'} />}
      </div>
      <Tabs items={items} active={active} onChange={setChosen} size="small" ariaLabel="Message view" />
      <div className="sk-detail-body">
        {!frame ? (
          <div className="empty">Loading…</div>
        ) : active === 'hex' ? (
          <HexView bytes={bytes} totalSize={summary.size} />
        ) : (
          <CodeView value={active === 'pretty' && pretty ? pretty : text} language={active === 'pretty' ? 'json' : 'text'} readOnly wrap ariaLabel="Message" />
        )}
      </div>
    </div>
  );
}
