import { SwitchboardError } from '../../shared/errors';
import { variablesIn } from '../../shared/formats/variables';
import type { WsConnectSettings } from '../../shared/model/sockets';
import { substitute } from '../http/variables';

/**
 * The settings a connection actually uses: {{variables}} in the URL and in header names and values
 * replaced from the workspace (global < collection < environment, as for HTTP requests), dynamic ones
 * ({{$guid}}, …) filled in fresh. Unknown names refuse the connection before any byte is sent, since
 * a URL with `{{host}}` left in it would only fail later with a confusing parse or DNS error.
 */
export function resolveWsSettings(settings: WsConnectSettings, vars: Record<string, string>): WsConnectSettings {
  const unresolved = new Set<string>();
  const s = (text: string): string => {
    const out = substitute(text, vars, unresolved);
    // A defined variable whose value names an undefined one leaves {{it}} behind.
    for (const name of variablesIn(out)) unresolved.add(name);
    return out;
  };
  const resolved: WsConnectSettings = {
    ...settings,
    url: s(settings.url),
    headers: settings.headers.map(([name, value]) => [s(name), s(value)] as [string, string]),
    protocols: settings.protocols.map(s),
  };
  if (unresolved.size > 0) {
    const names = [...unresolved];
    throw new SwitchboardError(
      'VARIABLES_UNRESOLVED',
      `Not connected: ${names.map((n) => `{{${n}}}`).join(', ')} ${names.length === 1 ? 'is' : 'are'} not defined in the global variables or the active environment.`,
      { names },
    );
  }
  return resolved;
}
