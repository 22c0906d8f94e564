/**
 * The renderer's Content-Security-Policy, shared by the Electron shell (response header) and the
 * web door (response header); src/renderer/index.html carries the same policy in a meta tag so
 * it holds even where no header can be set. Strangers' content is only ever shown inside
 * sandboxed blob:/data: frames, hence `frame-src blob: data:`.
 */
const BASE_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  // CodeMirror and React style attributes need inline styles; inline scripts stay forbidden.
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data: blob:"],
  ['font-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['frame-src', 'blob: data:'],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

export interface CspOptions {
  /** Extra connect-src sources, e.g. the web door's own ws:// origin for older engines. */
  connectSrc?: string[];
  /** Development only: the Vite dev server needs its own origin, websockets and inline preamble. */
  devServerUrl?: string;
}

export function rendererCsp(options: CspOptions = {}): string {
  const extraConnect = [...(options.connectSrc ?? [])];
  let extraScript: string[] = [];
  if (options.devServerUrl) {
    const dev = new URL(options.devServerUrl);
    const wsOrigin = `${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}`;
    extraConnect.push(dev.origin, wsOrigin);
    // @vitejs/plugin-react injects an inline refresh preamble in dev.
    extraScript = [dev.origin, "'unsafe-inline'"];
  }
  return BASE_DIRECTIVES.map(([name, value]) => {
    if (name === 'connect-src' && extraConnect.length) return `${name} ${value} ${extraConnect.join(' ')}`;
    if (name === 'script-src' && extraScript.length) return `${name} ${value} ${extraScript.join(' ')}`;
    return `${name} ${value}`;
  }).join('; ');
}

/** For responses that carry strangers' bytes (downloads): nothing may run or load. */
export const DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";
