import { CopyButton } from './CopyButton';
import { Icon } from './Icon';
import './kv.css';

export interface KvRow {
  key: string;
  value: string;
  enabled: boolean;
}

/** Read-only pairs in their original order and case (headers, query, form fields). */
export function KeyValueView({ pairs, emptyText = 'None', copyWhat = 'Value' }: { pairs: Array<[string, string]>; emptyText?: string; copyWhat?: string }) {
  if (pairs.length === 0) return <div className="kv-empty muted">{emptyText}</div>;
  return (
    <table className="kv kv-readonly">
      <tbody>
        {pairs.map(([k, v], i) => (
          <tr key={i}>
            <th scope="row" className="mono">{k}</th>
            <td className="mono kv-value">{v}</td>
            <td className="kv-actions">
              <CopyButton text={`${k}: ${v}`} label={`Copy ${k}`} what={copyWhat} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Editable pairs with a per-row enable toggle, Postman style: there is always one blank row at
 * the end, typing into it adds a row.
 */
export function KeyValueEditor({
  rows,
  onChange,
  keyPlaceholder = 'Key',
  valuePlaceholder = 'Value',
  ariaLabel,
}: {
  rows: KvRow[];
  onChange: (rows: KvRow[]) => void;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  ariaLabel?: string;
}) {
  const all = [...rows, { key: '', value: '', enabled: true }];
  const update = (i: number, patch: Partial<KvRow>) => {
    const next = all.map((r, j) => (j === i ? { ...r, ...patch } : r));
    onChange(next.filter((r, j) => j < all.length - 1 || r.key !== '' || r.value !== ''));
  };
  return (
    <table className="kv kv-edit" aria-label={ariaLabel}>
      <tbody>
        {all.map((row, i) => {
          const isBlank = i === all.length - 1;
          return (
            <tr key={i} className={row.enabled ? '' : 'disabled'}>
              <td className="kv-toggle">
                {!isBlank && (
                  <input
                    type="checkbox"
                    checked={row.enabled}
                    aria-label={`Enable ${row.key || 'row'}`}
                    onChange={(e) => update(i, { enabled: e.target.checked })}
                  />
                )}
              </td>
              <td>
                <input className="input mono" value={row.key} placeholder={keyPlaceholder} aria-label={`${keyPlaceholder} ${i + 1}`} onChange={(e) => update(i, { key: e.target.value })} />
              </td>
              <td>
                <input className="input mono" value={row.value} placeholder={valuePlaceholder} aria-label={`${valuePlaceholder} ${i + 1}`} onChange={(e) => update(i, { value: e.target.value })} />
              </td>
              <td className="kv-actions">
                {!isBlank && (
                  <button type="button" className="icon-btn" aria-label={`Remove ${row.key || 'row'}`} title="Remove" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                    <Icon name="trash" size={14} />
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export const pairsToRows = (pairs: Array<[string, string]>): KvRow[] => pairs.map(([key, value]) => ({ key, value, enabled: true }));
export const rowsToPairs = (rows: KvRow[]): Array<[string, string]> =>
  rows.filter((r) => r.enabled && r.key !== '').map((r) => [r.key, r.value]);
