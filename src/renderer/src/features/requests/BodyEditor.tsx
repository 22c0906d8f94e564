import { useMemo } from 'react';
import type { KeyValue, MultipartPart, RequestBody } from '../../../../shared/model/http';
import { CodeView } from '../../components/CodeView';
import { Icon } from '../../components/Icon';
import { KeyValueEditor } from '../../components/KeyValueTable';
import { fromRows, toRows } from './kv';
import { jsonBodyProblem } from '../../../../shared/httpParams';

const KINDS: Array<[RequestBody['kind'], string]> = [
  ['none', 'None'],
  ['json', 'JSON'],
  ['text', 'Text'],
  ['xml', 'XML'],
  ['form', 'Form URL-encoded'],
  ['multipart', 'Multipart form'],
  ['binary', 'Binary file'],
  ['raw', 'Raw bytes (base64)'],
  ['graphql', 'GraphQL'],
];

/** Switching kind keeps the text where it makes sense (JSON ↔ text ↔ XML). */
function convert(body: RequestBody, kind: RequestBody['kind']): RequestBody {
  const text = 'text' in body ? body.text : body.kind === 'graphql' ? body.query : '';
  switch (kind) {
    case 'none':
      return { kind };
    case 'json':
    case 'xml':
      return { kind, text };
    case 'text':
      return { kind, text };
    case 'form':
      return { kind, fields: [] };
    case 'multipart':
      return { kind, parts: [] };
    case 'binary':
      return { kind, path: '' };
    case 'raw':
      return { kind, base64: '' };
    case 'graphql':
      return { kind, query: text, variables: '' };
  }
}

