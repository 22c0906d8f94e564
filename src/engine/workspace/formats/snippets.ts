import { HTTPSnippet, type HarRequest } from '@readme/httpsnippet';
import type { RequestSpec } from '../../../shared/model/http';
import type { SnippetTarget } from '../../../shared/contract/workspace';
import { SwitchboardError } from '../../../shared/errors';
import { bodyText, defaultContentType, headerValue } from '../../../shared/formats/specHelpers';

// Code snippets through @readme/httpsnippet (the maintained httpsnippet used by ReadMe and
// Insomnia-style tools), fed a HAR request built from the spec with auth applied as headers.
// Lives in the engine: httpsnippet pulls in Node modules.

const LANGUAGE: Record<string, string> = {
  shell: 'shell',
  javascript: 'javascript',
  node: 'javascript',
  python: 'python',
  go: 'go',
  java: 'java',
  csharp: 'csharp',
  php: 'php',
  ruby: 'ruby',
  rust: 'rust',
  powershell: 'powershell',
};

function authHeader(spec: RequestSpec): { header?: [string, string]; query?: [string, string]; note?: string } {
  const a = spec.auth;
  switch (a.kind) {
    case 'none':
      return {};
    case 'basic':
      return { header: ['Authorization', `Basic ${Buffer.from(`${a.username}:${a.password}`, 'utf8').toString('base64')}`] };
    case 'bearer':
      return { header: ['Authorization', `Bearer ${a.token}`] };
    case 'apikey':
      return a.in === 'header' ? { header: [a.key, a.value] } : { query: [a.key, a.value] };
    case 'digest':
      return { note: `Digest auth (user "${a.username}") needs a challenge from the server; add it with your client's digest support.` };
  }
}

export function specToHarRequest(spec: RequestSpec): { har: HarRequest; notes: string[] } {
  const notes: string[] = [];
  let url = spec.url.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `http://${url}`;
  const auth = authHeader(spec);
  if (auth.note) notes.push(auth.note);
  if (auth.query) {
    const [k, v] = auth.query;
    url += `${url.includes('?') ? '&' : '?'}${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
  }
  const headers = spec.headers.filter((h) => h.enabled && h.name).map((h) => ({ name: h.name, value: h.value }));
  if (auth.header && !headers.some((h) => h.name.toLowerCase() === auth.header?.[0].toLowerCase())) headers.push({ name: auth.header[0], value: auth.header[1] });
  const b = spec.body;
  const ct = headerValue(spec.headers, 'content-type') ?? defaultContentType(b);
  let postData: HarRequest['postData'] | undefined;
  if (b.kind === 'form') {
    postData = { mimeType: 'application/x-www-form-urlencoded', params: b.fields.filter((f) => f.enabled).map((f) => ({ name: f.name, value: f.value })) };
  } else if (b.kind === 'multipart') {
    postData = {
      mimeType: 'multipart/form-data',
      params: b.parts
        .filter((p) => p.enabled)
        .map((p) => (p.kind === 'text' ? { name: p.name, value: p.value } : { name: p.name, fileName: p.path, ...(p.contentType ? { contentType: p.contentType } : {}) })),
    };
  } else if (b.kind === 'binary') {
    notes.push(`The body is the file ${b.path}; the snippet leaves it out.`);
  } else if (b.kind !== 'none') {
    const text = bodyText(b);
    if (text === null) notes.push('The body is binary and is left out of the snippet.');
    else postData = { mimeType: ct ?? 'text/plain', text };
  }
  if (postData && ct && !headers.some((h) => h.name.toLowerCase() === 'content-type') && b.kind !== 'multipart') {
    headers.push({ name: 'Content-Type', value: ct });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SwitchboardError('HTTP_INVALID_URL', `"${spec.url}" is not a valid URL; resolve its variables first.`);
  }
  const har: HarRequest = {
    method: spec.method.toUpperCase(),
    url: parsed.href,
    httpVersion: 'HTTP/1.1',
    headers,
    queryString: [],
    cookies: [],
    headersSize: -1,
    bodySize: -1,
    ...(postData ? { postData } : {}),
  } as HarRequest;
  return { har, notes };
}

export function requestSnippet(spec: RequestSpec, target: SnippetTarget): { text: string; language: string } {
  const [targetId, clientId] = target.split(':') as [string, string];
  const { har, notes } = specToHarRequest(spec);
  let out: Array<string | false>;
  try {
    const snippet = new HTTPSnippet(har);
    out = snippet.convert(targetId as Parameters<HTTPSnippet['convert']>[0], clientId, { indent: '  ' });
  } catch (err) {
    throw new SwitchboardError('VALIDATION_FAILED', `Cannot build a ${target} snippet: ${err instanceof Error ? err.message : String(err)}`);
  }
  const code = out[0];
  if (typeof code !== 'string') throw new SwitchboardError('VALIDATION_FAILED', `No snippet for ${target}.`);
  const language = LANGUAGE[targetId] ?? 'text';
  const comment = targetId === 'python' || targetId === 'shell' || targetId === 'ruby' || targetId === 'powershell' ? '#' : '//';
  const head = notes.map((n) => `${comment} ${n}\n`).join('');
  return { text: head + code, language };
}
