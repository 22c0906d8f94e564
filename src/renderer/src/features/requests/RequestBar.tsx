import { forwardRef } from 'react';
import { methodClass } from '../../components/Badges';
import { shortcutLabel } from '../../components/format';
import { Icon } from '../../components/Icon';
import { useRequests, type RequestTab } from './store';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Method (any token, with a list of the usual ones), URL, Send/Cancel. */
export const RequestBar = forwardRef<HTMLInputElement, { tab: RequestTab }>(function RequestBar({ tab }, urlRef) {
  const { update, setUrl, send, cancel } = useRequests.getState();
  const method = tab.spec.method;
  return (
    <form
      className="rq-bar"
      onSubmit={(e) => {
        e.preventDefault();
        void send(tab.id);
      }}
    >
      <input
        className={`input mono rq-method ${methodClass(method)}`}
        list="rq-methods"
        value={method}
        aria-label="Method"
        title="Method: pick one or type any (e.g. PURGE)"
        spellCheck={false}
        onChange={(e) => update(tab.id, { method: e.target.value.toUpperCase().replace(/\s/g, '') })}
        onFocus={(e) => e.target.select()}
      />
      <datalist id="rq-methods">
        {METHODS.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      <input
        ref={urlRef}
        className="input mono rq-url"
        value={tab.spec.url}
        placeholder="https://api.example.com/users?page=1  ({{variables}} allowed)"
        aria-label="URL"
        title={`URL (${shortcutLabel('L')})`}
        spellCheck={false}
        onChange={(e) => setUrl(tab.id, e.target.value)}
        onPaste={(e) => {
          // Pasting a whole URL with surrounding whitespace/newlines is common from docs.
          const text = e.clipboardData.getData('text');
          if (/^\s*https?:\/\/\S+\s*$/.test(text) && e.currentTarget.selectionStart === 0 && e.currentTarget.selectionEnd === tab.spec.url.length) {
            e.preventDefault();
            setUrl(tab.id, text.trim());
          }
        }}
      />
      {tab.sending ? (
        <button type="button" className="btn rq-send danger" onClick={() => void cancel(tab.id)} title="Cancel the request in flight">
          <Icon name="stop" size={14} /> Cancel
        </button>
      ) : (
        <button type="submit" className="btn primary rq-send" title={`Send (${shortcutLabel('Enter')})`}>
          <Icon name="send" size={14} /> Send
        </button>
      )}
    </form>
  );
});
