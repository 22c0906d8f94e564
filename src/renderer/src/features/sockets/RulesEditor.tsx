import type { WsReplyRuleInput } from '../../../../shared/model/sockets';

type WsReplyMatch = WsReplyRuleInput['match'];
import { Icon } from '../../components/Icon';

const MATCH_LABEL: Record<WsReplyMatch['type'], string> = {
  any: 'Any message',
  equals: 'Text equals',
  contains: 'Text contains',
  regex: 'Matches regex',
  jsonField: 'JSON field',
};

function defaultMatch(type: WsReplyMatch['type']): WsReplyMatch {
  switch (type) {
    case 'any':
      return { type };
    case 'equals':
    case 'contains':
      return { type, text: '' };
    case 'regex':
      return { type, pattern: '', flags: '' };
    case 'jsonField':
      return { type, path: 'type' };
  }
}

function regexProblem(m: WsReplyMatch): string | null {
  if (m.type !== 'regex') return null;
  try {
    new RegExp(m.pattern, m.flags);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Auto-reply rules: when a message matches, answer with a template. First match wins. */
export function RulesEditor({ rules, onChange }: { rules: WsReplyRuleInput[]; onChange: (rules: WsReplyRuleInput[]) => void }) {
  const update = (i: number, patch: Partial<WsReplyRuleInput>) => onChange(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="sk-rules">
      {rules.length === 0 && <p className="faint">No rules. Add one to answer matching messages automatically (the first matching rule answers; echo applies when none does).</p>}
      {rules.map((r, i) => {
        const m = r.match;
        const problem = regexProblem(m);
        return (
          <div key={r.id} className={`sk-rule ${r.enabled === false ? 'disabled' : ''}`} data-testid="ws-rule">
            <div className="row">
              <input type="checkbox" aria-label="Rule enabled" checked={r.enabled !== false} onChange={(e) => update(i, { enabled: e.target.checked })} />
              <select className="select" aria-label="When" value={m.type} onChange={(e) => update(i, { match: defaultMatch(e.target.value as WsReplyMatch['type']) })}>
                {Object.entries(MATCH_LABEL).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
              {(m.type === 'equals' || m.type === 'contains') && (
                <input className="input mono grow" placeholder="text" aria-label="Match text" value={m.text} onChange={(e) => update(i, { match: { ...m, text: e.target.value } })} />
              )}
              {m.type === 'regex' && (
                <>
                  <input className={`input mono grow ${problem ? 'invalid' : ''}`} placeholder="^subscribe (\w+)$" aria-label="Regex" title={problem ?? ''} value={m.pattern} onChange={(e) => update(i, { match: { ...m, pattern: e.target.value } })} />
                  <input className="input mono sk-flags" placeholder="flags" aria-label="Regex flags" value={m.flags ?? ''} onChange={(e) => update(i, { match: { ...m, flags: e.target.value.replace(/[^imsu]/g, '') } })} />
                </>
              )}
              {m.type === 'jsonField' && (
                <>
                  <input className="input mono grow" placeholder="path, e.g. type or data.id" aria-label="JSON path" value={m.path} onChange={(e) => update(i, { match: { ...m, path: e.target.value } })} />
                  <input
                    className="input mono grow"
                    placeholder="equals (empty: exists)"
                    aria-label="JSON value"
                    value={m.equals ?? ''}
                    onChange={(e) => update(i, { match: e.target.value === '' ? { type: 'jsonField', path: m.path } : { ...m, equals: e.target.value } })}
                  />
                </>
              )}
              <button type="button" className="icon-btn" aria-label="Delete rule" title="Delete rule" onClick={() => onChange(rules.filter((_, j) => j !== i))}>
                <Icon name="trash" size={14} />
              </button>
            </div>
            <div className="row">
              <span className="faint sk-rule-then">reply</span>
              <input
                className="input mono grow"
                aria-label="Reply template"
                placeholder='{"ok":true,"echo":"{{message}}"} — also {{json.path}}, {{$1}}, {{clientId}}, {{now}}, {{count}}'
                value={r.reply}
                onChange={(e) => update(i, { reply: e.target.value })}
              />
              <select className="select" aria-label="Reply as" value={r.replyFormat ?? 'text'} onChange={(e) => update(i, { replyFormat: e.target.value as 'text' | 'hex' })}>
                <option value="text">as text</option>
                <option value="hex">as binary (hex)</option>
              </select>
              <label className="row faint">
                after
                <input className="input sk-delay" type="number" min={0} max={60000} aria-label="Delay (ms)" value={r.delayMs ?? 0} onChange={(e) => update(i, { delayMs: Math.max(0, Math.min(60_000, Number(e.target.value) || 0)) })} />
                ms
              </label>
            </div>
            {problem && <div className="sk-error-text">Regex: {problem}</div>}
          </div>
        );
      })}
      <button type="button" className="btn small" onClick={() => onChange([...rules, { id: `r${Date.now().toString(36)}`, enabled: true, match: { type: 'equals', text: 'ping' }, reply: 'pong', replyFormat: 'text', delayMs: 0 }])}>
        <Icon name="plus" size={14} /> Add rule
      </button>
    </div>
  );
}

export function rulesValid(rules: WsReplyRuleInput[]): boolean {
  return rules.every((r) => regexProblem(r.match) === null);
}
