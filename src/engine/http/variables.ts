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

function hasTemplate(t: string): boolean {
  return t.includes('{{');
}

/** True when some user-written string of the spec holds `{{` (the strings resolveSpec substitutes). */
function specHasTemplates(spec: RequestSpec): boolean {
  if (hasTemplate(spec.method) || hasTemplate(spec.url) || hasTemplate(spec.settings.proxy)) return true;
  for (const h of spec.headers) if (hasTemplate(h.name) || hasTemplate(h.value)) return true;
  const b = spec.body;
  switch (b.kind) {
    case 'none':
    case 'raw':
      break;
    case 'json':
    case 'xml':
    case 'text':
      if (hasTemplate(b.text)) return true;
      break;
    case 'form':
      for (const f of b.fields) if (hasTemplate(f.name) || hasTemplate(f.value)) return true;
      break;
    case 'multipart':
      for (const p of b.parts) if (hasTemplate(p.name) || hasTemplate(p.kind === 'text' ? p.value : p.path)) return true;
      break;
    case 'binary':
      if (hasTemplate(b.path)) return true;
      break;
    case 'graphql':
      if (hasTemplate(b.query) || hasTemplate(b.variables)) return true;
      break;
  }
  const a = spec.auth;
  switch (a.kind) {
    case 'none':
      return false;
    case 'basic':
    case 'digest':
      return hasTemplate(a.username) || hasTemplate(a.password);
    case 'bearer':
      return hasTemplate(a.token);
    case 'apikey':
      return hasTemplate(a.key) || hasTemplate(a.value);
  }
}

/**
 * The spec with every user-written string substituted: a copy, or the spec itself when it holds no
 * `{{` at all (most sends; nothing downstream modifies it).
 */
export function resolveSpec(spec: RequestSpec, vars: Record<string, string> | undefined, unresolved: Set<string>): RequestSpec {
  if (!specHasTemplates(spec)) return spec;
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
