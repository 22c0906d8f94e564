import { useEffect, useState } from 'react';
import { savedLibraryKey, validateWsMessage, type WsMessage, type WsSavedMessage } from '../../../../shared/model/sockets';
import { engine, errorText } from '../../client/instance';
import { prettyJson } from '../../components/bodyDecode';
import { CodeView } from '../../components/CodeView';
import { shortcutLabel } from '../../components/format';
import { Icon } from '../../components/Icon';
import { useShortcut } from '../../components/shortcuts';
import { toast } from '../../components/toastStore';
import type { ComposerFormat, ComposerState } from './store';

const FORMATS: Array<[ComposerFormat, string]> = [
  ['text', 'Text'],
  ['json', 'JSON'],
  ['hex', 'Binary (hex)'],
  ['base64', 'Binary (base64)'],
  ['file', 'Binary (file)'],
];

function toMessage(v: ComposerState): WsMessage {
  return v.format === 'file' ? { format: 'file', path: v.text.trim() } : { format: v.format, data: v.text };
}

/** The message editor: text, validated JSON, hex or base64, a saved-message library, Ctrl/Cmd+Enter sends. */
export function Composer({
  value,
  onChange,
  onSend,
  libraryUrl,
  disabled,
  disabledReason,
  sendLabel = 'Send',
}: {
  value: ComposerState;
  onChange: (v: ComposerState) => void;
  onSend: (message: WsMessage) => Promise<void>;
  /** The endpoint whose saved-message library is shown. */
  libraryUrl: string | null;
  disabled: boolean;
  disabledReason?: string;
  sendLabel?: string;
}) {
  const [sending, setSending] = useState(false);
  const [saved, setSaved] = useState<WsSavedMessage[]>([]);
  const [naming, setNaming] = useState<string | null>(null);
  const key = libraryUrl ? savedLibraryKey(libraryUrl) : null;
  const problem = value.format === 'file' || (value.text === '' && value.format !== 'text') ? null : validateWsMessage(value.format, value.text);

  useEffect(() => {
    if (!key) return setSaved([]);
    let live = true;
    void engine()
      .invoke('ws.saved.list', { key })
      .then((list) => live && setSaved(list))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [key]);

  const send = async (message: WsMessage = toMessage(value)) => {
    if (message.format === 'file' && !message.path) return toast.error('Type the path of the file to send.');
    if (disabled || sending) return;
    const p = message.format === 'file' ? null : validateWsMessage(message.format, message.data);
    if (p) return toast.error(p);
    setSending(true);
    try {
      await onSend(message);
    } catch (err) {
      toast.error(errorText(err));
    } finally {
      setSending(false);
    }
  };
  useShortcut('mod+enter', () => void send(), !disabled);

  const saveAs = async (name: string) => {
    if (!key || !name.trim() || value.format === 'file') return;
    const format = value.format;
    try {
      const id = `m${Date.now().toString(36)}`;
      setSaved(await engine().invoke('ws.saved.put', { key, message: { id, name: name.trim(), format, data: value.text } }));
      setNaming(null);
      toast.success(`Saved "${name.trim()}"`);
    } catch (err) {
      toast.error(errorText(err));
    }
  };
  const remove = async (id: string) => {
    if (!key) return;
    setSaved(await engine().invoke('ws.saved.delete', { key, id }).catch(() => saved));
  };

  return (
    <div className="sk-composer">
      <div className="sk-composer-main">
        <div className="sk-composer-bar">
          <select className="select" aria-label="Message format" value={value.format} onChange={(e) => onChange({ ...value, format: e.target.value as ComposerFormat })}>
            {FORMATS.map(([f, label]) => (
              <option key={f} value={f}>
                {label}
              </option>
            ))}
          </select>
          {value.format === 'json' && (
            <button
              type="button"
              className="btn small"
              disabled={!!problem || !value.text}
              onClick={() => onChange({ ...value, text: prettyJson(value.text) ?? value.text })}
            >
              Format
            </button>
          )}
          <span className={`sk-composer-problem ${problem ? 'bad' : ''}`} role={problem ? 'alert' : undefined}>
            {problem ?? (disabled ? disabledReason : '')}
          </span>
          <span className="grow" />
          {key && naming === null && value.format !== 'file' && (
            <button type="button" className="btn small" disabled={!value.text || !!problem} onClick={() => setNaming('')}>
              Save
            </button>
          )}
          {naming !== null && (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                void saveAs(naming);
              }}
            >
              <input className="input" autoFocus placeholder="Name" aria-label="Saved message name" value={naming} onChange={(e) => setNaming(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setNaming(null)} />
              <button type="submit" className="btn small" disabled={!naming.trim()}>
                Save
              </button>
            </form>
          )}
          <button
            type="button"
            className="btn primary"
            disabled={disabled || sending || !!problem}
            title={`${sendLabel} (${shortcutLabel('Enter')})`}
            onClick={() => void send()}
          >
            <Icon name="send" size={14} /> {sendLabel}
          </button>
        </div>
        <div className="sk-composer-editor">
          <CodeView
            value={value.text}
            language={value.format === 'json' ? 'json' : 'text'}
            readOnly={false}
            wrap
            onChange={(text) => onChange({ ...value, text })}
            placeholder={value.format === 'file' ? 'Path of a file on this machine, e.g. /tmp/frame.bin (sent as one binary message)' : value.format === 'hex' ? 'de ad be ef' : value.format === 'base64' ? '3q2+7w==' : value.format === 'json' ? '{"type":"hello"}' : 'Message'}
            ariaLabel="Message to send"
          />
        </div>
      </div>
      {key && (
        <div className="sk-saved" aria-label="Saved messages">
          <div className="sk-saved-title faint">Saved messages</div>
          {saved.length === 0 && <div className="sk-saved-empty faint">Save a message to send it again with one click.</div>}
          {saved.map((m) => (
            <div key={m.id} className="sk-saved-item">
              <button type="button" className="sk-saved-name truncate" title={`Load "${m.name}" into the editor`} onClick={() => onChange({ format: m.format, text: m.data })}>
                {m.name}
              </button>
              <button type="button" className="icon-btn" title={`Send "${m.name}"`} aria-label={`Send ${m.name}`} disabled={disabled} onClick={() => void send({ format: m.format, data: m.data })}>
                <Icon name="send" size={14} />
              </button>
              <button type="button" className="icon-btn" title="Delete" aria-label={`Delete ${m.name}`} onClick={() => void remove(m.id)}>
                <Icon name="trash" size={14} />
              </button>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
