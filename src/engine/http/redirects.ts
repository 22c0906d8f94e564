// Redirect rules of RFC 9110 §15.4 and the Fetch standard's "HTTP-redirect fetch".

export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Headers describing a request body; dropped when a redirect turns the request into a bodiless GET. */
export const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location', 'transfer-encoding']);

/** Method after a redirect, and whether the body goes along. */
export function redirectMethod(status: number, method: string): { method: string; keepBody: boolean } {
  if (status === 303 && method !== 'HEAD') return { method: 'GET', keepBody: false };
  if ((status === 301 || status === 302) && method === 'POST') return { method: 'GET', keepBody: false };
  return { method, keepBody: true };
}

export function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.hostname === b.hostname && effectivePort(a) === effectivePort(b);
}

function effectivePort(u: URL): string {
  return u.port || (u.protocol === 'https:' ? '443' : '80');
}
