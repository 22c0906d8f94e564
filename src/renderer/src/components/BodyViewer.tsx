import { useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  contentTypeParam,
  decodeText,
  decompress,
  detectKind,
  parseForm,
  parseMultipart,
  prettyJson,
  sniffImage,
  type BodyKind,
} from './bodyDecode';
import { CodeView, type CodeLanguage } from './CodeView';
import { formatBytes, shortcutLabel } from './format';
import { HexView } from './HexView';
import { Icon } from './Icon';
import { KeyValueView } from './KeyValueTable';
import { loadPref, savePref } from './persist';
import { MultipartView } from './MultipartView';
import { Tabs } from './Tabs';
import './body.css';

export type BodyMode = 'pretty' | 'raw' | 'hex' | 'preview';

/**
 * Pretty · Raw · Hex · Preview over raw bytes. `bytes` may be a prefix of the body (fetched in
 * ranges); `totalSize` says how much exists so the user knows what they are not seeing.
 */
export function BodyViewer({
  bytes,
  totalSize,
  contentType,
  contentEncoding,
  truncatedNote,
  actions,
  onLoadAll,
  loadProgress = null,
  onCancelLoad,
}: {
  bytes: Uint8Array;
  totalSize?: number;
  contentType: string | null;
  contentEncoding?: string | null;
  /** Shown above the body, e.g. "cut at the 10 MB body limit". */
  truncatedNote?: string | null;
  actions?: ReactNode;
  onLoadAll?: () => void;
  /** 0–1 while the rest of the body is being fetched. */
  loadProgress?: number | null;
  onCancelLoad?: () => void;
}) {
  const [decoded, setDecoded] = useState<Uint8Array | null>(null);
  useEffect(() => {
    setDecoded(null);
    if (!contentEncoding || contentEncoding === 'identity') return;
    let live = true;
    void decompress(bytes, contentEncoding).then((d) => live && setDecoded(d));
    return () => {
      live = false;
    };
  }, [bytes, contentEncoding]);

  const view = decoded ?? bytes;
  const kind = useMemo(() => detectKind(contentType, view), [contentType, view]);
  const hasPreview = kind === 'image' || kind === 'html';
  const [mode, setMode] = useState<BodyMode>(() => loadPref('body:mode', 'pretty'));
  const [wrap, setWrap] = useState<boolean>(() => loadPref('body:wrap', true));
  const effective: BodyMode = mode === 'preview' && !hasPreview ? 'pretty' : mode;
  const partial = totalSize !== undefined && totalSize > bytes.length;

  const choose = (m: BodyMode) => {
    setMode(m);
    savePref('body:mode', m);
  };

  return (
    <div className="body-viewer">
      <Tabs
        size="small"
        ariaLabel="Body view"
        active={effective}
        onChange={choose}
        items={[
          { key: 'pretty', label: 'Pretty' },
          { key: 'raw', label: 'Raw' },
          { key: 'hex', label: 'Hex' },
          { key: 'preview', label: 'Preview', disabled: !hasPreview },
        ]}
        right={
          <>
            <span className="faint body-meta">
              {kindLabel(kind)} · {formatBytes(totalSize ?? bytes.length)}
              {decoded && ` · ${contentEncoding} → ${formatBytes(decoded.length)}`}
            </span>
            <button
              type="button"
              className={`icon-btn ${wrap ? 'active' : ''}`}
              title={`Wrap long lines (search: ${shortcutLabel('F')})`}
              aria-label="Wrap long lines"
              aria-pressed={wrap}
              onClick={() => {
                setWrap(!wrap);
                savePref('body:wrap', !wrap);
              }}
            >
              <Icon name="wrap" size={14} />
            </button>
            {actions}
          </>
        }
      />
      {(truncatedNote || partial) && (
        <div className="body-note">
          <Icon name="info" size={14} />
          <span className="grow">
            {truncatedNote}
            {truncatedNote && partial && ' '}
            {partial && `Showing the first ${formatBytes(bytes.length)} of ${formatBytes(totalSize!)}.`}
          </span>
          {partial && loadProgress !== null ? (
            <>
              <progress className="body-progress" max={1} value={loadProgress} aria-label="Loading the body" />
              <span className="faint">{Math.round(loadProgress * 100)}%</span>
              {onCancelLoad && (
                <button type="button" className="btn small" onClick={onCancelLoad}>
                  Cancel
                </button>
              )}
            </>
          ) : (
            partial &&
            onLoadAll && (
              <button type="button" className="btn small" onClick={onLoadAll}>
                Load all
              </button>
            )
          )}
        </div>
      )}
      <div className="body-content">
        {kind === 'empty' ? (
          <div className="empty">
            <p>No body.</p>
          </div>
        ) : effective === 'hex' ? (
          <HexView bytes={bytes} totalSize={totalSize} />
        ) : effective === 'raw' ? (
          kind === 'binary' || kind === 'image' ? (
            <BinaryNote size={bytes.length} onHex={() => choose('hex')} />
          ) : (
            <CodeView value={decodeText(bytes)} wrap={wrap} ariaLabel="Raw body" />
          )
        ) : effective === 'preview' ? (
          <Preview kind={kind} bytes={view} contentType={contentType} />
        ) : (
          <Pretty kind={kind} bytes={view} contentType={contentType} wrap={wrap} onHex={() => choose('hex')} />
        )}
      </div>
    </div>
  );
}

