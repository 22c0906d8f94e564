import { randomUUID } from 'node:crypto';
import type { HeaderPairs } from '../../shared/model/common';
import type { KeyMatcher, MockRule } from '../../shared/model/webhookTools';
import { SwitchboardError } from '../../shared/errors';

// Mock rules: ordered, first match wins. Pure functions over a request view; no I/O.

export interface RuleRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: HeaderPairs;
  body: Buffer;
}

// Rules run on every capture: compiled patterns are kept (bounded) instead of rebuilt per request.
const compiled = new Map<string, RegExp>();
function cached(key: string, build: () => RegExp): RegExp {
  let re = compiled.get(key);
  if (!re) {
    re = build();
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

/** Glob over a path: `*` within one segment, `**` across segments, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  return cached(`g:${glob}`, () => buildGlob(glob));
}

function buildGlob(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // "/**/" also matches "/" so /a/**/b matches /a/b.
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function compileRegex(source: string, ruleName: string): RegExp {
  try {
    return cached(`r:${source}`, () => new RegExp(source));
  } catch (err) {
    throw new SwitchboardError('RULE_INVALID', `Rule "${ruleName}": invalid regular expression ${source}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Throws RULE_INVALID naming the rule when a regex does not compile. */
export function validateRules(rules: MockRule[]): void {
  for (const rule of rules) {
    for (const m of [...rule.headers, ...rule.query]) if (m.kind === 'regex') compileRegex(m.value, rule.name);
    if (rule.body?.kind === 'regex') compileRegex(rule.body.value, rule.name);
    globToRegExp(rule.pathGlob || '**');
  }
}

export function newRuleId(): string {
  return `rule_${randomUUID().slice(0, 8)}`;
}

function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  return { path: q === -1 ? url : url.slice(0, q), query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)) };
}

function matchValue(m: KeyMatcher, values: string[], ruleName: string): boolean {
  if (m.kind === 'exists') return values.length > 0;
  return values.some((v) => {
    if (m.kind === 'equals') return v === m.value;
    if (m.kind === 'contains') return v.toLowerCase().includes(m.value.toLowerCase());
    return compileRegex(m.value, ruleName).test(v);
  });
}

/** Value at a dotted path like data.object.id or items[0].name; undefined when absent. */
export function jsonPath(root: unknown, path: string): unknown {
  const parts = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  let cur: unknown = root;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function ruleMatches(rule: MockRule, req: RuleRequest): boolean {
  if (!rule.enabled) return false;
  if (rule.methods.length > 0 && !rule.methods.some((m) => m.toUpperCase() === req.method.toUpperCase())) return false;
  const { path, query } = splitUrl(req.url);
  if (rule.pathGlob && !globToRegExp(rule.pathGlob).test(path)) return false;
  for (const m of rule.headers) {
    const lower = m.name.toLowerCase();
    if (!matchValue(m, req.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v), rule.name)) return false;
  }
  for (const m of rule.query) if (!matchValue(m, query.getAll(m.name), rule.name)) return false;
  if (rule.body) {
    const b = rule.body;
    if (b.kind === 'contains' && !req.body.toString('utf8').includes(b.value)) return false;
    if (b.kind === 'regex' && !compileRegex(b.value, rule.name).test(req.body.toString('utf8'))) return false;
    if (b.kind === 'json') {
      const v = jsonPath(parseJson(req.body), b.path ?? '');
      if (v === undefined) return false;
      if (b.value !== '' && String(typeof v === 'object' ? JSON.stringify(v) : v) !== b.value) return false;
    }
  }
  return true;
}

export function firstMatch(rules: MockRule[], req: RuleRequest): MockRule | null {
  for (const rule of rules) {
    try {
      if (ruleMatches(rule, req)) return rule;
    } catch {
      // A rule that cannot run (validated on save, so only on corrupt config) never matches.
    }
  }
  return null;
}

/**
 * Fill {{request.method}}, {{request.path}}, {{request.url}}, {{request.query.x}},
 * {{request.headers.x}} (any case), {{request.body}} and {{request.body.a.b}} (JSON path, or form
 * field), plus {{now}} (ISO time), {{timestamp}} (unix seconds) and {{uuid}}. Unknown names become
 * empty; objects are inserted as JSON. Values are inserted as-is (no escaping).
 */
export function renderTemplate(template: string, req: RuleRequest): string {
  if (!template.includes('{{')) return template;
  const { path, query } = splitUrl(req.url);
  let json: unknown;
  let jsonParsed = false;
  let form: URLSearchParams | null = null;
  const body = () => req.body.toString('utf8');
  return template.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (_all, expr: string) => {
    const show = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    if (expr === 'now') return new Date().toISOString();
    if (expr === 'timestamp') return String(Math.floor(Date.now() / 1000));
    if (expr === 'uuid') return randomUUID();
    if (expr === 'request.method') return req.method;
    if (expr === 'request.path') return path;
    if (expr === 'request.url') return req.url;
    if (expr === 'request.body') return body();
    if (expr.startsWith('request.query.')) return query.get(expr.slice('request.query.'.length)) ?? '';
    if (expr.startsWith('request.headers.')) {
      const name = expr.slice('request.headers.'.length).toLowerCase();
      return req.headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? '';
    }
    if (expr.startsWith('request.body.')) {
      const p = expr.slice('request.body.'.length);
      if (!jsonParsed) {
        json = parseJson(req.body);
        jsonParsed = true;
      }
      if (json !== undefined) return show(jsonPath(json, p));
      form ??= new URLSearchParams(body());
      return form.get(p) ?? '';
    }
    return '';
  });
}
