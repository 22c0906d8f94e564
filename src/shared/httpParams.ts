import type { KeyValue } from './model/http';

// Pure helpers shared by the request composer and the workspace. The params table is a view of the URL's query. Parsing keeps text as typed ({{vars}}, %xx) so
// editing either side never rewrites what the user wrote.

export function splitUrl(url: string): { base: string; query: string; hash: string } {
  const hashAt = url.indexOf('#');
  const hash = hashAt >= 0 ? url.slice(hashAt) : '';
  const noHash = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const q = noHash.indexOf('?');
  return q >= 0 ? { base: noHash.slice(0, q), query: noHash.slice(q + 1), hash } : { base: noHash, query: '', hash };
}

export function paramsFromUrl(url: string): KeyValue[] {
  const { query } = splitUrl(url);
  if (!query) return [];
  return query
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq >= 0 ? { name: p.slice(0, eq), value: p.slice(eq + 1), enabled: true } : { name: p, value: '', enabled: true };
    });
}

export function urlWithParams(url: string, params: KeyValue[]): string {
  const { base, hash } = splitUrl(url);
  const parts = params.filter((p) => p.enabled && (p.name !== '' || p.value !== '')).map((p) => (p.value === '' && p.name !== '' ? p.name : `${p.name}=${p.value}`));
  return `${base}${parts.length ? `?${parts.join('&')}` : ''}${hash}`;
}

/** After the URL was edited: its params, with the disabled rows of the table kept where they were. */
export function mergeParams(url: string, previous: KeyValue[]): KeyValue[] {
  const fromUrl = paramsFromUrl(url);
  const out: KeyValue[] = [];
  let i = 0;
  for (const p of previous) {
    if (!p.enabled) out.push(p);
    else if (i < fromUrl.length) out.push(fromUrl[i++]!);
  }
  while (i < fromUrl.length) out.push(fromUrl[i++]!);
  return out;
}

/** {{names}} used anywhere in a text. */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([^{}]+?)\s*\}\}/g)].map((m) => m[1]!);
}

/** JSON with {{variables}} as bare values is still fine to send; validate with them stubbed. Null when valid. */
export function jsonBodyProblem(text: string): string | null {
  if (!text.trim()) return null;
  try {
    JSON.parse(text.replace(/\{\{\s*[^{}]+?\s*\}\}/g, '0'));
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
