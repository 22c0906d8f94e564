import { useEffect, useState } from 'react';
import { isDynamicVariable, variableSegments, variablesIn } from '../../../../shared/formats/variables';
import { engine } from '../../client/instance';
import { Icon } from '../../components/Icon';

/** Defined variable names → the scope that wins, refreshed when the workspace changes. */
function useKnownVariables(): Map<string, string> {
  const [known, setKnown] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      engine()
        .invoke('workspace.variables', {})
        .then((r) => !cancelled && setKnown(new Map(r.variables.map((v) => [v.name, v.secret ? 'secret' : v.scope]))))
        // No workspace open: nothing is defined.
        .catch(() => !cancelled && setKnown(new Map()));
    void load();
    const off = engine().subscribe((events) => {
      if (events.some((e) => e.type === 'workspace.changed')) void load();
    });
    return () => {
      cancelled = true;
      off();
    };
  }, []);
  return known;
}

/**
 * The URL's {{variables}} coloured by whether a scope defines them (as in the Requests area), and
 * the names used in the URL, headers or subprotocols that would make Connect fail.
 */
export function UrlVariables({ url, others }: { url: string; others: string[] }) {
  const known = useKnownVariables();
  const used = [url, ...others].flatMap((s) => variablesIn(s));
  if (used.length === 0) return null;
  const missing = [...new Set(used)].filter((n) => !known.has(n) && !isDynamicVariable(n));
  return (
    <div className="sk-url-vars">
      {url.includes('{{') && (
        <div className="ws-url-vars mono" aria-label="Variables in the URL">
          {variableSegments(url).map((seg, i) =>
            seg.variable === null ? (
              <span key={i}>{seg.text}</span>
            ) : (
              <span
                key={i}
                className={`ws-var ${known.has(seg.variable) || isDynamicVariable(seg.variable) ? 'ok' : 'missing'}`}
                title={known.has(seg.variable) ? `from ${known.get(seg.variable)}` : isDynamicVariable(seg.variable) ? 'dynamic' : 'not defined in any scope'}
              >
                {seg.text}
              </span>
            ),
          )}
        </div>
      )}
      {missing.length > 0 && (
        <div className="ws-unresolved" role="status" title="No scope (globals, active environment) defines these; Connect will refuse.">
          <Icon name="alert" size={12} /> Unresolved: {missing.map((u) => `{{${u}}}`).join(', ')}
        </div>
      )}
    </div>
  );
}
