import type { RequestSpec } from '../model/http';
import type { ResolvedVariable, VariableDef, VariableScope } from '../model/workspace';

// {{variables}} as Postman writes them. Precedence (lowest first), as in Postman:
//   global < collection < environment
// (Postman also has data-file and local scopes above these; Switchboard has no scripts, so none.)
// Values may themselves hold {{other}} variables; they are expanded up to MAX_DEPTH levels.
// Names starting with '$' are dynamic ($guid, $timestamp, …) and are filled in by the sender.

export const VARIABLE_PATTERN = /\{\{\s*([^{}]+?)\s*\}\}/g;
const MAX_DEPTH = 10;

export function isDynamicVariable(name: string): boolean {
  return name.startsWith('$');
}

/** Every {{name}} in a text, in order, without duplicates. */
export function variablesIn(text: string): string[] {
  if (!text.includes('{{')) return [];
  const out = new Set<string>();
  for (const m of text.matchAll(VARIABLE_PATTERN)) out.add((m[1] ?? '').trim());
  return [...out];
}

/** Every user-written string of a spec (the strings the sender substitutes). */
export function specStrings(spec: RequestSpec): string[] {
  const out: string[] = [spec.method, spec.url, spec.settings.proxy];
  for (const h of spec.headers) if (h.enabled) out.push(h.name, h.value);
  const b = spec.body;
  switch (b.kind) {
    case 'json':
    case 'xml':
    case 'text':
      out.push(b.text);
      break;
    case 'form':
      for (const f of b.fields) if (f.enabled) out.push(f.name, f.value);
      break;
    case 'multipart':
      for (const p of b.parts) if (p.enabled) out.push(p.name, p.kind === 'text' ? p.value : p.path);
      break;
    case 'binary':
      out.push(b.path);
      break;
    case 'graphql':
      out.push(b.query, b.variables);
      break;
    case 'none':
    case 'raw':
      break;
  }
  const a = spec.auth;
  switch (a.kind) {
    case 'basic':
    case 'digest':
      out.push(a.username, a.password);
      break;
    case 'bearer':
      out.push(a.token);
      break;
    case 'apikey':
      out.push(a.key, a.value);
      break;
    case 'none':
      break;
  }
  return out;
}

/** Variables a spec refers to (dynamic ones excluded). */
export function specVariables(spec: RequestSpec): string[] {
  const out = new Set<string>();
  for (const s of specStrings(spec)) for (const n of variablesIn(s)) if (!isDynamicVariable(n)) out.add(n);
  return [...out];
}

export interface VariableLayer {
  scope: VariableScope;
  variables: VariableDef[];
  /** Values for secret variables of this layer, by name (kept out of the files). */
  secrets?: Record<string, string | undefined>;
}

export interface ResolvedTable {
  /** name → expanded value, ready for the sender. */
  values: Record<string, string>;
  /** One row per defined name, for the UI (secret values hidden). */
  rows: ResolvedVariable[];
  /** Secrets that are declared but have no value anywhere. */
  missingSecrets: string[];
}

/** Merges scopes by precedence (layers lowest first) and expands nested {{refs}}. */
export function resolveLayers(layers: VariableLayer[]): ResolvedTable {
  const raw = new Map<string, { value: string; scope: VariableScope; secret: boolean; overrides: VariableScope[] }>();
  const missing = new Set<string>();
  for (const layer of layers) {
    for (const v of layer.variables) {
      if (!v.enabled) continue;
      let value = v.value;
      if (v.secret) {
        const s = layer.secrets?.[v.name];
        if (s === undefined) {
          // A declared secret with no value does not hide a lower scope's value.
          if (!raw.has(v.name)) missing.add(v.name);
          continue;
        }
        value = s;
      }
      const prev = raw.get(v.name);
      const overrides = prev ? [...prev.overrides, prev.scope] : [];
      raw.set(v.name, { value, scope: layer.scope, secret: !!v.secret, overrides });
      missing.delete(v.name);
    }
  }
  const flat: Record<string, string> = {};
  for (const [name, r] of raw) flat[name] = r.value;
  const values: Record<string, string> = {};
  for (const name of Object.keys(flat)) values[name] = expand(flat[name] ?? '', flat, MAX_DEPTH);
  const rows: ResolvedVariable[] = [...raw].map(([name, r]) => ({
    name,
    scope: r.scope,
    value: r.secret ? null : (values[name] ?? ''),
    secret: r.secret,
    overrides: r.overrides,
  }));
  return { values, rows, missingSecrets: [...missing] };
}

function expand(text: string, vars: Record<string, string>, depth: number): string {
  if (depth <= 0 || !text.includes('{{')) return text;
  return text.replace(VARIABLE_PATTERN, (whole, raw: string) => {
    const name = raw.trim();
    if (!Object.prototype.hasOwnProperty.call(vars, name)) return whole;
    return expand(vars[name] ?? '', vars, depth - 1);
  });
}

/** Replaces known {{names}}; unknown ones stay as written. */
export function substituteVariables(text: string, vars: Record<string, string>): string {
  return expand(text, vars, MAX_DEPTH);
}

/** Names the spec uses that no scope defines (dynamic variables excluded). */
export function unresolvedVariables(spec: RequestSpec, values: Record<string, string>): string[] {
  const out = new Set<string>();
  for (const s of specStrings(spec)) {
    // Expand first, so a defined variable whose value names an undefined one is reported too.
    for (const n of variablesIn(substituteVariables(s, values))) {
      if (!isDynamicVariable(n) && !Object.prototype.hasOwnProperty.call(values, n)) out.add(n);
    }
  }
  return [...out];
}

/** Splits a text into plain and {{variable}} pieces, for highlighting in the UI. */
export function variableSegments(text: string): Array<{ text: string; variable: string | null }> {
  const out: Array<{ text: string; variable: string | null }> = [];
  let last = 0;
  for (const m of text.matchAll(VARIABLE_PATTERN)) {
    const i = m.index ?? 0;
    if (i > last) out.push({ text: text.slice(last, i), variable: null });
    out.push({ text: m[0], variable: (m[1] ?? '').trim() });
    last = i + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), variable: null });
  return out;
}
