import type { KeyValue } from '../../../../shared/model/http';
import type { KvRow } from '../../components/KeyValueTable';

export const toRows = (items: KeyValue[]): KvRow[] => items.map((i) => ({ key: i.name, value: i.value, enabled: i.enabled }));

/** Back to KeyValue, keeping each row's description by position. */
export const fromRows = (rows: KvRow[], previous: KeyValue[] = []): KeyValue[] =>
  rows.map((r, i) => {
    const d = previous[i]?.description;
    return d === undefined ? { name: r.key, value: r.value, enabled: r.enabled } : { name: r.key, value: r.value, enabled: r.enabled, description: d };
  });