function JsonEditor({ text, onChange, label }: { text: string; onChange: (t: string) => void; label: string }) {
  const problem = useMemo(() => jsonBodyProblem(text), [text]);
  return (
    <div className="rq-code">
      <div className="rq-code-tools">
        {problem ? (
          <span className="rq-invalid" role="status">
            <Icon name="alert" size={13} /> Invalid JSON: {problem}
          </span>
        ) : (
          <span className="faint">{text.trim() ? 'Valid JSON' : ''}</span>
        )}
        <span className="grow" />
        <button
          type="button"
          className="btn small"
          disabled={!!problem || !text.trim() || /\{\{/.test(text)}
          title={/\{\{/.test(text) ? 'Formatting would change {{variables}}' : 'Pretty-print with 2 spaces'}
          onClick={() => onChange(JSON.stringify(JSON.parse(text), null, 2))}
        >
          Format
        </button>
      </div>
      <CodeView value={text} language="json" readOnly={false} onChange={onChange} ariaLabel={label} placeholder='{ "key": "value" }' />
    </div>
  );
}

function MultipartEditor({ parts, onChange }: { parts: MultipartPart[]; onChange: (p: MultipartPart[]) => void }) {
  const set = (i: number, part: MultipartPart) => onChange(parts.map((p, j) => (j === i ? part : p)));
  return (
    <div className="rq-multipart">
      <table className="kv kv-edit" aria-label="Multipart parts">
        <tbody>
          {parts.map((p, i) => (
            <tr key={i} className={p.enabled ? '' : 'disabled'}>
              <td className="kv-toggle">
                <input type="checkbox" checked={p.enabled} aria-label={`Enable ${p.name || 'part'}`} onChange={(e) => set(i, { ...p, enabled: e.target.checked })} />
              </td>
              <td>
                <input className="input mono" value={p.name} placeholder="Name" aria-label={`Part name ${i + 1}`} onChange={(e) => set(i, { ...p, name: e.target.value })} />
              </td>
              <td className="rq-part-kind">
                <select
                  className="select"
                  value={p.kind}
                  aria-label={`Part kind ${i + 1}`}
                  onChange={(e) =>
                    set(i, e.target.value === 'file' ? { kind: 'file', name: p.name, path: '', enabled: p.enabled } : { kind: 'text', name: p.name, value: '', enabled: p.enabled })
                  }
                >
                  <option value="text">Text</option>
                  <option value="file">File</option>
                </select>
              </td>
              <td>
                {p.kind === 'text' ? (
                  <input className="input mono" value={p.value} placeholder="Value" aria-label={`Part value ${i + 1}`} onChange={(e) => set(i, { ...p, value: e.target.value })} />
                ) : (
                  <input className="input mono" value={p.path} placeholder="/path/to/file (on the engine's machine)" aria-label={`Part file ${i + 1}`} onChange={(e) => set(i, { ...p, path: e.target.value })} />
                )}
              </td>
              <td>
                <input
                  className="input mono"
                  value={p.contentType ?? ''}
                  placeholder={p.kind === 'file' ? 'Content-Type (auto)' : 'Content-Type'}
                  aria-label={`Part content type ${i + 1}`}
                  onChange={(e) => set(i, { ...p, contentType: e.target.value || undefined })}
                />
              </td>
              <td className="kv-actions">
                <button type="button" className="icon-btn" aria-label={`Remove ${p.name || 'part'}`} title="Remove" onClick={() => onChange(parts.filter((_, j) => j !== i))}>
                  <Icon name="trash" size={14} />
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row rq-pad">
        <button type="button" className="btn small" onClick={() => onChange([...parts, { kind: 'text', name: '', value: '', enabled: true }])}>
          <Icon name="plus" size={12} /> Text field
        </button>
        <button type="button" className="btn small" onClick={() => onChange([...parts, { kind: 'file', name: '', path: '', enabled: true }])}>
          <Icon name="file" size={12} /> File
        </button>
      </div>
    </div>
  );
}

export function BodyEditor({ body, onChange }: { body: RequestBody; onChange: (b: RequestBody) => void }) {
  return (
    <div className="rq-body">
      <div className="row rq-pad">
        <label className="row">
          <span className="muted">Body</span>
          <select className="select" value={body.kind} aria-label="Body kind" onChange={(e) => onChange(convert(body, e.target.value as RequestBody['kind']))}>
            {KINDS.map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {(body.kind === 'text' || body.kind === 'binary' || body.kind === 'raw') && (
          <input
            className="input mono rq-ctype"
            value={body.contentType ?? ''}
            placeholder={body.kind === 'text' ? 'text/plain' : body.kind === 'binary' ? 'Content-Type (from the file name)' : 'application/octet-stream'}
            aria-label="Body content type"
            onChange={(e) => onChange({ ...body, contentType: e.target.value || undefined })}
          />
        )}
      </div>
      <div className="rq-body-main">
        {body.kind === 'none' && <div className="empty"><p>This request has no body.</p></div>}
        {body.kind === 'json' && <JsonEditor text={body.text} onChange={(text) => onChange({ kind: 'json', text })} label="JSON body" />}
        {body.kind === 'text' && <CodeView value={body.text} readOnly={false} wrap onChange={(text) => onChange({ ...body, text })} ariaLabel="Text body" />}
        {body.kind === 'xml' && <CodeView value={body.text} language="xml" readOnly={false} onChange={(text) => onChange({ kind: 'xml', text })} ariaLabel="XML body" />}
        {body.kind === 'form' && (
          <KeyValueEditor rows={toRows(body.fields)} onChange={(rows) => onChange({ kind: 'form', fields: fromRows(rows, body.fields) })} ariaLabel="Form fields" />
        )}
        {body.kind === 'multipart' && <MultipartEditor parts={body.parts} onChange={(parts) => onChange({ kind: 'multipart', parts })} />}
        {body.kind === 'binary' && (
          <div className="rq-pad col">
            <input className="input mono" value={body.path} placeholder="/path/to/file (read by the engine, streamed)" aria-label="Body file path" onChange={(e) => onChange({ ...body, path: e.target.value })} />
            <p className="faint">The file is read when you send, straight from disk, so it can be any size.</p>
          </div>
        )}
        {body.kind === 'raw' && (
          <div className="rq-pad col grow">
            <textarea className="textarea grow" value={body.base64} placeholder="Base64 of the exact bytes to send" aria-label="Raw body base64" onChange={(e) => onChange({ ...body, base64: e.target.value })} />
          </div>
        )}
        {body.kind === 'graphql' && (
          <div className="rq-gql">
            <div className="rq-gql-query">
              <div className="rq-sub">Query</div>
              <CodeView value={body.query} readOnly={false} onChange={(query) => onChange({ ...body, query })} ariaLabel="GraphQL query" placeholder="query { viewer { login } }" />
            </div>
            <div className="rq-gql-vars">
              <div className="rq-sub">Variables (JSON)</div>
              <JsonEditor text={body.variables} onChange={(variables) => onChange({ ...body, variables })} label="GraphQL variables" />
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

export type { KeyValue };
