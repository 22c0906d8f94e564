import { randomInt, randomUUID } from 'node:crypto';
import type { RequestSpec } from '../../shared/model/http';

const PATTERN = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** Postman's common dynamic variables; resolved fresh for every occurrence. */
function dynamic(name: string): string | undefined {
  switch (name) {
    case '$timestamp':
      return String(Math.floor(Date.now() / 1000));
    case '$isoTimestamp':
      return new Date().toISOString();
    case '$guid':
    case '$uuid':
    case '$randomUUID':
      return randomUUID();
    case '$randomInt':
      return String(randomInt(0, 1001));
    default:
      return undefined;
  }
}

/**
 * Replaces {{name}} with its value. Unknown names stay as written (as in Postman), so the user sees
 * them in what was sent; `unresolved` collects them for a clear error where they make the URL invalid.
 */
export function substitute(text: string, vars: Record<string, string> | undefined, unresolved?: Set<string>): string {
  if (!text.includes('{{')) return text;
  return text.replace(PATTERN, (whole, rawName: string) => {
    const name = rawName.trim();
    if (vars && Object.prototype.hasOwnProperty.call(vars, name)) return vars[name] ?? '';
    const d = dynamic(name);
    if (d !== undefined) return d;
    unresolved?.add(name);
    return whole;
  });
}

/** A copy of the spec with every user-written string substituted. */
export function resolveSpec(spec: RequestSpec, vars: Record<string, string> | undefined, unresolved: Set<string>): RequestSpec {
  // Not `const s = …` closures: see the note on __name in exchange.ts.
  const x = {
    s(t: string): string {
      return substitute(t, vars, unresolved);
    },
    kv<T extends { name: string; value: string }>(items: T[]): T[] {
      return items.map((i) => ({ ...i, name: x.s(i.name), value: x.s(i.value) }));
    },
  };
  const { s, kv } = { s: x.s, kv: x.kv.bind(x) };
  const body = ((): RequestSpec['body'] => {
    const b = spec.body;
    switch (b.kind) {
      case 'none':
      case 'raw':
        return b;
      case 'json':
      case 'xml':
        return { ...b, text: s(b.text) };
      case 'text':
        return { ...b, text: s(b.text) };
      case 'form':
        return { ...b, fields: kv(b.fields) };
      case 'multipart':
        return {
          ...b,
          parts: b.parts.map((p) =>
            p.kind === 'text' ? { ...p, name: s(p.name), value: s(p.value) } : { ...p, name: s(p.name), path: s(p.path) },
          ),
        };
      case 'binary':
        return { ...b, path: s(b.path) };
      case 'graphql':
        return { ...b, query: s(b.query), variables: s(b.variables) };
    }
  })();
  const auth = ((): RequestSpec['auth'] => {
    const a = spec.auth;
    switch (a.kind) {
      case 'none':
        return a;
      case 'basic':
      case 'digest':
        return { ...a, username: s(a.username), password: s(a.password) };
      case 'bearer':
        return { ...a, token: s(a.token) };
      case 'apikey':
        return { ...a, key: s(a.key), value: s(a.value) };
    }
  })();
  return {
    ...spec,
    method: s(spec.method),
    url: s(spec.url),
    headers: kv(spec.headers),
    body,
    auth,
    settings: { ...spec.settings, proxy: s(spec.settings.proxy) },
  };
}
