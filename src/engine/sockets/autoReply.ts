import type { WsReplyRule } from '../../shared/model/sockets';

export interface ReplyContext {
  data: Buffer;
  binary: boolean;
  clientId: string;
  /** Messages received from this client so far, this one included. */
  count: number;
}

export interface ReplyPlan {
  rule: WsReplyRule;
  text: string;
}

/** Reads `a.b.0.c` out of a parsed JSON value; undefined when any step is missing. */
export function jsonPath(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const step of path.split('.')) {
    if (step === '') continue;
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, step)) return undefined;
    cur = (cur as Record<string, unknown>)[step];
  }
  return cur;
}

function asTemplateText(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/**
 * Compiles rules once (regexes included) so matching a message costs little. Invalid regexes are
 * reported by `compileRules` so the contract can refuse them before they are stored.
 */
export function compileRules(rules: WsReplyRule[]): (ctx: ReplyContext) => ReplyPlan | null {
  const compiled = rules
    .filter((r) => r.enabled)
    .map((rule) => ({ rule, re: rule.match.type === 'regex' ? new RegExp(rule.match.pattern, rule.match.flags) : null }));
  if (compiled.length === 0) return () => null;
  return (ctx) => {
    const text = ctx.binary ? null : ctx.data.toString('utf8');
    let json: unknown;
    let jsonParsed = false;
    const getJson = () => {
      if (!jsonParsed) {
        jsonParsed = true;
        try {
          json = text === null ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      return json;
    };
    for (const { rule, re } of compiled) {
      let groups: string[] = [];
      const m = rule.match;
      if (m.type === 'any') {
        // matches everything
      } else if (text === null) {
        continue;
      } else if (m.type === 'equals') {
        if (text !== m.text) continue;
      } else if (m.type === 'contains') {
        if (!text.includes(m.text)) continue;
      } else if (m.type === 'regex') {
        re!.lastIndex = 0;
        const found = re!.exec(text);
        if (!found) continue;
        groups = found.map((g) => g ?? '');
      } else {
        const parsed = getJson();
        if (parsed === undefined) continue;
        const v = jsonPath(parsed, m.path);
        if (v === undefined) continue;
        if (m.equals !== undefined && asTemplateText(v) !== m.equals) continue;
      }
      return { rule, text: renderTemplate(rule.reply, ctx, text, getJson, groups) };
    }
    return null;
  };
}

/** Throws with a readable message when a rule cannot be compiled. */
export function checkRules(rules: WsReplyRule[]): void {
  for (const r of rules) {
    if (r.match.type === 'regex') {
      try {
        new RegExp(r.match.pattern, r.match.flags);
      } catch (err) {
        throw new Error(`Rule ${r.id}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
  }
}

export function renderTemplate(
  template: string,
  ctx: ReplyContext,
  text: string | null,
  getJson: () => unknown,
  groups: string[],
): string {
  return template.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (whole, key: string) => {
    if (key === 'message') return text ?? ctx.data.toString('hex');
    if (key === 'clientId') return ctx.clientId;
    if (key === 'now') return new Date().toISOString();
    if (key === 'timestamp') return String(Date.now());
    if (key === 'count') return String(ctx.count);
    const group = /^\$(\d)$/.exec(key);
    if (group) return groups[Number(group[1])] ?? '';
    if (key === 'json') return asTemplateText(getJson());
    if (key.startsWith('json.')) return asTemplateText(jsonPath(getJson(), key.slice(5)));
    return whole;
  });
}
