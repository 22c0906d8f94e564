import { Icon } from './Icon';
import './badges.css';

export function methodClass(method: string): string {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'POST' || m === 'PUT' || m === 'PATCH' || m === 'DELETE') return `m-${m.toLowerCase()}`;
  return 'm-other';
}

export function MethodBadge({ method }: { method: string }) {
  return (
    <span className={`method-badge ${methodClass(method)}`} title={method}>
      {method.toUpperCase()}
    </span>
  );
}

export function statusClass(status: number | null): string {
  if (status === null || status <= 0) return 's-err';
  if (status < 300) return 's-2xx';
  if (status < 400) return 's-3xx';
  if (status < 500) return 's-4xx';
  return 's-5xx';
}

/** A status code, or an error marker (⚠ + label) when there is no status. */
export function StatusBadge({ status, label }: { status: number | null; label?: string }) {
  return (
    <span className={`status-badge ${statusClass(status)}`} title={label}>
      {status === null || status <= 0 ? (
        <>
          <Icon name="alert" size={12} /> {label ?? 'error'}
        </>
      ) : (
        status
      )}
    </span>
  );
}
