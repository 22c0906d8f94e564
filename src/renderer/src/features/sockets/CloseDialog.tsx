import { useState } from 'react';
import { closeCodeMeaning, isSendableCloseCode } from '../../../../shared/model/sockets';
import { Dialog } from '../../components/Dialog';
import { CLOSE_CODES } from './words';

/** Choose a close code and reason (client close, or kicking a server's client). */
export function CloseDialog({
  open,
  title,
  confirmLabel,
  onClose,
  onConfirm,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  onClose: () => void;
  onConfirm: (code: number, reason: string) => void;
}) {
  const [code, setCode] = useState('1000');
  const [reason, setReason] = useState('');
  const n = Number(code);
  const codeOk = Number.isInteger(n) && isSendableCloseCode(n);
  const reasonBytes = new TextEncoder().encode(reason).length;
  const ok = codeOk && reasonBytes <= 123;
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      width={440}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={!ok} onClick={() => onConfirm(n, reason)}>
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="sk-form">
        <label>
          Close code
          <input className={`input ${codeOk ? '' : 'invalid'}`} list="ws-close-codes" value={code} onChange={(e) => setCode(e.target.value)} aria-label="Close code" />
          <datalist id="ws-close-codes">
            {CLOSE_CODES.map(([c, label]) => (
              <option key={c} value={c}>
                {label}
              </option>
            ))}
          </datalist>
          <span className="faint">{codeOk ? closeCodeMeaning(n) : 'Use 1000–1003, 1007–1014 or 3000–4999.'}</span>
        </label>
        <label>
          Reason
          <input className={`input ${reasonBytes > 123 ? 'invalid' : ''}`} value={reason} onChange={(e) => setReason(e.target.value)} aria-label="Close reason" />
          <span className="faint">{reasonBytes}/123 bytes</span>
        </label>
      </div>
    </Dialog>
  );
}
