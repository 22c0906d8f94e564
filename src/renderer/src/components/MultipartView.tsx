import { decodeText, looksLikeText, type MultipartPart } from './bodyDecode';
import { formatBytes } from './format';
import { Icon } from './Icon';

/** One card per part: field name, file name, type and exact size; text values inline. */
export function MultipartView({ parts }: { parts: MultipartPart[] }) {
  if (parts.length === 0) return <div className="empty">No parts.</div>;
  return (
    <div className="body-scroll multipart">
      {parts.map((p, i) => {
        const text = looksLikeText(p.body) ? decodeText(p.body.subarray(0, 4096)) : null;
        return (
          <div key={i} className="mp-part">
            <div className="mp-head">
              <span className="mono mp-name">{p.name ?? `part ${i + 1}`}</span>
              {p.filename && (
                <span className="mp-file">
                  <Icon name="file" size={13} /> {p.filename}
                </span>
              )}
              <span className="grow" />
              {p.contentType && <span className="faint mono">{p.contentType}</span>}
              <span className="faint">{formatBytes(p.size)}</span>
            </div>
            {text !== null && (
              <pre className="mp-value mono">
                {text}
                {p.body.length > 4096 && '…'}
              </pre>
            )}
          </div>
        );
      })}
    </div>
  );
}
