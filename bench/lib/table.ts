import type { FigureResult, Measure } from './types';

export interface Row {
  name: string;
  area: string;
  seconds: number;
  result: FigureResult | { error: string };
}

function fmt(m: Measure | null): string {
  if (!m) return '—';
  const v = m.value >= 100 ? Math.round(m.value).toLocaleString('en-US') : m.value.toFixed(m.value >= 10 ? 1 : 3);
  return `${v} ${m.unit}`;
}

/** A Markdown table (readable in a terminal, pasteable into BENCHMARKS.md). */
export function formatTable(rows: Row[]): string {
  const head = ['figure', 'baseline', 'ours', 'ratio', 'target', 'pass', 'notes'];
  const body = rows.map((r) => {
    if ('error' in r.result) return [r.name, '—', '—', '—', '—', 'ERROR', r.result.error.split('\n')[0] ?? ''];
    const x = r.result;
    return [r.name, fmt(x.baseline), fmt(x.ours), x.ratio === null ? '—' : `${x.ratio.toFixed(2)}×`, x.target, x.pass ? 'yes' : 'NO', x.notes ?? ''];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