function kindLabel(kind: BodyKind): string {
  return { empty: 'empty', json: 'JSON', form: 'form', multipart: 'multipart', xml: 'XML', html: 'HTML', image: 'image', text: 'text', binary: 'binary' }[kind];
}

function BinaryNote({ size, onHex }: { size: number; onHex: () => void }) {
  return (
    <div className="empty">
      <p>Binary data, {formatBytes(size)}.</p>
      <button type="button" className="btn small" onClick={onHex}>
        Show hex
      </button>
    </div>
  );
}

function Pretty({ kind, bytes, contentType, wrap, onHex }: { kind: BodyKind; bytes: Uint8Array; contentType: string | null; wrap: boolean; onHex: () => void }) {
  const text = useMemo(() => (kind === 'binary' || kind === 'image' ? '' : decodeText(bytes)), [bytes, kind]);
  if (kind === 'json') {
    const pretty = prettyJson(text);
    return <CodeView value={pretty ?? text} language={pretty ? 'json' : 'text'} wrap={wrap} ariaLabel="Body" />;
  }
  if (kind === 'form') {
    return (
      <div className="body-scroll">
        <KeyValueView pairs={parseForm(text)} emptyText="No fields" />
      </div>
    );
  }
  if (kind === 'multipart') {
    const boundary = contentTypeParam(contentType, 'boundary');
    const parts = boundary ? parseMultipart(bytes, boundary) : null;
    if (!parts) return <CodeView value={text} wrap={wrap} ariaLabel="Body" />;
    return <MultipartView parts={parts} />;
  }
  if (kind === 'image') return <Preview kind="image" bytes={bytes} contentType={contentType} />;
  if (kind === 'binary') return <BinaryNote size={bytes.length} onHex={onHex} />;
  const lang: CodeLanguage = kind === 'xml' ? 'xml' : kind === 'html' ? 'html' : 'text';
  return <CodeView value={text} language={lang} wrap={wrap} ariaLabel="Body" />;
}

function Preview({ kind, bytes, contentType }: { kind: BodyKind; bytes: Uint8Array; contentType: string | null }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (kind !== 'image') return;
    const type = contentType?.startsWith('image/') ? contentType : (sniffImage(bytes) ?? 'application/octet-stream');
    const u = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [bytes, contentType, kind]);
  if (kind === 'html') {
    // sandbox="" : no scripts, no forms, no same-origin, no top navigation.
    return <iframe className="body-iframe" title="HTML preview" sandbox="" srcDoc={decodeText(bytes)} />;
  }
  if (kind === 'image' && url) {
    return (
      <div className="body-image">
        <img src={url} alt="Body preview" />
      </div>
    );
  }
  return null;
}
